/**
 * How an HWC image becomes the planes the FFT deconvolvers work on, and back.
 * - `circular`: the image itself is the period (exact for data blurred circularly; ringing at the
 *   borders for real images).
 * - `reflect`: each side is extended by at least the PSF radius with half-sample-symmetric
 *   reflection (util/border "symmetric", scipy's 'reflect', the same extension SyntheticBlur blurs with) up to a power-of-two
 *   size, deconvolved circularly, then cropped back: no wrap-around between opposite borders.
 */
import type { ImageHWC } from "../../array";
import { nextPowerOfTwo } from "../../fft";
import { symmetricIndex } from "../../util/border";

export type Boundary = "circular" | "reflect";
export const boundaries: readonly Boundary[] = ["circular", "reflect"];

export interface PlaneGeometry {
  rows: number;
  cols: number;
  top: number;
  left: number;
}

export function planeGeometry(H: number, W: number, psfH: number, psfW: number, boundary: Boundary): PlaneGeometry {
  if (boundary === "circular") return { rows: H, cols: W, top: 0, left: 0 };
  const ry = Math.floor(psfH / 2) + 1, rx = Math.floor(psfW / 2) + 1;
  return { rows: nextPowerOfTwo(H + 2 * ry), cols: nextPowerOfTwo(W + 2 * rx), top: ry, left: rx };
}

/** Channel `c` of `img` extended to the plane geometry (float64). */
export function extractPlane(img: ImageHWC, c: number, g: PlaneGeometry): Float64Array {
  const { height: H, width: W, channels: C } = img;
  const out = new Float64Array(g.rows * g.cols);
  for (let r = 0; r < g.rows; r++) {
    const y = symmetricIndex(r - g.top, H);
    for (let q = 0; q < g.cols; q++) out[r * g.cols + q] = img.data[(y * W + symmetricIndex(q - g.left, W)) * C + c]!;
  }
  return out;
}

/** Writes the image window of a plane back into channel `c` of `out`. */
export function insertPlane(plane: Float64Array, g: PlaneGeometry, out: ImageHWC, c: number): void {
  const { height: H, width: W, channels: C } = out;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.data[(y * W + x) * C + c] = plane[(y + g.top) * g.cols + x + g.left]!;
}
