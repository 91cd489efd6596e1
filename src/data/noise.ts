/**
 * Sensor noise models, the one noise module of the repo (spec dataset-generation.md §2.3, §3.6, §4):
 * Gaussian, Poisson–Gaussian and the quanta image sensor, for dataset generation (HWC images,
 * clipped to [0, 1] as the original) and the render command (`addNoise` on any NdArray, unclipped).
 * Every function takes the Rng that draws its randomness, so the same seed gives the same noise.
 */
import { ArgumentError } from "../util/errors";
import type { NdArray } from "../array";
import type { Rng } from "../util/rng";
import { PixelStream } from "./pixel-noise";
import { makeImage, type ImageHWC } from "../array";

/** `x + N(mu, sigma²)` per element of `src` into a new array, clamped to [0, 1] when `clip`. */
function gaussianNoise(src: ArrayLike<number>, sigma: number, rng: Rng, mu: number, clip: boolean): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < out.length; i++) {
    const v = (src[i] as number) + rng.normal(mu, sigma);
    out[i] = clip ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
  }
  return out;
}

/**
 * `Poisson(max(x, minMean)·peak)/peak + N(0, readSigma²)` per element into a new array, clamped to
 * [0, 1] when `clip`. ~10⁶ draws per image: a PixelStream seeded from rng (see pixel-noise.ts for why).
 */
function poissonGaussianNoise(src: ArrayLike<number>, peak: number, readSigma: number, rng: Rng, clip: boolean, minMean: number): Float32Array {
  const out = new Float32Array(src.length);
  const s = new PixelStream(rng);
  const invPeak = 1 / peak;
  for (let i = 0; i < out.length; i++) {
    const x = src[i] as number;
    let v = s.poisson((x > minMean ? x : minMean) * peak) * invPeak;
    if (readSigma > 0) v += readSigma * s.normal();
    out[i] = clip ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
  }
  return out;
}

/** `clamp(x + N(mu, sigma²), 0, 1)` (the original's `gaussian_noise` with a fixed sigma). */
export function addGaussianNoise(img: ImageHWC, sigma: number, rng: Rng, mu = 0, clip = true): ImageHWC {
  return makeImage(img.height, img.width, img.channels, gaussianNoise(img.data, sigma, rng, mu, clip));
}

/**
 * Poisson–Gaussian: photon shot noise at `peak` photons for a value of 1, then Gaussian read
 * noise `readSigma` (in [0,1] units): `clamp(Poisson(max(x,1e-6)·peak)/peak + N(0, readSigma²), 0, 1)`.
 * With readSigma = 0 it is the original's `poisson_noise`.
 */
export function addPoissonGaussianNoise(img: ImageHWC, peak: number, readSigma: number, rng: Rng, clip = true): ImageHWC {
  return makeImage(img.height, img.width, img.channels, poissonGaussianNoise(img.data, peak, readSigma, rng, clip, 1e-6));
}

/**
 * Noise of the forward model for the render command, on any array:
 *   gaussian:          y = x + N(0, sigma²)
 *   poisson-gaussian:  y = Poisson(max(x, 0) · photonsAtOne) / photonsAtOne + N(0, readSigma²)
 *                      (shot noise with `photonsAtOne` photo-electrons for a value of 1, plus read
 *                      noise in the same [0, 1] units)
 * No clipping: the caller decides (writing an 8/16-bit image clips).
 */
export type NoiseModel =
  | { type: "none" }
  | { type: "gaussian"; sigma: number }
  | { type: "poisson-gaussian"; photonsAtOne: number; readSigma: number };

export function addNoise(img: NdArray, model: NoiseModel, rng: Rng): NdArray {
  const shape = [...img.shape];
  if (model.type === "none") return { data: Float32Array.from(img.data), shape };
  if (model.type === "gaussian") {
    if (!(model.sigma >= 0)) throw new ArgumentError("noise.sigma", "a number >= 0", model.sigma);
    return { data: gaussianNoise(img.data, model.sigma, rng, 0, false), shape };
  }
  if (model.type === "poisson-gaussian") {
    if (!(model.photonsAtOne > 0)) throw new ArgumentError("noise.photonsAtOne", "a number > 0", model.photonsAtOne);
    if (!(model.readSigma >= 0)) throw new ArgumentError("noise.readSigma", "a number >= 0", model.readSigma);
    return { data: poissonGaussianNoise(img.data, model.photonsAtOne, model.readSigma, rng, false, 0), shape };
  }
  throw new ArgumentError("noise.type", '"none", "gaussian" or "poisson-gaussian"', (model as { type: unknown }).type);
}

/** QIS gain table of the original (PPP → gain). */
const QIS_GAIN_TABLE: ReadonlyArray<number[]> = [
  [0.5, 90], [1.5, 60], [2.5, 50], [3.25, 30], [6.5, 15], [9.75, 7.5], [13, 4.5], [20, 3.2], [26, 2.8],
  [36, 2.4], [45, 2.2], [54, 1.8], [67, 1.5], [80, 1.3], [90, 1.1], [110, 1.05], [130, 0.9], [145, 0.65],
  [155, 0.56], [160, 0.51], [200, 0.4881704],
];

