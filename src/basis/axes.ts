/**
 * Where the PSF grid was sampled, and bilinear interpolation from those samples to every pixel.
 *
 * A grid axis is the list of pixel coordinates (row or column, increasing) at which the PSFs of
 * that grid row/column were computed. Interpolating with the true positions puts each coefficient
 * exactly where its PSF belongs. The original instead resized the grid with OpenCV's centre-aligned
 * rule, which is the same as assuming the samples sit at cell centres `(g + 0.5) * size / n - 0.5`
 * while stage 1 placed them at cell top-left corners `g * size / n` (a ~1.5 px shift for 256 -> 1024):
 * `cellCentreAxis` reproduces that convention (`compat: svd-v2`).
 */
import { ArgumentError, InputFileError } from "../util/errors";

export interface GridAxes {
  /** Pixel row of each grid row, length nh, increasing. */
  rowsPx: Float64Array;
  /** Pixel column of each grid column, length nw, increasing. */
  colsPx: Float64Array;
}

/** Sample positions that make bilinear interpolation equal OpenCV `resize(INTER_LINEAR)` from n to size. */
export function cellCentreAxis(n: number, size: number): Float64Array {
  const a = new Float64Array(n);
  for (let g = 0; g < n; g++) a[g] = ((g + 0.5) * size) / n - 0.5;
  return a;
}

/** Top-left sampling `g * size / n` (what the original's stage 1 does with H_img = diag(size/n)). */
export function cellCornerAxis(n: number, size: number): Float64Array {
  const a = new Float64Array(n);
  for (let g = 0; g < n; g++) a[g] = (g * size) / n;
  return a;
}

export function cellCentreAxes(nh: number, nw: number, height: number, width: number): GridAxes {
  return { rowsPx: cellCentreAxis(nh, height), colsPx: cellCentreAxis(nw, width) };
}

/**
 * Separable axes from per-grid-point positions `[yImg, xImg]` (e.g. psf_metadata): each grid row's
 * pixel row is the mean over its points, each column's likewise. Fails if the grid is not
 * increasing along an axis (then bilinear interpolation on a rectilinear grid does not apply).
 */
export function axesFromPositions(nh: number, nw: number, positionAt: (iy: number, ix: number) => [number, number], source = "PSF grid"): GridAxes {
  const rowsPx = new Float64Array(nh);
  const colsPx = new Float64Array(nw);
  for (let iy = 0; iy < nh; iy++)
    for (let ix = 0; ix < nw; ix++) {
      const [y, x] = positionAt(iy, ix);
      rowsPx[iy] += y / nw;
      colsPx[ix] += x / nh;
    }
  checkIncreasing(rowsPx, `${source}: grid row positions`);
  checkIncreasing(colsPx, `${source}: grid column positions`);
  return { rowsPx, colsPx };
}

function checkIncreasing(a: Float64Array, what: string): void {
  for (let i = 1; i < a.length; i++)
    if (!((a[i] as number) > (a[i - 1] as number)))
      throw new InputFileError(what, `expected strictly increasing pixel positions, found ${Array.from(a.slice(Math.max(0, i - 2), i + 2)).map((v) => v.toFixed(2)).join(", ")} at index ${i}`);
}

/** For every output index 0..size-1: the two neighbouring samples and the weight of the second. */
export interface LinearWeights {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float64Array;
}

/** Linear interpolation weights from samples at `positions` to pixels 0..size-1 (edge samples replicated outside). */
export function linearWeights(positions: Float64Array, size: number): LinearWeights {
  const n = positions.length;
  if (n < 1) throw new ArgumentError("grid axis", "at least one sample position", n);
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const w1 = new Float64Array(size);
  let g = 0;
  for (let d = 0; d < size; d++) {
    while (g < n - 2 && d >= (positions[g + 1] as number)) g++;
    if (n === 1 || d <= (positions[0] as number)) {
      i0[d] = 0;
      i1[d] = 0;
      w1[d] = 0;
    } else if (d >= (positions[n - 1] as number)) {
      i0[d] = n - 1;
      i1[d] = n - 1;
      w1[d] = 0;
    } else {
      const p0 = positions[g] as number;
      const p1 = positions[g + 1] as number;
      i0[d] = g;
      i1[d] = g + 1;
      w1[d] = (d - p0) / (p1 - p0);
    }
  }
  return { i0, i1, w1 };
}

/**
 * Bilinear upsampling of one grid map (nh, nw) to (height, width) with precomputed axis weights.
 * `out` may be given to avoid allocation.
 */
export function upsampleMap(map: ArrayLike<number>, nh: number, nw: number, wy: LinearWeights, wx: LinearWeights, out?: Float32Array): Float32Array {
  const height = wy.i0.length;
  const width = wx.i0.length;
  const dst = out ?? new Float32Array(height * width);
  // Interpolate along x once per grid row, then blend rows: O(nh*W + H*W).
  const rowsX = new Float64Array(nh * width);
  for (let gy = 0; gy < nh; gy++)
    for (let x = 0; x < width; x++) {
      const a = map[gy * nw + (wx.i0[x] as number)] as number;
      const b = map[gy * nw + (wx.i1[x] as number)] as number;
      const t = wx.w1[x] as number;
      rowsX[gy * width + x] = a + (b - a) * t;
    }
  for (let y = 0; y < height; y++) {
    const r0 = (wy.i0[y] as number) * width;
    const r1 = (wy.i1[y] as number) * width;
    const t = wy.w1[y] as number;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const a = rowsX[r0 + x] as number;
      dst[o + x] = a + ((rowsX[r1 + x] as number) - a) * t;
    }
  }
  return dst;
}
