/**
 * SSIM (Wang et al. 2004) with the Gaussian window, computed the way scikit-image's
 * `structural_similarity(gaussian_weights=True, use_sample_covariance=False, data_range=R,
 * channel_axis=-1)` does:
 *   - 1D Gaussian taps exp(-t^2 / (2 sigma^2)) for |t| <= r, r = int(truncate * sigma + 0.5)
 *     (scipy.ndimage's radius rule; sigma 1.5, truncate 3.5 -> 11 taps), normalised to sum 1;
 *   - local means / (co)variances with population normalisation, C1 = (K1 R)^2, C2 = (K2 R)^2;
 *   - the SSIM map is averaged after discarding r = (win - 1) / 2 pixels on every side, and
 *     multichannel images average the per-channel means.
 * Because only the map's interior is averaged, the result never depends on how the filter pads
 * the borders (skimage reflects, torchmetrics reflect-pads then crops: same numbers), so this
 * implementation filters the "valid" region only: a separable pass along rows into a ring of
 * 2r+1 rows, then a pass down the columns that produces SSIM and the contrast-structure term
 * in the same loop (all five moments fused, float64 accumulation).
 */
import { ArgumentError } from "../util/errors";
import type { ImageHWC, NdArray, NumericArray } from "../array";
import { dataRangeOf, sameDims } from "./image-ops";
import { FidelityOptions, prepare } from "./pixel";

export interface SsimOptions extends FidelityOptions {
  /** Gaussian window sigma in pixels (default 1.5). */
  sigma?: number;
  /** Window radius = int(truncate * sigma + 0.5) (default 3.5 -> 11x11 for sigma 1.5). */
  truncate?: number;
  k1?: number;
  k2?: number;
}

export interface SsimResult {
  /** Mean SSIM over channels. */
  ssim: number;
  /** Mean contrast-structure term (2 s_xy + C2) / (s_x^2 + s_y^2 + C2), over channels (used by MS-SSIM). */
  cs: number;
  perChannel: number[];
  csPerChannel: number[];
  /** Window radius r: the map covers rows/cols r .. size-1-r. */
  radius: number;
}

/** Normalised 1D Gaussian taps (length 2r+1), scipy.ndimage.gaussian_filter1d's construction. */
export function gaussianTaps(sigma: number, truncate: number): Float64Array {
  if (!(sigma > 0)) throw new ArgumentError("sigma", "a positive number", sigma);
  const r = Math.trunc(truncate * sigma + 0.5);
  const taps = new Float64Array(2 * r + 1);
  let s = 0;
  for (let t = -r; t <= r; t++) {
    const v = Math.exp((-0.5 * t * t) / (sigma * sigma));
    taps[t + r] = v;
    s += v;
  }
  for (let i = 0; i < taps.length; i++) taps[i] = taps[i]! / s;
  return taps;
}

/** Channel `ch` of an image as a float64 plane (height x width). */
export function channelPlane(img: ImageHWC<NumericArray>, ch: number): Float64Array {
  const { data, height: h, width: w, channels: c } = img;
  const out = new Float64Array(h * w);
  for (let p = 0, i = ch; p < h * w; p++, i += c) out[p] = data[i] as number;
  return out;
}

/**
 * SSIM of two single-channel planes (h x w). Returns the mean SSIM and mean cs over the valid
 * interior; writes the interior SSIM map ((h-2r) x (w-2r)) into `map` when given.
 */
