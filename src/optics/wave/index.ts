export * from "./propagate";
export * from "./bessel";
export * from "./resample";
