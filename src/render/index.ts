/**
 * Spatially varying rendering: FFT engine (fast, typed arrays), tfjs engine (differentiable), dense
 * reference, noise models. Notebooks reach it as `svd.render`.
 */
export * from "./types";
export * from "./fft-engine";
export * from "./tf-engine";
export * from "./dense";
export { addNoise, type NoiseModel } from "../data/noise";
export * from "./parallel";
