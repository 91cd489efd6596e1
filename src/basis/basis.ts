/**
 * A PSF basis: kernels B_m (C, m, k, k) and coefficient maps A_m such that the PSF at pixel p is
 *   K_p = sum_m A_m(p) B_m          (the original's reconstruction, no renormalisation).
 * Coefficients are known at the grid points and come to full resolution through `coefPlane`
 * (bilinear over the grid's sample positions for PCA/uniform, analytic weights for sections).
 */
import type { NdArray } from "../array";
import { ArgumentError, assertIndex } from "../util/errors";
import { cellCentreAxes, linearWeights, upsampleMap, type GridAxes } from "./axes";
import type { PsfGridSource } from "./grid-source";
import { pcaOfGrid, type PcaOptions, type PcaResult } from "./pca";
import { assessAndWarn, type BasisQuality, type BasisQualityOptions } from "./quality";

export type BasisMethod = "pca" | "uniform" | "sections";

/** How coefficient maps are placed on the image: at the true sample positions, or the original's OpenCV resize. */
export type CoefInterpolation = "positions" | "svd-v2";

export interface PsfBasis {
  method: BasisMethod;
  channels: number;
  /** Number of basis kernels m (PCA: n components + the mean, stored last). */
  count: number;
  kernelSize: number;
  /** Image size the coefficient maps cover. */
  height: number;
  width: number;
  gridRows: number;
  gridCols: number;
  /** Basis kernels (C, m, k, k). */
  psfs: NdArray;
  /** Coefficients at the grid points (C, m, nh, nw). */
  gridCoef: Float32Array;
  /** Sample positions of the grid (pixels). */
  axes: GridAxes;
  /** Relative L2 reconstruction error of each grid PSF (C, nh, nw). */
  relativeError: Float32Array;
  /** PCA only: per channel, variance ratio of each component. */
  explainedVarianceRatio?: Float64Array[];
  /** Reconstruction quality, assessed when the basis was built (errors, captured variance, warning). */
  quality: BasisQuality;
  /** Full-resolution coefficient map (H, W) of channel c, basis m. */
  coefPlane(c: number, m: number, interpolation?: CoefInterpolation): Float32Array;
}

/** Channel c, kernel j of a basis must exist. */
function checkKernelIndex(basis: Pick<PsfBasis, "channels" | "count">, c: number, j: number): void {
  assertIndex("c", c, basis.channels, "channel");
  assertIndex("m", j, basis.count, "basis kernel");
}

/** All coefficient maps (C, m, H, W) in one array (memory: C*m*H*W floats), as render takes them. */
export function coefficientMaps(basis: PsfBasis, interpolation: CoefInterpolation = "positions"): NdArray {
  const { channels: C, count: m, height: H, width: W } = basis;
  const out = new Float32Array(C * m * H * W);
  for (let c = 0; c < C; c++) for (let j = 0; j < m; j++) out.set(basis.coefPlane(c, j, interpolation), (c * m + j) * H * W);
  return { data: out, shape: [C, m, H, W] };
}

/** The PSF a basis gives at grid point (iy, ix) of channel c (k*k). */
export function reconstructGridPsf(basis: Pick<PsfBasis, "channels" | "count" | "kernelSize" | "gridRows" | "gridCols" | "gridCoef" | "psfs">, c: number, iy: number, ix: number): Float32Array {
  const { count: m, kernelSize: k, gridRows: nh, gridCols: nw } = basis;
  assertIndex("c", c, basis.channels, "channel");
  assertIndex("iy", iy, nh, "grid row");
  assertIndex("ix", ix, nw, "grid column");
  const out = new Float32Array(k * k);
  for (let j = 0; j < m; j++) {
    const a = basis.gridCoef[((c * m + j) * nh + iy) * nw + ix] as number;
    const b = basis.psfs.data.subarray((c * m + j) * k * k, (c * m + j + 1) * k * k);
    for (let i = 0; i < k * k; i++) out[i] = (out[i] as number) + a * (b[i] as number);
  }
  return out;
}

/** Bilinear coefficient planes from grid coefficients (PCA, uniform). */
function bilinearCoefPlane(b: Omit<PsfBasis, "coefPlane" | "quality">): PsfBasis["coefPlane"] {
  const cache = new Map<CoefInterpolation, [ReturnType<typeof linearWeights>, ReturnType<typeof linearWeights>]>();
  return (c, m, interpolation = "positions") => {
    checkKernelIndex(b, c, m);
    let w = cache.get(interpolation);
    if (!w) {
      const axes = interpolation === "svd-v2" ? cellCentreAxes(b.gridRows, b.gridCols, b.height, b.width) : b.axes;
      w = [linearWeights(axes.rowsPx, b.height), linearWeights(axes.colsPx, b.width)];
      cache.set(interpolation, w);
    }
    const plane = b.gridRows * b.gridCols;
    const off = (c * b.count + m) * plane;
    return upsampleMap(b.gridCoef.subarray(off, off + plane), b.gridRows, b.gridCols, w[0], w[1]);
  };
}

