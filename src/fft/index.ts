/**
 * All Fourier transforms of the project, in two paths over one plan cache (plan-cache.ts):
 * - fft2.ts: interleaved complex typed arrays, any length (fft.js radix-4, Bluestein otherwise), NumPy
 *   conventions; used by pupil -> PSF, wave propagation, MTF, the models' Wiener layers.
 * - axis-fft.ts: batched split-plane transforms along axis 0 for lengths 2^a 3^b 5^c, with the
 *   WebAssembly SIMD butterflies (simd-butterflies.ts, in a PlaneArena's memory); used by the FFT
 *   render engine.
 * Notebooks reach it as `svd.fft`.
 */
export {
  type Fft1d,
  fftPlan,
  isPowerOfTwo,
  nextPowerOfTwo,
  fft2,
  ifft2,
  fft2InPlace,
  transformColumns,
  realToComplex,
  complexAbs2,
  roll2,
  fftshift2,
  ifftshift2,
  zeroPad2,
} from "./fft2";
export { AxisFft, axisFftPlan, factorRadices, passCostPerPoint, transposePlanes } from "./axis-fft";
export { allocPlanes, wasmPlanes, type Planes, type WasmPlanes, type FftSimdLoops } from "./planes";
export { PlaneArena } from "./simd-arena";
