/**
 * FISTA for non-blind deconvolution (spec §10.1 `FISTA_model`), minimising
 *   F(x) = ½‖K x − y‖² + λ·R(x)
 * with step 1/L (L = max|H|², or the configured step):
 * - prior `tv` (default): R = isotropic total variation, proximal step by FGP (tv.ts), iterated in
 *   the monotone variant MFISTA (Beck & Teboulle 2009): F never increases from one iterate to the next.
 * - prior `l1`: the original's variant: R = ‖x‖₁ on pixel values (soft threshold), plain FISTA.
 */
import type { FourierConvolution } from "./operator";
import { proxTv, totalVariation } from "./tv";

export interface FistaOptions {
  iterations: number;
  /** λ (the original's `lambda_val`, 0.01). */
  lambda: number;
  prior?: "tv" | "l1";
  /** Gradient step; default 1/L. (The original's `momentum`, 0.1, is this step.) */
  step?: number;
  /** FGP iterations per TV proximal step. */
  tvIterations?: number;
  bounds?: [number, number];
  onIteration?: (iteration: number, objective: number) => void;
}

export interface FistaResult {
  x: Float64Array[];
  /** F at x₀ and after every iteration. */
  objective: number[];
}

export function fistaPlanes(op: FourierConvolution, y: readonly Float64Array[], o: FistaOptions): FistaResult {
  const prior = o.prior ?? "tv";
  const L = op.maxGain2();
  const step = o.step ?? (L > 0 ? 1 / L : 1);
  const rows = op.rows, cols = op.cols, n = rows * cols;
  const tvIt = o.tvIterations ?? 10;
  const alloc = () => y.map(() => new Float64Array(n));
  const tmp = alloc();

  const regulariser = (x: readonly Float64Array[]): number => {
    let s = 0;
    for (const p of x) {
      if (prior === "tv") s += totalVariation(p, rows, cols);
      else for (let i = 0; i < n; i++) s += Math.abs(p[i]!);
    }
    return s;
  };
  const objective = (x: readonly Float64Array[]): number => {
    op.forward(x, tmp);
    let s = 0;
    for (let c = 0; c < x.length; c++) for (let i = 0; i < n; i++) s += (tmp[c]![i]! - y[c]![i]!) ** 2;
    return 0.5 * s + o.lambda * regulariser(x);
  };
  const prox = (b: Float64Array[], out: Float64Array[]): void => {
    const thr = o.lambda * step;
    for (let c = 0; c < b.length; c++) {
      if (prior === "tv") proxTv(b[c]!, rows, cols, thr, { iterations: tvIt, bounds: o.bounds }, out[c]!);
      else
        for (let i = 0; i < n; i++) {
          const v = b[c]![i]!;
          let w = Math.sign(v) * Math.max(0, Math.abs(v) - thr);
          if (o.bounds) w = Math.min(o.bounds[1], Math.max(o.bounds[0], w));
          out[c]![i] = w;
        }
    }
  };

  let x = y.map((p) => Float64Array.from(p));
  let yk = y.map((p) => Float64Array.from(p));
  const z = alloc(), g = alloc();
  let t = 1;
  let fx = objective(x);
  const history = [fx];
  for (let it = 1; it <= o.iterations; it++) {
    // g = Kᵀ(K yk − y); b = yk − step·g
    op.forward(yk, g);
    for (let c = 0; c < g.length; c++) for (let i = 0; i < n; i++) g[c]![i] = g[c]![i]! - y[c]![i]!;
    op.adjoint(g, g);
    for (let c = 0; c < g.length; c++) for (let i = 0; i < n; i++) g[c]![i] = yk[c]![i]! - step * g[c]![i]!;
    prox(g, z);
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    let xNext: Float64Array[];
    if (prior === "tv") {
      const fz = objective(z);
      const accept = fz <= fx;
      xNext = accept ? z.map((p) => Float64Array.from(p)) : x;
      if (accept) fx = fz;
      // MFISTA: y = x_{k+1} + t_k/t_{k+1} (z − x_{k+1}) + (t_k − 1)/t_{k+1} (x_{k+1} − x_k)
      for (let c = 0; c < yk.length; c++)
        for (let i = 0; i < n; i++) yk[c]![i] = xNext[c]![i]! + (t / tNext) * (z[c]![i]! - xNext[c]![i]!) + ((t - 1) / tNext) * (xNext[c]![i]! - x[c]![i]!);
    } else {
      xNext = z.map((p) => Float64Array.from(p));
      for (let c = 0; c < yk.length; c++) for (let i = 0; i < n; i++) yk[c]![i] = xNext[c]![i]! + ((t - 1) / tNext) * (xNext[c]![i]! - x[c]![i]!);
      fx = objective(xNext);
    }
    x = xNext;
    t = tNext;
    history.push(fx);
    o.onIteration?.(it, fx);
  }
  return { x, objective: history };
}
