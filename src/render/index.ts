/**
 * Spatially varying rendering: FFT engine (fast, typed arrays), tfjs engine (differentiable), dense
 * reference. Notebooks reach it as `svd.render`; the sensor noise of the forward model is in
 * data/noise (`svd.data.addNoise`).
 */
export {
  asPlanar,
  inInputForm,
  type RenderForm,
  type Boundary,
  type OutputExtent,
  type RenderOptions,
  type ResolvedOptions,
  type RenderDims,
  type RenderInput,
} from "./types";
export { renderFft, type FftRendererOptions, FftRenderer, type RenderLayout } from "./fft-engine";
export { renderTf } from "./tf-engine";
export {
  basisPsfField,
  gridPsfField,
  renderDense,
  basisApproximationError,
  type PsfField,
  type ApproximationError,
} from "./dense";
export { FftRenderPool } from "./parallel";
