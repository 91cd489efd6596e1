/**
 * PCA of a PSF grid, per channel, by a streamed randomized SVD (Halko, Martinsson & Tropp 2011).
 *
 * X (N = nh*nw rows, F = k*k features) is never held whole: every pass reads the grid in blocks of
 * grid rows (all channels at once, so the file is read once per pass) and accumulates
 *   Y = Xc Q        (N x l, kept: N*l is small)      and      Z = Xc^T Y   (F x l)
 * where Xc = X - mean and l = n + oversampling. One pass is one power iteration on Xc^T Xc; Q is
 * re-orthonormalised between passes. The last pass's Y = Xc Q gives the Rayleigh-Ritz problem
 * Y^T Y = W diag(s^2) W^T, whence components V = Q W and coefficients C = Y W (exact when the
 * centred field has rank <= l). Signs follow scikit-learn >= 1.5 (`svd_flip`, u_based_decision=False):
 * the largest-|value| entry of each component is positive.
 *
 * Block products run through tfjs (initBackend(): wasm's matmul is ~10x a JS loop); everything
 * else is float64 on typed arrays.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import { ArgumentError } from "../util/errors";
import { createProgress } from "../util/progress";
import { Rng } from "../util/rng";
import { orthonormalizeColumns, symmetricEigen } from "./linalg";
import { rowsPerBlock, type PsfGridSource } from "./grid-source";

export interface PcaOptions {
  /** Number of principal components n (the mean is stored in addition). */
  components: number;
  /** Extra random directions beyond n (default 10, as scikit-learn). */
  oversamples?: number;
  /** Passes of subspace iteration on Xc^T Xc after the first (default 4). */
  powerIterations?: number;
  /** Seed of the random test matrix (default "pca"). */
  seed?: number | string;
  /** Bytes of float32 PSF data per streamed block (default 256 MiB). */
  blockBytes?: number;
}

export interface ChannelPca {
  /** Mean PSF (k*k). */
  mean: Float32Array;
  /** Components V_1..V_n, row-major (n, k*k), orthonormal. */
  components: Float32Array;
  /** Coefficients (n, nh, nw): C_m(g) = (x_g - mean) . V_m. */
  coefficients: Float32Array;
  /** Variance along each component (s^2 / (N - 1)), decreasing. */
  explainedVariance: Float64Array;
  /** explainedVariance / total variance of the centred PSFs. */
  explainedVarianceRatio: Float64Array;
  totalVariance: number;
  /** Per grid point (nh, nw): ||x_g - reconstruction|| / ||x_g|| (0 where x_g = 0). */
  relativeError: Float32Array;
}

export interface PcaResult {
  channels: ChannelPca[];
  components: number;
  passes: number;
  seconds: number;
}

/** Streams the grid and returns the per-channel PCA (see the module comment for the method). */
export async function pcaOfGrid(src: PsfGridSource, opts: PcaOptions): Promise<PcaResult> {
  const t0 = Date.now();
  const { channels: C, gridRows: nh, gridCols: nw, kernelSize: k } = src;
  const N = nh * nw;
  const F = k * k;
  const n = opts.components;
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError("components", "an integer >= 0", n);
  if (n > Math.min(N, F)) throw new ArgumentError("components", `at most min(grid points, kernel pixels) = ${Math.min(N, F)}`, n);
  const l = Math.min(n + (opts.oversamples ?? 10), N, F);
  const q = opts.powerIterations ?? 4;
  const { tf } = await initBackend();
  const blockRows = rowsPerBlock(src, opts.blockBytes ?? 256 << 20);
  const blocks: Array<[number, number]> = [];
  for (let r0 = 0; r0 < nh; r0 += blockRows) blocks.push([r0, Math.min(nh, r0 + blockRows)]);
  const progress = createProgress("pca", (q + 2) * blocks.length, "blocks");

  // Pass 0: mean and squared norms of every PSF.
  const mean = Array.from({ length: C }, () => new Float64Array(F));
  const normSq = Array.from({ length: C }, () => new Float64Array(N));
  for (const [r0, r1] of blocks) {
    const data = src.readRows(r0, r1);
    const rows = (r1 - r0) * nw;
    for (let c = 0; c < C; c++) {
      const mu = mean[c] as Float64Array;
      const ns = normSq[c] as Float64Array;
      for (let r = 0; r < rows; r++) {
        const off = (c * rows + r) * F;
        let s = 0;
        for (let f = 0; f < F; f++) {
          const v = data[off + f] as number;
          mu[f] = (mu[f] as number) + v;
          s += v * v;
        }
        ns[r0 * nw + r] = s;
      }
    }
    progress.tick(1, "mean");
  }
  for (const mu of mean) for (let f = 0; f < F; f++) mu[f] = (mu[f] as number) / N;
  const mean32 = mean.map((m) => Float32Array.from(m));

  // Random start, orthonormalised.
  const rng = new Rng(opts.seed ?? "pca");
  const Q = Array.from({ length: C }, (_, c) => {
    const r = rng.fork(`channel${c}`);
    const a = new Float64Array(F * l);
    for (let i = 0; i < a.length; i++) a[i] = r.normal();
    orthonormalizeColumns(a, F, l);
    return a;
  });
  const Y = Array.from({ length: C }, () => new Float64Array(N * l));
  const centredSq = Array.from({ length: C }, () => new Float64Array(N));

  for (let pass = 0; pass <= q; pass++) {
    const last = pass === q;
    const Z = Array.from({ length: C }, () => new Float64Array(F * l));
    const Qt = Q.map((a) => tf.tensor2d(Float32Array.from(a), [F, l]));
    try {
      for (const [r0, r1] of blocks) {
        const data = src.readRows(r0, r1);
        const rows = (r1 - r0) * nw;
        for (let c = 0; c < C; c++) {
          const xc = data.subarray(c * rows * F, (c + 1) * rows * F);
          const mu = mean32[c] as Float32Array;
          const cs = centredSq[c] as Float64Array;
          for (let r = 0; r < rows; r++) {
            let s = 0;
            for (let f = 0, o = r * F; f < F; f++, o++) {
              const v = (xc[o] as number) - (mu[f] as number);
              xc[o] = v;
              s += v * v;
            }
            if (pass === 0) cs[r0 * nw + r] = s;
          }
          const [yb, zb] = blockProducts(tf, xc, rows, F, Qt[c] as tfTypes.Tensor2D, !last);
          const y = Y[c] as Float64Array;
          y.set(yb, r0 * nw * l);
          if (zb) {
            const z = Z[c] as Float64Array;
            for (let i = 0; i < z.length; i++) z[i] = (z[i] as number) + (zb[i] as number);
          }
        }
        progress.tick(1, last ? "projection" : `power iteration ${pass + 1}/${q}`);
      }
    } finally {
      for (const t of Qt) t.dispose();
    }
    if (!last)
      for (let c = 0; c < C; c++) {
        orthonormalizeColumns(Z[c] as Float64Array, F, l);
        Q[c] = Z[c] as Float64Array;
      }
  }
  progress.done();

  const channels: ChannelPca[] = [];
  for (let c = 0; c < C; c++) channels.push(finishChannel(Q[c] as Float64Array, Y[c] as Float64Array, mean32[c] as Float32Array, centredSq[c] as Float64Array, normSq[c] as Float64Array, N, F, l, n));
  return { channels, components: n, passes: q + 2, seconds: (Date.now() - t0) / 1000 };
}