/**
 * PCA basis (the original's stage 2): n components then the mean kernel, whose coefficient map is 1.
 */
export async function pcaBasis(src: PsfGridSource, opts: PcaOptions & BasisQualityOptions): Promise<PsfBasis & { pca: PcaResult }> {
  const pca = await pcaOfGrid(src, opts);
  const { channels: C, gridRows: nh, gridCols: nw, kernelSize: k } = src;
  const n = opts.components;
  const m = n + 1;
  const F = k * k;
  const N = nh * nw;
  const psfs = new Float32Array(C * m * F);
  const gridCoef = new Float32Array(C * m * N);
  const relativeError = new Float32Array(C * N);
  pca.channels.forEach((p, c) => {
    psfs.set(p.components, c * m * F);
    psfs.set(p.mean, (c * m + n) * F);
    gridCoef.set(p.coefficients, c * m * N);
    gridCoef.fill(1, (c * m + n) * N, (c * m + m) * N);
    relativeError.set(p.relativeError, c * N);
  });
  const b = {
    method: "pca" as const,
    channels: C,
    count: m,
    kernelSize: k,
    height: src.height,
    width: src.width,
    gridRows: nh,
    gridCols: nw,
    psfs: { data: psfs, shape: [C, m, k, k] },
    gridCoef,
    axes: src.axes(),
    relativeError,
    explainedVarianceRatio: pca.channels.map((p) => p.explainedVarianceRatio),
  };
  return { ...b, coefPlane: bilinearCoefPlane(b), quality: assessAndWarn(b, opts), pca };
}

/** Streams the grid once, calling `visit(c, gridIndex, psf)` for every PSF. */
function forEachPsf(src: PsfGridSource, visit: (c: number, g: number, psf: Float32Array) => void): void {
  const { channels: C, gridRows: nh, gridCols: nw, kernelSize: k } = src;
  const F = k * k;
  const step = Math.max(1, Math.floor((64 << 20) / (4 * C * nw * F)));
  for (let r0 = 0; r0 < nh; r0 += step) {
    const r1 = Math.min(nh, r0 + step);
    const data = src.readRows(r0, r1);
    const rows = (r1 - r0) * nw;
    for (let c = 0; c < C; c++)
      for (let r = 0; r < rows; r++) visit(c, r0 * nw + r, data.subarray((c * rows + r) * F, (c * rows + r + 1) * F));
  }
}

function relativeErrors(src: PsfGridSource, approx: (c: number, g: number) => Float32Array): Float32Array {
  const N = src.gridRows * src.gridCols;
  const err = new Float32Array(src.channels * N);
  forEachPsf(src, (c, g, psf) => {
    const a = approx(c, g);
    let d = 0;
    let s = 0;
    for (let i = 0; i < psf.length; i++) {
      d += ((psf[i] as number) - (a[i] as number)) ** 2;
      s += (psf[i] as number) ** 2;
    }
    err[c * N + g] = s > 0 ? Math.sqrt(d / s) : 0;
  });
  return err;
}

/** One kernel per channel: the mean PSF over the grid, with an all-ones coefficient map. */
export function uniformBasis(src: PsfGridSource, opts: BasisQualityOptions = {}): PsfBasis {
  const { channels: C, gridRows: nh, gridCols: nw, kernelSize: k } = src;
  const F = k * k;
  const N = nh * nw;
  const sums = new Float64Array(C * F);
  forEachPsf(src, (c, _g, psf) => {
    for (let i = 0; i < F; i++) sums[c * F + i] = (sums[c * F + i] as number) + (psf[i] as number);
  });
  const psfs = Float32Array.from(sums, (s) => s / N);
  const gridCoef = new Float32Array(C * N).fill(1);
  const relativeError = relativeErrors(src, (c) => psfs.subarray(c * F, (c + 1) * F));
  const b = { method: "uniform" as const, channels: C, count: 1, kernelSize: k, height: src.height, width: src.width, gridRows: nh, gridCols: nw, psfs: { data: psfs, shape: [C, 1, k, k] }, gridCoef, axes: src.axes(), relativeError };
  return { ...b, coefPlane: bilinearCoefPlane(b), quality: assessAndWarn(b, opts) };
}

/**
 * Sections: the image is cut into tilesY x tilesX tiles; tile t's kernel is the mean of the grid
 * PSFs sampled inside it (or the nearest one when none is), and its weight is a smooth partition of
 * unity: per axis a cos^2 cross-fade between neighbouring tile centres (weights sum to 1 everywhere,
 * are C1-continuous, and equal 1 on a tile centre), multiplied across axes.
 */
