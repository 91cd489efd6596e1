/**
 * Histogram matching of 8-bit data, reproducing scikit-image 0.19's `match_histograms` for unsigned
 * integer images as the original evaluation script uses it (per channel, result stored into uint8):
 *   q_src(v)  = (number of source values <= v) / N_src          for every v in 0..max(source)
 *   q_tmpl    = cumulative counts over the template's distinct values / N_tmpl
 *   v -> trunc(interp(q_src(v), q_tmpl, distinct template values))
 * with numpy.interp's arithmetic (slope * (x - x_j) + y_j, exact at the knots) so the truncation
 * lands on the same integers.
 */
import { ArgumentError } from "../util/errors";

/** Matches one 8-bit channel (any length) to a template channel; returns the new codes. */
export function matchHistogramU8(source: Uint8Array, template: Uint8Array): Uint8Array {
  if (source.length === 0 || template.length === 0) throw new ArgumentError("histogram matching input", "non-empty arrays", "an empty array");
  const srcCounts = new Float64Array(256);
  let srcMax = 0;
  for (let i = 0; i < source.length; i++) {
    const v = source[i]!;
    srcCounts[v]!++;
    if (v > srcMax) srcMax = v;
  }
  const tmplCounts = new Float64Array(256);
  for (let i = 0; i < template.length; i++) tmplCounts[template[i]!]!++;
  const xp: number[] = [];
  const fp: number[] = [];
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    if (tmplCounts[v]! > 0) {
      acc += tmplCounts[v]!;
      xp.push(acc / template.length);
      fp.push(v);
    }
  }
  const lut = new Uint8Array(256);
  let cum = 0;
  for (let v = 0; v <= srcMax; v++) {
    cum += srcCounts[v]!;
    const q = cum / source.length;
    lut[v] = Math.trunc(numpyInterp(q, xp, fp));
  }
  const out = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i++) out[i] = lut[source[i]!]!;
  return out;
}

/** numpy.interp for one x on increasing knots (left/right: clamp to the end values). */
function numpyInterp(x: number, xp: number[], fp: number[]): number {
  const n = xp.length;
  if (x <= xp[0]!) return fp[0]!;
  if (x >= xp[n - 1]!) return fp[n - 1]!;
  // binary search: xp[j] <= x < xp[j + 1]
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid]! <= x) lo = mid;
    else hi = mid;
  }
  if (x === xp[lo]!) return fp[lo]!;
  const slope = (fp[lo + 1]! - fp[lo]!) / (xp[lo + 1]! - xp[lo]!);
  return slope * (x - xp[lo]!) + fp[lo]!;
}

/** Matches every channel of an 8-bit HWC image to the template's same channel. */
export function matchHistogramsU8(source: Uint8Array, template: Uint8Array, channels: number): Uint8Array {
  if (source.length % channels !== 0 || template.length % channels !== 0) {
    throw new ArgumentError("channels", `a divisor of both lengths (${source.length}, ${template.length})`, channels);
  }
  const out = new Uint8Array(source.length);
  for (let ch = 0; ch < channels; ch++) {
    const s = new Uint8Array(source.length / channels);
    const t = new Uint8Array(template.length / channels);
    for (let i = 0; i < s.length; i++) s[i] = source[i * channels + ch]!;
    for (let i = 0; i < t.length; i++) t[i] = template[i * channels + ch]!;
    const m = matchHistogramU8(s, t);
    for (let i = 0; i < m.length; i++) out[i * channels + ch] = m[i]!;
  }
  return out;
}