/** Y_b = X_b Q (rows x l) and, when asked, Z_b = X_b^T Y_b (F x l), through tfjs. */
function blockProducts(tf: typeof tfTypes, xc: Float32Array, rows: number, F: number, Q: tfTypes.Tensor2D, wantZ: boolean): [Float32Array, Float32Array | null] {
  const x = tf.tensor2d(xc, [rows, F]);
  const y = tf.matMul(x, Q);
  let zData: Float32Array | null = null;
  if (wantZ) {
    // An explicit transpose: wasm's matMul with transposeA is several times slower (notes/compute-backends.md).
    const xt = tf.transpose(x);
    const z = tf.matMul(xt, y);
    zData = z.dataSync() as Float32Array;
    xt.dispose();
    z.dispose();
  }
  const yData = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  return [yData, zData];
}

function finishChannel(Q: Float64Array, Y: Float64Array, mean: Float32Array, centredSq: Float64Array, normSq: Float64Array, N: number, F: number, l: number, n: number): ChannelPca {
  // Rayleigh-Ritz: M = Y^T Y (l x l).
  const M = new Float64Array(l * l);
  for (let r = 0; r < N; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const yi = Y[o + i] as number;
      if (yi === 0) continue;
      for (let j = i; j < l; j++) M[i * l + j] = (M[i * l + j] as number) + yi * (Y[o + j] as number);
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) M[i * l + j] = M[j * l + i] as number;
  const { values, vectors: W } = symmetricEigen(M, l);

  const components = new Float32Array(n * F);
  const coefficients = new Float32Array(n * N);
  const explainedVariance = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < N; r++) total += centredSq[r] as number;
  const denom = Math.max(N - 1, 1);
  const v = new Float64Array(F);
  for (let m = 0; m < n; m++) {
    // V_m = Q W[:, m]
    v.fill(0);
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let j = 0; j < l; j++) s += (Q[f * l + j] as number) * (W[j * l + m] as number);
      v[f] = s;
    }
    let best = 0;
    for (let f = 1; f < F; f++) if (Math.abs(v[f] as number) > Math.abs(v[best] as number)) best = f;
    const sign = (v[best] as number) < 0 ? -1 : 1;
    for (let f = 0; f < F; f++) components[m * F + f] = sign * (v[f] as number);
    for (let r = 0; r < N; r++) {
      let s = 0;
      for (let j = 0; j < l; j++) s += (Y[r * l + j] as number) * (W[j * l + m] as number);
      coefficients[m * N + r] = sign * s;
    }
    explainedVariance[m] = Math.max(0, values[m] as number) / denom;
  }
  const totalVariance = total / denom;
  const explainedVarianceRatio = explainedVariance.map((e) => (totalVariance > 0 ? e / totalVariance : 0));
  // ||xc - C V||^2 = ||xc||^2 - ||c||^2 for orthonormal V.
  const relativeError = new Float32Array(N);
  for (let r = 0; r < N; r++) {
    let cs = 0;
    for (let m = 0; m < n; m++) cs += (coefficients[m * N + r] as number) ** 2;
    const resid = Math.max(0, (centredSq[r] as number) - cs);
    const norm = normSq[r] as number;
    relativeError[r] = norm > 0 ? Math.sqrt(resid / norm) : 0;
  }
  return { mean, components, coefficients, explainedVariance, explainedVarianceRatio, totalVariance, relativeError };
}
