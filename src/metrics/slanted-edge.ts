/**
 * Slanted-edge MTF (ISO 12233:2017 e-SFR, following the steps of Burns' sfrmat3/sfrmat4):
 *  1. orientation: the edge is treated as near-vertical; a near-horizontal edge is transposed;
 *  2. per-row derivative (central difference), centroid of each row's derivative under a Hamming
 *     window, least-squares line x = a + b y through the centroids; repeated once with the window
 *     centred on the fitted line (the first pass centres it on the strongest column);
 *  3. an integer number of phase cycles of rows is kept (rows * |b| integral) so every sub-pixel
 *     phase is equally represented;
 *  4. every pixel is projected along the edge onto the horizontal axis, d = x - (a + b y), and
 *     averaged into bins of 1/4 pixel (4x oversampled edge spread function); empty bins are filled
 *     by linear interpolation; only the span of d covered by every row is kept;
 *  5. LSF = central difference of the ESF, multiplied by a Hamming window centred on the LSF
 *     centroid; |DFT| normalised to 1 at zero frequency and divided by the derivative filter's
 *     transfer sinc(2 f h) (h = 1/4 pixel, sfrmat's fir2fix correction);
 *  6. frequency correction for the tilt: distances were measured horizontally, the edge normal is
 *     at angle theta = atan(b), so f_normal = f_horizontal / cos(theta) (ISO 12233:2017 / sfrmat4).
 * Frequencies are in cycles/pixel (1 = sampling frequency, 0.5 = Nyquist).
 */
import { ArgumentError, SvdError } from "../util/errors";
import type { ImageHWC } from "../array";
import { MtfCurve } from "./mtf-curve";
import { MtfSummary, summarize } from "./psf-mtf";

export interface SlantedEdgeOptions {
  /** Region of interest [y, x, height, width] (default the whole image). */
  roi?: [number, number, number, number];
  /** Channel index, or "luma" (0.299 R + 0.587 G + 0.114 B, sfrmat's default) for RGB. Default: luma for 3+ channels, else 0. */
  channel?: number | "luma";
  /** ESF bins per pixel (default 4). */
  oversample?: number;
  /** Highest reported frequency, cycles/pixel (default 1). */
  maxFreqCyPx?: number;
  /** Window applied to the LSF (default "hamming"). */
  window?: "hamming" | "none";
  /** Pixel pitch (um): adds MTF50/MTF30 in cycles/mm. */
  pixelPitchUm?: number;
}

export interface SlantedEdgeResult extends MtfCurve {
  /** "vertical" when the edge runs top to bottom (measures horizontal MTF), else "horizontal". */
  orientation: "vertical" | "horizontal";
  /** Tilt of the edge from its axis, degrees (sign: x grows with y for positive angles, in the analysed orientation). */
  angleDeg: number;
  /** Fitted edge x = offsetPx + slope * y in ROI coordinates of the analysed orientation. */
  offsetPx: number;
  slope: number;
  rowsUsed: number;
  /** Edge spread function, bin spacing binPx (horizontal distance) */
  esf: Float64Array;
  lsf: Float64Array;
  binPx: number;
  summary: MtfSummary;
}

function plane(img: ImageHWC, roi: [number, number, number, number], channel: number | "luma"): Float64Array {
  const { height: H, width: W, channels: C } = img;
  const [y0, x0, h, w] = roi;
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = ((y0 + y) * W + (x0 + x)) * C;
      out[y * w + x] =
        channel === "luma" ? 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]! : img.data[i + channel]!;
    }
  void H;
  return out;
}

function transpose(p: Float64Array, h: number, w: number): Float64Array {
  const t = new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) t[x * h + y] = p[y * w + x]!;
  return t;
}

function fitLine(ys: number[], xs: number[]): { a: number; b: number } {
  const n = ys.length;
  let sy = 0, sx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sy += ys[i]!;
    sx += xs[i]!;
    syy += ys[i]! * ys[i]!;
    sxy += ys[i]! * xs[i]!;
  }
  const b = (n * sxy - sy * sx) / (n * syy - sy * sy);
  return { a: (sx - b * sy) / n, b };
}

