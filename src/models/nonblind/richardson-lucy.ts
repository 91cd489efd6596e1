/**
 * Richardson-Lucy deconvolution (spec §10.1 `RL_model`): x₀ = y, x ← x · Kᵀ( y / (K x + ε) ).
 * The EM algorithm for Poisson data: with a normalised non-negative PSF and circular boundaries it
 * keeps the total flux and never lowers the Poisson log-likelihood Σ y·log(Kx) − Kx.
 * Negative inputs (added noise) are clamped to 0, as the multiplicative update needs y ≥ 0.
 *
 * Difference from the original: it blurs with a correlation with K and back-projects with the
 * flipped K; here the blur is a convolution with K (the same thing for symmetric PSFs).
 */
import type { FourierConvolution } from "./operator";

export interface RichardsonLucyOptions {
  iterations: number;
  /** Guards the division (the original's 1e-8). */
  eps?: number;
  /** Called after each iteration with the current estimates (tests, progress). */
  onIteration?: (iteration: number, x: readonly Float64Array[]) => void;
}

export function richardsonLucyPlanes(op: FourierConvolution, y: readonly Float64Array[], o: RichardsonLucyOptions): Float64Array[] {
  const eps = o.eps ?? 1e-8;
  const yy = y.map((p) => p.map((v) => Math.max(0, v)));
  const x = yy.map((p) => Float64Array.from(p));
  const tmp = y.map((p) => new Float64Array(p.length));
  for (let it = 1; it <= o.iterations; it++) {
    op.forward(x, tmp);
    for (let c = 0; c < x.length; c++) {
      const t = tmp[c]!, yc = yy[c]!;
      for (let i = 0; i < t.length; i++) t[i] = yc[i]! / (Math.max(t[i]!, 0) + eps);
    }
    op.adjoint(tmp, tmp);
    for (let c = 0; c < x.length; c++) {
      const t = tmp[c]!, xc = x[c]!;
      for (let i = 0; i < xc.length; i++) xc[i] = xc[i]! * Math.max(t[i]!, 0);
    }
    o.onIteration?.(it, x);
  }
  return x;
}
