/**
 * Homographies from PSF-grid index space (x = column index, y = row index) to image or object space
 * (spec §1.1). Either one 3x3 matrix for the whole sensor (what every synthetic run uses) or a
 * per-pixel array (H, W, 3, 3) as the original stores on disk (the real-PSF pipeline fills it
 * piecewise).
 */
import { SvdError } from "../util/errors";

/** Row-major 3x3 matrix. */
export type Mat3 = Float64Array;

export function mat3(values: ArrayLike<number>): Mat3 {
  if (values.length !== 9) throw new SvdError(`a 3x3 matrix needs 9 values, found ${values.length}`);
  return Float64Array.from(values);
}

export const identity3 = (): Mat3 => mat3([1, 0, 0, 0, 1, 0, 0, 0, 1]);

/** The original's keyword form: x' = sx*x + tx, y' = sy*y + ty. */
export function scaleTranslate(sx: number, sy: number, tx = 0, ty = 0): Mat3 {
  return mat3([sx, 0, tx, 0, sy, ty, 0, 0, 1]);
}

/** Applies `m` to the index-space point (x, y): [u, v, s] = m [x, y, 1], returns (u/s, v/s). */
export function applyMat3(m: ArrayLike<number>, x: number, y: number): [number, number] {
  const u = (m[0] as number) * x + (m[1] as number) * y + (m[2] as number);
  const v = (m[3] as number) * x + (m[4] as number) * y + (m[5] as number);
  const s = (m[6] as number) * x + (m[7] as number) * y + (m[8] as number);
  return [u / s, v / s];
}

export class Homography {
  private constructor(
    /** One matrix (length 9) or per-pixel matrices (H*W*9, C order (H, W, 3, 3)). */
    readonly data: Float64Array | Float32Array,
    /** null for a constant homography, else (H, W) of the per-pixel array. */
    readonly pixelShape: readonly [number, number] | null,
  ) {}

  static constant(m: ArrayLike<number>): Homography {
    return new Homography(mat3(m), null);
  }

  /** A per-pixel (H, W, 3, 3) array; collapses to a constant one when every matrix is equal. */
  static perPixel(data: Float32Array | Float64Array, heightPx: number, widthPx: number): Homography {
    if (data.length !== heightPx * widthPx * 9)
      throw new SvdError(`per-pixel homography: ${data.length} values do not fill (${heightPx}, ${widthPx}, 3, 3)`);
    let constant = true;
    for (let i = 9; i < data.length && constant; i++) if (data[i] !== data[i % 9]) constant = false;
    return constant ? Homography.constant(data.subarray(0, 9)) : new Homography(data, [heightPx, widthPx]);
  }

  get isConstant(): boolean {
    return this.pixelShape === null;
  }

  /** The matrix stored at array position (row, col); a constant homography ignores the position. */
  matrixAt(row: number, col: number): Float64Array | Float32Array {
    if (!this.pixelShape) return this.data;
    const [h, w] = this.pixelShape;
    if (row < 0 || row >= h || col < 0 || col >= w)
      throw new SvdError(`homography lookup at (${row}, ${col}) outside its (${h}, ${w}) array`);
    const o = (row * w + col) * 9;
    return this.data.subarray(o, o + 9);
  }

  /**
   * Maps grid point (x = column index, y = row index). `transposedLookup` reproduces the original's
   * H[x, y] indexing of a per-pixel array (column index used as row); the clean lookup is H[y, x].
   */
  map(x: number, y: number, transposedLookup = false): [number, number] {
    const m = transposedLookup ? this.matrixAt(x, y) : this.matrixAt(y, x);
    return applyMat3(m, x, y);
  }

  /** Writes the (H, W, 3, 3) expansion rows [r0, r1) into `out` (for storing the original's layout). */
  expandRows(heightPx: number, widthPx: number, r0: number, r1: number, out = new Float32Array((r1 - r0) * widthPx * 9)): Float32Array {
    if (!this.pixelShape) {
      for (let p = 0; p < (r1 - r0) * widthPx; p++) for (let q = 0; q < 9; q++) out[p * 9 + q] = this.data[q] as number;
      return out;
    }
    const [h, w] = this.pixelShape;
    if (h !== heightPx || w !== widthPx) throw new SvdError(`per-pixel homography is (${h}, ${w}), sensor is (${heightPx}, ${widthPx})`);
    out.set(this.data.subarray(r0 * w * 9, r1 * w * 9));
    return out;
  }
}
