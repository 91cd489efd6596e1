/**
 * Pillow-compatible resampling (Image.resize with the BICUBIC filter, Pillow >= 7 default), so the
 * original evaluation protocol (resize every image to 512x512) gives the same pixels.
 *
 * Pillow's separable convolution: for each output sample, centre = (i + 0.5) * scale, support =
 * 2 * max(scale, 1) input pixels (the cubic kernel, a = -0.5, is stretched when shrinking, which
 * antialiases), taps normalised to sum 1. 8-bit images go through Pillow's fixed-point path
 * (22 fractional bits, round half up, clip to 0..255), horizontal pass first into an 8-bit
 * intermediate, then vertical; float data uses the same taps without quantisation.
 */
import type { ImageHWC, ImageSize } from "../array";
import { ArgumentError } from "../util/errors";

function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Taps {
  /** first input index per output sample */
  start: Int32Array;
  /** tap count per output sample */
  count: Int32Array;
  /** normalised weights, `ksize` per output sample */
  weights: Float64Array;
  ksize: number;
}

/** Pillow's precompute_coeffs for the full input range. */
function computeTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const ss = 1 / filterScale;
    let xmin = Math.trunc(centre - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(centre + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const v = bicubic((x + xmin - centre + 0.5) * ss);
      weights[i * ksize + x] = v;
      ww += v;
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) weights[i * ksize + x] = weights[i * ksize + x]! / ww;
    start[i] = xmin;
    count[i] = xmax;
  }
  return { start, count, weights, ksize };
}

const PRECISION_BITS = 32 - 8 - 2;

function fixedPoint(t: Taps): Float64Array {
  // Pillow's normalize_coeffs_8bpc: round half away from zero, truncating cast.
  const k = new Float64Array(t.weights.length);
  const one = 2 ** PRECISION_BITS;
  for (let i = 0; i < k.length; i++) {
    const v = t.weights[i]!;
    k[i] = v < 0 ? Math.trunc(-0.5 + v * one) : Math.trunc(0.5 + v * one);
  }
  return k;
}

function clip8(ss: number): number {
  // ss is an integer accumulator (exact in float64); Pillow's clip8.
  if (ss >= 2 ** (PRECISION_BITS + 8)) return 255;
  if (ss <= 0) return 0;
  return Math.floor(ss / 2 ** PRECISION_BITS);
}

/**
 * Resizes 8-bit HWC codes exactly as Pillow's `Image.resize((outW, outH), Image.BICUBIC)` on an
 * L / RGB / RGBA image.
 */
export function resizeBicubicU8(img: ImageHWC<Uint8Array>, to: ImageSize): ImageHWC<Uint8Array> {
  const { data: src, height: h, width: w, channels: c } = img;
  const { height: outH, width: outW } = to;
  checkSizes(src.length, h, w, c, outH, outW);
  let cur = src;
  let curW = w;
  const half = 2 ** (PRECISION_BITS - 1);
  if (outW !== w) {
    const t = computeTaps(w, outW);
    const k = fixedPoint(t);
    const out = new Uint8Array(h * outW * c);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < outW; x++) {
        const s0 = t.start[x]!;
        const n = t.count[x]!;
        for (let ch = 0; ch < c; ch++) {
          let ss = half;
          for (let i = 0; i < n; i++) ss += cur[(y * curW + s0 + i) * c + ch]! * k[x * t.ksize + i]!;
          out[(y * outW + x) * c + ch] = clip8(ss);
        }
      }
    }
    cur = out;
    curW = outW;
  }
  if (outH !== h) {
    const t = computeTaps(h, outH);
    const k = fixedPoint(t);
    const out = new Uint8Array(outH * curW * c);
    for (let y = 0; y < outH; y++) {
      const s0 = t.start[y]!;
      const n = t.count[y]!;
      for (let x = 0; x < curW * c; x++) {
        let ss = half;
        for (let i = 0; i < n; i++) ss += cur[(s0 + i) * curW * c + x]! * k[y * t.ksize + i]!;
        out[y * curW * c + x] = clip8(ss);
      }
    }
    cur = out;
  }
  return { ...img, data: cur === src ? src.slice() : cur, height: outH, width: outW };
}

/** Same taps on float HWC data (Pillow's "F" mode behaviour), no quantisation or clipping. */
export function resizeBicubicFloat(img: ImageHWC, to: ImageSize): ImageHWC {
  const { data: src, height: h, width: w, channels: c } = img;
  const { height: outH, width: outW } = to;
  checkSizes(src.length, h, w, c, outH, outW);
  let cur: Float32Array = src;
  let curW = w;
  if (outW !== w) {
    const t = computeTaps(w, outW);
    const out = new Float32Array(h * outW * c);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < outW; x++)
        for (let ch = 0; ch < c; ch++) {
          let ss = 0;
          for (let i = 0; i < t.count[x]!; i++) ss += cur[(y * curW + t.start[x]! + i) * c + ch]! * t.weights[x * t.ksize + i]!;
          out[(y * outW + x) * c + ch] = ss;
        }
    cur = out;
    curW = outW;
  }
  if (outH !== h) {
    const t = computeTaps(h, outH);
    const out = new Float32Array(outH * curW * c);
    for (let y = 0; y < outH; y++)
      for (let x = 0; x < curW * c; x++) {
        let ss = 0;
        for (let i = 0; i < t.count[y]!; i++) ss += cur[(t.start[y]! + i) * curW * c + x]! * t.weights[y * t.ksize + i]!;
        out[y * curW * c + x] = ss;
      }
    cur = out;
  }
  return { ...img, data: cur === src ? src.slice() : cur, height: outH, width: outW };
}

function checkSizes(len: number, h: number, w: number, c: number, outH: number, outW: number): void {
  if (len !== h * w * c) throw new ArgumentError("image data", `length ${h * w * c} for ${h}x${w}x${c}`, `length ${len}`);
  for (const [name, v] of [["to.height", outH], ["to.width", outW]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new ArgumentError(name, "a positive integer", v);
  }
}
