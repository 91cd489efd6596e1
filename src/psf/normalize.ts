/**
 * PSF energy normalisation at one grid position (spec §4).
 * "position" (the original): s = sum over all channels and pixels; divide by s / inc, so the
 *   channels total inc but keep their relative energies (the transmission survives).
 * "channel": every kernel sums to 1 (drops the transmission ratios).
 * "none": leave kernels as the family made them.
 */
export type NormalizeMode = "position" | "channel" | "none";

function sumRange(a: Float32Array, start: number, n: number): number {
  let s = 0;
  for (let p = start, end = start + n; p < end; p++) s += a[p] as number;
  return s;
}

function scaleRange(a: Float32Array, start: number, n: number, f: number): void {
  for (let p = start, end = start + n; p < end; p++) a[p] = (a[p] as number) * f;
}

/**
 * Normalises the kernels of grid column `ix` in a row buffer laid out (inc, outc, nw, k*k).
 * A zero sum is left alone (the original divides by 1 then).
 */
export function normalizeAtPosition(row: Float32Array, inc: number, outc: number, nw: number, kk: number, ix: number, mode: NormalizeMode): void {
  if (mode === "none") return;
  const planes = inc * outc;
  if (mode === "channel") {
    for (let q = 0; q < planes; q++) {
      const b = (q * nw + ix) * kk;
      const s = sumRange(row, b, kk);
      if (s !== 0) scaleRange(row, b, kk, 1 / s);
    }
    return;
  }
  let s = 0;
  for (let q = 0; q < planes; q++) s += sumRange(row, (q * nw + ix) * kk, kk);
  if (s === 0) return;
  const f = inc / s;
  for (let q = 0; q < planes; q++) scaleRange(row, (q * nw + ix) * kk, kk, f);
}
