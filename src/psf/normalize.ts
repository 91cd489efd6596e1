/**
 * PSF energy normalisation at one grid position (spec §4).
 * "position" (the original): s = sum over all channels and pixels; divide by s / inc, so the
 *   channels total inc but keep their relative energies (the transmission survives).
 * "channel": every kernel sums to 1 (drops the transmission ratios).
 * "none": leave kernels as the family made them.
 */
export type NormalizeMode = "position" | "channel" | "none";

/**
 * Normalises the kernels of grid column `ix` in a row buffer laid out (inc, outc, nw, k*k).
 * A zero sum is left alone (the original divides by 1 then).
 */
export function normalizeAtPosition(row: Float32Array, inc: number, outc: number, nw: number, kk: number, ix: number, mode: NormalizeMode): void {
  if (mode === "none") return;
  const base = (c: number, o: number) => ((c * outc + o) * nw + ix) * kk;
  if (mode === "channel") {
    for (let c = 0; c < inc; c++)
      for (let o = 0; o < outc; o++) {
        const b = base(c, o);
        let s = 0;
        for (let p = 0; p < kk; p++) s += row[b + p] as number;
        if (s === 0) continue;
        const inv = 1 / s;
        for (let p = 0; p < kk; p++) row[b + p] = (row[b + p] as number) * inv;
      }
    return;
  }
  let s = 0;
  for (let c = 0; c < inc; c++)
    for (let o = 0; o < outc; o++) {
      const b = base(c, o);
      for (let p = 0; p < kk; p++) s += row[b + p] as number;
    }
  if (s === 0) return;
  const scale = inc / s;
  for (let c = 0; c < inc; c++)
    for (let o = 0; o < outc; o++) {
      const b = base(c, o);
      for (let p = 0; p < kk; p++) row[b + p] = (row[b + p] as number) * scale;
    }
}
