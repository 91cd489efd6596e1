/**
 * Isotropic total variation on a (rows, cols) plane with Neumann borders (no difference across the
 * edge), and its proximal operator by Beck & Teboulle's fast gradient projection (FGP, 2009) on the
 * dual: prox(b, λ) = argmin_x ½‖x − b‖² + λ·TV(x).
 */

/** TV(x) = Σ sqrt((x[i,j] − x[i+1,j])² + (x[i,j] − x[i,j+1])²), missing differences taken as 0. */
export function totalVariation(x: Float64Array, rows: number, cols: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = x[i * cols + j]!;
      const dy = i + 1 < rows ? v - x[(i + 1) * cols + j]! : 0;
      const dx = j + 1 < cols ? v - x[i * cols + j + 1]! : 0;
      s += Math.sqrt(dy * dy + dx * dx);
    }
  return s;
}

/** L(p, q)[i,j] = p[i,j] + q[i,j] − p[i−1,j] − q[i,j−1] (p's last row and q's last column are 0). */
function divergenceOp(p: Float64Array, q: Float64Array, rows: number, cols: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      out[k] = p[k]! + q[k]! - (i > 0 ? p[k - cols]! : 0) - (j > 0 ? q[k - 1]! : 0);
    }
}

export interface TvProxOptions {
  iterations: number;
  /** Optional box constraint [lo, hi] applied inside the prox (Beck-Teboulle's P_C). */
  bounds?: [number, number];
}

/** prox_{λ TV}(b) into `out` (FGP with `iterations` dual steps). */
export function proxTv(b: Float64Array, rows: number, cols: number, lambda: number, o: TvProxOptions, out: Float64Array): Float64Array {
  const n = rows * cols;
  const project = o.bounds ? (v: number) => Math.min(o.bounds![1], Math.max(o.bounds![0], v)) : (v: number) => v;
  if (lambda <= 0) {
    for (let i = 0; i < n; i++) out[i] = project(b[i]!);
    return out;
  }
  const p = new Float64Array(n), q = new Float64Array(n), r = new Float64Array(n), s = new Float64Array(n);
  const pOld = new Float64Array(n), qOld = new Float64Array(n), u = new Float64Array(n);
  let t = 1;
  const step = 1 / (8 * lambda);
  for (let it = 0; it < o.iterations; it++) {
    divergenceOp(r, s, rows, cols, u);
    for (let i = 0; i < n; i++) u[i] = project(b[i]! - lambda * u[i]!);
    pOld.set(p);
    qOld.set(q);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const k = i * cols + j;
        // Lᵀ(u): forward differences; zero across the border.
        const gp = i + 1 < rows ? r[k]! + step * (u[k]! - u[k + cols]!) : 0;
        const gq = j + 1 < cols ? s[k]! + step * (u[k]! - u[k + 1]!) : 0;
        const m = Math.max(1, Math.sqrt(gp * gp + gq * gq));
        p[k] = gp / m;
        q[k] = gq / m;
      }
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const w = (t - 1) / tNext;
    for (let i = 0; i < n; i++) {
      r[i] = p[i]! + w * (p[i]! - pOld[i]!);
      s[i] = q[i]! + w * (q[i]! - qOld[i]!);
    }
    t = tNext;
  }
  divergenceOp(p, q, rows, cols, u);
  for (let i = 0; i < n; i++) out[i] = project(b[i]! - lambda * u[i]!);
  return out;
}
