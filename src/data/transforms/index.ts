export * from "./geometry";
export * from "./pipeline";
export { transformCatalogue, type TransformOp, type TransformFactory } from "./catalogue";
