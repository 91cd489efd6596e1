export * from "./phase";
export * from "./library";
export * from "./cell-model";
export * from "./psf";