export function sectionsBasis(src: PsfGridSource, opts: { tilesY: number; tilesX: number } & BasisQualityOptions): PsfBasis {
  const { tilesY: ty, tilesX: tx } = opts;
  for (const [name, v, max] of [["tilesY", ty, src.gridRows], ["tilesX", tx, src.gridCols]] as const)
    if (!Number.isInteger(v) || v < 1 || v > max) throw new ArgumentError(name, `an integer in [1, ${max}] (at most the grid size)`, v);
  const { channels: C, gridRows: nh, gridCols: nw, kernelSize: k, height: H, width: W } = src;
  const F = k * k;
  const N = nh * nw;
  const m = ty * tx;
  const axes = src.axes();
  const centresY = Float64Array.from({ length: ty }, (_, i) => ((i + 0.5) * H) / ty - 0.5);
  const centresX = Float64Array.from({ length: tx }, (_, i) => ((i + 0.5) * W) / tx - 0.5);
  const tileOf = (pos: number, size: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor(((pos + 0.5) * n) / size)));
  const tileY = Int32Array.from(axes.rowsPx, (p) => tileOf(p, H, ty));
  const tileX = Int32Array.from(axes.colsPx, (p) => tileOf(p, W, tx));
  const sums = new Float64Array(C * m * F);
  const counts = new Int32Array(m);
  forEachPsf(src, (c, g, psf) => {
    const t = (tileY[Math.floor(g / nw)] as number) * tx + (tileX[g % nw] as number);
    if (c === 0) counts[t] = (counts[t] as number) + 1;
    for (let i = 0; i < F; i++) sums[(c * m + t) * F + i] = (sums[(c * m + t) * F + i] as number) + (psf[i] as number);
  });
  const psfs = new Float32Array(C * m * F);
  for (let t = 0; t < m; t++) {
    const cnt = counts[t] as number;
    if (cnt === 0) {
      // No sample inside this tile: use the grid point nearest to its centre.
      const iy = nearest(axes.rowsPx, centresY[Math.floor(t / tx)] as number);
      const ix = nearest(axes.colsPx, centresX[t % tx] as number);
      const row = src.readRows(iy, iy + 1);
      for (let c = 0; c < C; c++) psfs.set(row.subarray((c * nw + ix) * F, (c * nw + ix + 1) * F), (c * m + t) * F);
      continue;
    }
    for (let c = 0; c < C; c++) for (let i = 0; i < F; i++) psfs[(c * m + t) * F + i] = (sums[(c * m + t) * F + i] as number) / cnt;
  }
  const wyGrid = axes.rowsPx.length ? crossfadeWeights(centresY, axes.rowsPx) : new Float64Array(0);
  const wxGrid = crossfadeWeights(centresX, axes.colsPx);
  const gridCoef = new Float32Array(C * m * N);
  for (let c = 0; c < C; c++)
    for (let t = 0; t < m; t++)
      for (let iy = 0; iy < nh; iy++)
        for (let ix = 0; ix < nw; ix++)
          gridCoef[((c * m + t) * nh + iy) * nw + ix] = (wyGrid[Math.floor(t / tx) * nh + iy] as number) * (wxGrid[(t % tx) * nw + ix] as number);
  const b = { method: "sections" as const, channels: C, count: m, kernelSize: k, height: H, width: W, gridRows: nh, gridCols: nw, psfs: { data: psfs, shape: [C, m, k, k] }, gridCoef, axes, relativeError: new Float32Array(0) };
  const basis: Omit<PsfBasis, "quality"> = {
    ...b,
    coefPlane(c, t) {
      checkKernelIndex(b, c, t);
      // Analytic weights at pixel positions (the same for every channel and either interpolation mode).
      const wy = crossfadeWeights(centresY, Float64Array.from({ length: H }, (_, i) => i));
      const wx = crossfadeWeights(centresX, Float64Array.from({ length: W }, (_, i) => i));
      const out = new Float32Array(H * W);
      const r = Math.floor(t / tx);
      const col = t % tx;
      for (let y = 0; y < H; y++) {
        const a = wy[r * H + y] as number;
        if (a === 0) continue;
        for (let x = 0; x < W; x++) out[y * W + x] = a * (wx[col * W + x] as number);
      }
      return out;
    },
  };
  basis.relativeError = relativeErrors(src, (c, g) => reconstructGridPsf(basis, c, Math.floor(g / nw), g % nw));
  return { ...basis, quality: assessAndWarn(basis, opts) };
}

function nearest(a: Float64Array, v: number): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (Math.abs((a[i] as number) - v) < Math.abs((a[best] as number) - v)) best = i;
  return best;
}

/** Weights (n, positions.length): cos^2 cross-fade between consecutive centres, constant outside. */
export function crossfadeWeights(centres: Float64Array, positions: Float64Array): Float64Array {
  const n = centres.length;
  const P = positions.length;
  const w = new Float64Array(n * P);
  for (let p = 0; p < P; p++) {
    const x = positions[p] as number;
    if (n === 1 || x <= (centres[0] as number)) {
      w[p] = 1;
      continue;
    }
    if (x >= (centres[n - 1] as number)) {
      w[(n - 1) * P + p] = 1;
      continue;
    }
    let i = 0;
    while (x >= (centres[i + 1] as number)) i++;
    const t = (x - (centres[i] as number)) / ((centres[i + 1] as number) - (centres[i] as number));
    const c = Math.cos((Math.PI / 2) * t);
    w[i * P + p] = c * c;
    w[(i + 1) * P + p] = 1 - c * c;
  }
  return w;
}