/** Hamming window value at distance t from its centre, half-width `half`. */
function hamming(t: number, half: number): number {
  if (half <= 0) return 1;
  const u = Math.min(1, Math.abs(t) / half);
  return 0.54 + 0.46 * Math.cos(Math.PI * u);
}

export function slantedEdgeMtf(img: ImageHWC, opts: SlantedEdgeOptions = {}): SlantedEdgeResult {
  const { height: H, width: W, channels: C } = img;
  const roi = opts.roi ?? [0, 0, H, W];
  const [ry, rx, rh, rw] = roi;
  if (!(roi.every((v) => Number.isInteger(v)) && ry >= 0 && rx >= 0 && rh >= 8 && rw >= 8 && ry + rh <= H && rx + rw <= W)) {
    throw new ArgumentError("roi", `[y, x, height, width] of at least 8x8 inside the ${H}x${W} image`, [...roi]);
  }
  const channel = opts.channel ?? (C >= 3 ? "luma" : 0);
  if (channel === "luma" ? C < 3 : !(Number.isInteger(channel) && channel >= 0 && channel < C)) {
    throw new ArgumentError("channel", `"luma" (RGB only) or an index below ${C}`, channel);
  }
  const fac = opts.oversample ?? 4;
  const maxFreq = opts.maxFreqCyPx ?? 1;

  let p = plane(img, roi, channel);
  let h = rh;
  let w = rw;
  // 1. orientation
  let gx = 0, gy = 0;
  for (let y = 0; y < h - 1; y++)
    for (let x = 0; x < w - 1; x++) {
      gx += Math.abs(p[y * w + x + 1]! - p[y * w + x]!);
      gy += Math.abs(p[(y + 1) * w + x]! - p[y * w + x]!);
    }
  const orientation = gy > gx ? "horizontal" : "vertical";
  if (orientation === "horizontal") {
    p = transpose(p, h, w);
    [h, w] = [w, h];
  }
  // 2. derivative, polarity, centroids
  const d = new Float64Array(h * w);
  let total = 0;
  for (let y = 0; y < h; y++)
    for (let x = 1; x < w - 1; x++) {
      const v = 0.5 * (p[y * w + x + 1]! - p[y * w + x - 1]!);
      d[y * w + x] = v;
      total += v;
    }
  if (total === 0) throw new SvdError("slanted edge: the region has no edge (flat image)");
  if (total < 0) for (let i = 0; i < d.length; i++) d[i] = -d[i]!;
  const colSum = new Float64Array(w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) colSum[x]! += d[y * w + x]!;
  let peak = 0;
  for (let x = 1; x < w; x++) if (colSum[x]! > colSum[peak]!) peak = x;

  const centroids = (centreOf: (y: number) => number) => {
    const ys: number[] = [];
    const xs: number[] = [];
    for (let y = 0; y < h; y++) {
      const c = centreOf(y);
      const half = Math.max(c, w - 1 - c);
      let s = 0, sx = 0;
      for (let x = 0; x < w; x++) {
        const v = d[y * w + x]! * hamming(x - c, half);
        s += v;
        sx += v * x;
      }
      if (s > 0) {
        ys.push(y);
        xs.push(sx / s);
      }
    }
    if (ys.length < 3) throw new SvdError(`slanted edge: an edge was found in only ${ys.length} rows`);
    return fitLine(ys, xs);
  };
  let { a, b } = centroids(() => peak);
  ({ a, b } = centroids((y) => Math.min(w - 1, Math.max(0, a + b * y))));

  // 3. whole phase cycles of rows
  const ab = Math.abs(b);
  if (ab * h < 1) {
    const deg = (Math.atan(ab) * 180) / Math.PI;
    throw new SvdError(
      `slanted edge: tilt ${deg.toFixed(2)} deg gives less than one pixel of phase shift over ${h} rows; ` +
        `tilt the edge by at least ${((Math.atan(1 / h) * 180) / Math.PI).toFixed(2)} deg (ISO 12233 suggests about 5 deg)`,
    );
  }
  const rowsUsed = Math.min(h, Math.round(Math.floor(h * ab) / ab));
  const yStart = Math.floor((h - rowsUsed) / 2);

  // 4. projection and binning over the span every row covers
  let dMin = -Infinity;
  let dMax = Infinity;
  for (const y of [yStart, yStart + rowsUsed - 1]) {
    const e = a + b * y;
    dMin = Math.max(dMin, -e);
    dMax = Math.min(dMax, w - 1 - e);
  }
  const spanL = Math.floor(-dMin);
  const spanR = Math.floor(dMax);
  if (spanL < 3 || spanR < 3) {
    throw new SvdError(`slanted edge: the edge is too close to the region's border (${spanL} px left, ${spanR} px right; need >= 3)`);
  }
  const nb = fac * (spanL + spanR);
  const origin = fac * spanL; // bin index of d = 0
  const sum = new Float64Array(nb);
  const cnt = new Float64Array(nb);
  for (let y = yStart; y < yStart + rowsUsed; y++) {
    const e = a + b * y;
    for (let x = 0; x < w; x++) {
      const bin = Math.round(fac * (x - e)) + origin;
      if (bin >= 0 && bin < nb) {
        sum[bin]! += p[y * w + x]! * (total < 0 ? -1 : 1);
        cnt[bin]!++;
      }
    }
  }
  const esf = new Float64Array(nb);
  let empty = 0;
  for (let i = 0; i < nb; i++) if (cnt[i]! > 0) esf[i] = sum[i]! / cnt[i]!;
  for (let i = 0; i < nb; i++) {
    if (cnt[i]! > 0) continue;
    empty++;
    let l = i - 1;
    while (l >= 0 && cnt[l] === 0) l--;
    let r = i + 1;
    while (r < nb && cnt[r] === 0) r++;
    esf[i] = l < 0 ? esf[r]! : r >= nb ? esf[l]! : esf[l]! + ((esf[r]! - esf[l]!) * (i - l)) / (r - l);
  }
  if (empty > nb / 4) throw new SvdError(`slanted edge: ${empty} of ${nb} ESF bins are empty (too few rows for ${fac}x oversampling)`);

  // 5. LSF, window, DFT, corrections
  const lsf = new Float64Array(nb);
  for (let i = 1; i < nb - 1; i++) lsf[i] = 0.5 * (esf[i + 1]! - esf[i - 1]!);
  let s = 0, sc = 0;
  for (let i = 0; i < nb; i++) {
    s += lsf[i]!;
    sc += lsf[i]! * i;
  }
  const c = s !== 0 ? sc / s : origin;
  const half = Math.max(c, nb - 1 - c);
  const wl = lsf.map((v, i) => (opts.window === "none" ? v : v * hamming(i - c, half)));
  const binPx = 1 / fac;
  const cosT = Math.cos(Math.atan(b));
  const df = 1 / (nb * binPx * cosT); // natural frequency resolution along the edge normal
  const nf = Math.floor(maxFreq / df + 1e-9) + 1;
  const freq = new Float64Array(nf);
  const mtf = new Float64Array(nf);
  let dc = 0;
  for (let i = 0; i < nb; i++) dc += wl[i]!;
  for (let k = 0; k < nf; k++) {
    const fN = k * df; // along the normal
    const fH = fN * cosT; // along the horizontal projection axis
    let re = 0, im = 0;
    for (let i = 0; i < nb; i++) {
      const ph = -2 * Math.PI * fH * (i - c) * binPx;
      re += wl[i]! * Math.cos(ph);
      im += wl[i]! * Math.sin(ph);
    }
    const u = 2 * fH * binPx;
    const derivTransfer = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    freq[k] = fN;
    mtf[k] = Math.hypot(re, im) / Math.abs(dc) / derivTransfer;
  }
  const curve = { freqCyPx: freq, mtf };
  return {
    ...curve,
    orientation,
    angleDeg: (Math.atan(b) * 180) / Math.PI,
    offsetPx: a,
    slope: b,
    rowsUsed,
    esf,
    lsf,
    binPx,
    summary: summarize(curve, opts.pixelPitchUm),
  };
}
