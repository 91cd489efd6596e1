/**
 * Wiener deconvolution with a constant noise-to-signal ratio (spec §10.1 `Wiener_model`):
 * X = conj(H)·Y / (|H|² + nsr). With nsr = 0 and an OTF without zeros it is the exact inverse of
 * the (circular) blur.
 */
import type { FourierConvolution } from "./operator";

export interface WienerOptions {
  /** Noise-to-signal power ratio (the original's `noise_level`, 0.01). */
  nsr: number;
}

export function wienerPlanes(op: FourierConvolution, y: readonly Float64Array[], o: WienerOptions): Float64Array[] {
  const h = op.otf, nsr = o.nsr;
  const outs = y.map((p) => new Float64Array(p.length));
  op.filter(y, outs, (z, k) => {
    const hr = h[2 * k]!, hi = h[2 * k + 1]!;
    const d = hr * hr + hi * hi + nsr;
    // A zero denominator (nsr = 0 at a zero of H) carries no information: leave that frequency at 0.
    const g = d > 0 ? 1 / d : 0;
    const re = z[2 * k]!, im = z[2 * k + 1]!;
    z[2 * k] = (re * hr + im * hi) * g;
    z[2 * k + 1] = (im * hr - re * hi) * g;
  });
  return outs;
}
