/** Image-quality metrics (PSNR, SSIM, MS-SSIM, MAE, MSE) and MTF analysis. */
export { dataRangeOf, cropBorder, rgbToY } from "./image-ops";
export { mse, mae, psnr, type FidelityOptions } from "./pixel";
export { ssimDetailed, ssim, ssimMap, type SsimOptions, type SsimResult } from "./ssim";
export { msssimDetailed, msssim, MS_SSIM_WEIGHTS, type MsSsimOptions, type MsSsimResult } from "./msssim";
export { resizeBicubicU8, resizeBicubicFloat } from "./resize";
export { matchHistogramU8, matchHistogramsU8 } from "./histogram";
export { tensorMetrics, type TensorMetricOptions, type TensorSsimOptions, type TensorMetrics } from "./tensor";
export { toCyclesPerMm, mtfCrossing, mtfAt, gaussianMtf, diffractionMtf, type MtfCurve } from "./mtf-curve";
export {
  otfMagnitude,
  directionalMtf,
  radialMtf,
  psfMtf,
  type PsfMtfOptions,
  type MtfSummary,
  type PsfMtf,
} from "./psf-mtf";
export {
  erf,
  slantedEdgeTarget,
  siemensStarTarget,
  siemensStarMtf,
  type SlantedEdgeTargetOptions,
  type SiemensStarOptions,
  type StarMtfPoint,
} from "./targets";
export { slantedEdgeMtf, type SlantedEdgeOptions, type SlantedEdgeResult } from "./slanted-edge";
export { gaussianBlur } from "./blur";
export {
  gridGeometry,
  fieldOffset,
  psfFileMtf,
  mtfMapFromPsfFile,
  type MtfMapOptions,
  type MtfMapPoint,
  type MtfMap,
} from "./mtf-map";
export {
  evaluateFolders,
  type EvaluateOptions,
  METRIC_NAMES,
  type MetricName,
  type ImageScores,
  type EvaluateResult,
} from "./evaluate";
