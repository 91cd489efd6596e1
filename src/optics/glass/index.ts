export * from "./dispersion";
export * from "./catalog";
