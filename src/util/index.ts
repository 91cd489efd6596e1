export * from "./errors";
export * from "./rng";
export * from "./float16";
export * from "./atomic";
export * from "./progress";
export * from "./border";