let rbfWeights: Float64Array | null = null;

/** Solves the linear-RBF system (phi(r) = r, no smoothing) of SciPy's `Rbf(function='linear')`. */
function solveRbf(): Float64Array {
  const n = QIS_GAIN_TABLE.length;
  const A = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n + 1 }, (_, j) => (j < n ? Math.abs(QIS_GAIN_TABLE[i]![0]! - QIS_GAIN_TABLE[j]![0]!) : QIS_GAIN_TABLE[i]![1]!)));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      if (f !== 0) for (let k = c; k <= n; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return Float64Array.from({ length: n }, (_, i) => A[i]![n]! / A[i]![i]!);
}

/** QIS gain G(PPP): piecewise linear inside [0.5, 200], the RBF's extrapolation outside (as SciPy). */
export function qisGain(ppp: number): number {
  rbfWeights ??= solveRbf();
  let g = 0;
  for (let j = 0; j < QIS_GAIN_TABLE.length; j++) g += (rbfWeights[j] as number) * Math.abs(ppp - QIS_GAIN_TABLE[j]![0]!);
  return g;
}

export interface QisParams {
  /** average photons per pixel; if absent computed as 65 · pixelSizeUm · lux · 60 · exposureS */
  ppp?: number;
  lux: number;
  pixelSizeUm: number;
  exposureS: number;
  qe: number;
  thetaDark: number;
  sigmaRead: number;
  /** binary/multi-bit frames averaged (the original's clicks_per_frame) */
  frames: number;
  bits: number;
  fullWell: number;
}

export const defaultQisParams: QisParams = { lux: 0.1, pixelSizeUm: 1.2, exposureS: 1 / 120, qe: 0.8, thetaDark: 1.6, sigmaRead: 0.2, frames: 1, bits: 3, fullWell: 200 };

export function qisPhotonsPerPixel(p: QisParams): number {
  return p.ppp ?? 65 * p.pixelSizeUm * p.lux * 60 * p.exposureS;
}

/**
 * Readout gain of one frame, in the units of the spec's `round(s · gain · (2^bits − 1) / fwc)`.
 * - 1 frame: the original's ISO gain G(PPP), which maps a whole exposure of PPP photons into the
 *   2^bits levels.
 * - N > 1 frames: photon counting, one level per photo-electron (gain = fwc / (2^bits − 1)), as a
 *   quanta sensor reads its jots: each frame sees only PPP/N photons, and G(PPP) there scales a
 *   frame's few electrons far below half a level, so every 1-bit frame rounded to 0 (issue 14).
 *   Averaging the N counting frames is what maps the exposure into [0, 1]; a 1-bit frame is 1
 *   when it caught at least one electron (with no read noise, P = 1 − e^(−λ)).
 */
export function qisFrameGain(p: QisParams): number {
  return p.frames === 1 ? qisGain(qisPhotonsPerPixel(p)) : p.fullWell / (2 ** p.bits - 1);
}

/**
 * Quanta image sensor forward model (the original's `forward`, §3.6) on a grey image in [0, 1]
 * (HW×1). Returns the average of `frames` quantized frames divided by 2^bits − 1, in [0, 1];
 * with bits = 1 every frame is binary. `gain` is the per-frame readout gain (qisFrameGain).
 */
export function simulateQis(gray: ImageHWC, p: QisParams, rng: Rng): { image: ImageHWC; ppp: number; gain: number } {
  if (gray.channels !== 1) throw new Error(`simulateQis expects a 1-channel image, got ${gray.channels}`);
  if (!(Number.isInteger(p.frames) && p.frames >= 1)) throw new RangeError(`simulateQis: frames must be an integer >= 1, found ${p.frames}`);
  if (!(Number.isInteger(p.bits) && p.bits >= 1)) throw new RangeError(`simulateQis: bits must be an integer >= 1, found ${p.bits}`);
  const ppp = qisPhotonsPerPixel(p);
  const gain = qisFrameGain(p);
  const n = gray.data.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += gray.data[i] as number;
  mean /= n;
  const levels = 2 ** p.bits - 1;
  const darkPerFrame = p.thetaDark * p.exposureS;
  const acc = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const theta = ((gray.data[i] as number) * ppp) / (mean + 1e-4);
    const lambda = (p.qe * theta + darkPerFrame) / p.frames;
    let sum = 0;
    for (let f = 0; f < p.frames; f++) {
      let s = Math.min(rng.poisson(lambda), p.fullWell);
      s += rng.normal(0, p.sigmaRead);
      s = Math.round((s * gain * levels) / p.fullWell);
      sum += s < 0 ? 0 : s > levels ? levels : s;
    }
    acc[i] = sum / p.frames / levels;
  }
  return { image: makeImage(gray.height, gray.width, 1, acc), ppp, gain };
}
