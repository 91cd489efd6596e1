export * from "./geometry";
export * from "./pipeline";
export { transforms } from "./catalogue";
export type { TransformCall, TransformEntry, TransformOp } from "./op";
