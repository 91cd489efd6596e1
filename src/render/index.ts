/**
 * Spatially varying rendering: FFT engine (fast, typed arrays), tfjs engine (differentiable), dense
 * reference. Notebooks reach it as `svd.render`; the sensor noise of the forward model is in
 * data/noise (`svd.data.addNoise`).
 */
export * from "./types";
export * from "./fft-engine";
export * from "./tf-engine";
export * from "./dense";
export * from "./parallel";