export function ssimPlanes(
  x: Float64Array,
  y: Float64Array,
  h: number,
  w: number,
  taps: Float64Array,
  c1: number,
  c2: number,
  map?: Float32Array,
): { ssim: number; cs: number } {
  const win = taps.length;
  const r = (win - 1) >> 1;
  if (h < win || w < win) {
    throw new ArgumentError("image size", `at least the ${win}x${win} SSIM window`, `${h}x${w}`);
  }
  const wv = w - 2 * r;
  const hv = h - 2 * r;
  // Ring of horizontally filtered rows for the five moments: slot s holds image row (s mod win).
  const rx = new Float64Array(win * wv);
  const ry = new Float64Array(win * wv);
  const rxx = new Float64Array(win * wv);
  const ryy = new Float64Array(win * wv);
  const rxy = new Float64Array(win * wv);
  const ax = new Float64Array(wv);
  const ay = new Float64Array(wv);
  const axx = new Float64Array(wv);
  const ayy = new Float64Array(wv);
  const axy = new Float64Array(wv);
  const k0 = taps[r]!;

  const filterRow = (row: number) => {
    const slot = (row % win) * wv;
    const base = row * w + r;
    for (let j = 0; j < wv; j++) {
      const ci = base + j;
      const xc = x[ci]!;
      const yc = y[ci]!;
      let sx = k0 * xc;
      let sy = k0 * yc;
      let sxx = k0 * xc * xc;
      let syy = k0 * yc * yc;
      let sxy = k0 * xc * yc;
      for (let t = 1; t <= r; t++) {
        const k = taps[r + t]!;
        const x1 = x[ci - t]!;
        const x2 = x[ci + t]!;
        const y1 = y[ci - t]!;
        const y2 = y[ci + t]!;
        sx += k * (x1 + x2);
        sy += k * (y1 + y2);
        sxx += k * (x1 * x1 + x2 * x2);
        syy += k * (y1 * y1 + y2 * y2);
        sxy += k * (x1 * y1 + x2 * y2);
      }
      const o = slot + j;
      rx[o] = sx;
      ry[o] = sy;
      rxx[o] = sxx;
      ryy[o] = syy;
      rxy[o] = sxy;
    }
  };

  let ssimSum = 0;
  let csSum = 0;
  for (let row = 0; row < win - 1; row++) filterRow(row);
  for (let o = 0; o < hv; o++) {
    filterRow(o + win - 1);
    // Vertical pass: output row o uses image rows o .. o + win - 1, centre o + r.
    const cs0 = ((o + r) % win) * wv;
    for (let j = 0; j < wv; j++) {
      ax[j] = k0 * rx[cs0 + j]!;
      ay[j] = k0 * ry[cs0 + j]!;
      axx[j] = k0 * rxx[cs0 + j]!;
      ayy[j] = k0 * ryy[cs0 + j]!;
      axy[j] = k0 * rxy[cs0 + j]!;
    }
    for (let t = 1; t <= r; t++) {
      const k = taps[r + t]!;
      const s1 = ((o + r - t) % win) * wv;
      const s2 = ((o + r + t) % win) * wv;
      for (let j = 0; j < wv; j++) {
        ax[j] += k * (rx[s1 + j]! + rx[s2 + j]!);
        ay[j] += k * (ry[s1 + j]! + ry[s2 + j]!);
        axx[j] += k * (rxx[s1 + j]! + rxx[s2 + j]!);
        ayy[j] += k * (ryy[s1 + j]! + ryy[s2 + j]!);
        axy[j] += k * (rxy[s1 + j]! + rxy[s2 + j]!);
      }
    }
    const mapRow = o * wv;
    for (let j = 0; j < wv; j++) {
      const mx = ax[j]!;
      const my = ay[j]!;
      const vx = axx[j]! - mx * mx;
      const vy = ayy[j]! - my * my;
      const vxy = axy[j]! - mx * my;
      const a2 = 2 * vxy + c2;
      const b2 = vx + vy + c2;
      const s = ((2 * mx * my + c1) * a2) / ((mx * mx + my * my + c1) * b2);
      ssimSum += s;
      csSum += a2 / b2;
      if (map) map[mapRow + j] = s;
    }
  }
  const n = hv * wv;
  return { ssim: ssimSum / n, cs: csSum / n };
}

function constants(opts: SsimOptions, reference: ImageHWC<NumericArray>): { taps: Float64Array; c1: number; c2: number } {
  const range = dataRangeOf(opts, reference);
  if (!(range > 0)) throw new ArgumentError("dataRange", "a positive number", range);
  const k1 = opts.k1 ?? 0.01;
  const k2 = opts.k2 ?? 0.03;
  if (!(k1 >= 0) || !(k2 >= 0)) throw new ArgumentError("k1/k2", "non-negative numbers", [k1, k2]);
  return { taps: gaussianTaps(opts.sigma ?? 1.5, opts.truncate ?? 3.5), c1: (k1 * range) ** 2, c2: (k2 * range) ** 2 };
}

/** SSIM with per-channel values and the contrast-structure term. */
export function ssimDetailed(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: SsimOptions = {}): SsimResult {
  const { taps, c1, c2 } = constants(opts, a);
  const p = prepare(a, b, opts);
  const { h, w, c } = sameDims(p.a, p.b);
  const perChannel: number[] = [];
  const csPerChannel: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const r = ssimPlanes(channelPlane(p.a, ch), channelPlane(p.b, ch), h, w, taps, c1, c2);
    perChannel.push(r.ssim);
    csPerChannel.push(r.cs);
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return { ssim: mean(perChannel), cs: mean(csPerChannel), perChannel, csPerChannel, radius: (taps.length - 1) / 2 };
}

/** Mean SSIM (skimage structural_similarity with gaussian_weights=True, use_sample_covariance=False). */
export function ssim(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: SsimOptions = {}): number {
  return ssimDetailed(a, b, opts).ssim;
}

/** The SSIM map of one channel over the valid interior: shape [h - 2r, w - 2r]. */
export function ssimMap(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: SsimOptions & { channelIndex?: number } = {}): NdArray {
  const { taps, c1, c2 } = constants(opts, a);
  const p = prepare(a, b, opts);
  const { h, w, c } = sameDims(p.a, p.b);
  const ch = opts.channelIndex ?? 0;
  if (!(Number.isInteger(ch) && ch >= 0 && ch < c)) throw new ArgumentError("channelIndex", `an integer in [0, ${c})`, ch);
  const r = (taps.length - 1) / 2;
  const map = new Float32Array((h - 2 * r) * (w - 2 * r));
  ssimPlanes(channelPlane(p.a, ch), channelPlane(p.b, ch), h, w, taps, c1, c2, map);
  return { data: map, shape: [h - 2 * r, w - 2 * r] };
}
