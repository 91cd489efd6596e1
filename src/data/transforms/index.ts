export { window, cropCenter, resizeBicubic, flip, selectChannels, toChannels, type PadMode, type PadOptions, type PixelRect } from "./geometry";
export { type TransformStep, type PipelineOptions, TransformPipeline } from "./pipeline";
export { transforms } from "./catalogue";
export type { TransformCall, TransformEntry, TransformOp } from "./op";
