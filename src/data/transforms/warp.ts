/**
 * Warps of HWC float32 images with the original's semantics (spec dataset-generation.md §2.3):
 * `rotate` (torchvision rotate: about the image centre, counter-clockwise for positive angles,
 * nearest neighbour, same size, fill 0) and `homography` (kornia warp_perspective: dst(p) = src(M⁻¹p)
 * in pixel coordinates, bilinear, zero padding, align_corners=True).
 */
import { makeImage, type ImageHWC } from "../../array";

/** Round half to even (torch's nearest sampling uses nearbyint). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `img` rotated by `angleDeg` degrees counter-clockwise about its centre ((W−1)/2, (H−1)/2). */
export function rotateNearest(img: ImageHWC, angleDeg: number): ImageHWC {
  const { height: H, width: W, channels: C } = img;
  const t = (angleDeg * Math.PI) / 180;
  // Exact trigonometry for multiples of 90° (cos(π/2) is 6e-17 in floating point).
  const quarter = angleDeg / 90;
  const [cos, sin] = Number.isInteger(quarter) ? ([[1, 0], [0, 1], [-1, 0], [0, -1]][((quarter % 4) + 4) % 4] as [number, number]) : [Math.cos(t), Math.sin(t)];
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  const out = makeImage(H, W, C);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      // inverse map: a counter-clockwise turn on screen (y down) takes source (dx, dy) to (dx·cos + dy·sin, −dx·sin + dy·cos)
      const dx = x - cx, dy = y - cy;
      const sx = roundHalfEven(dx * cos - dy * sin + cx), sy = roundHalfEven(dx * sin + dy * cos + cy);
      if (sx < 0 || sx >= W || sy < 0 || sy >= H) continue;
      const o = (y * W + x) * C, s = (sy * W + sx) * C;
      for (let c = 0; c < C; c++) out.data[o + c] = img.data[s + c] as number;
    }
  return out;
}

/** Inverse of a 3×3 matrix (row-major), or null when singular. */
function invert3(m: readonly number[]): number[] | null {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h, B = -(d * i - f * g), Cc = d * h - e * g;
  const det = a * A + b * B + c * Cc;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-15) return null;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), Cc, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

/** `img` warped by the homography `M` (3×3, row-major, x = column, y = row): dst(p) = src(M⁻¹p). */
export function warpPerspective(img: ImageHWC, M: readonly number[]): ImageHWC {
  const inv = invert3(M);
  if (!inv) throw new RangeError(`homography M is singular: [${M.join(", ")}]`);
  const { height: H, width: W, channels: C } = img;
  const out = makeImage(H, W, C);
  const at = (yy: number, xx: number, c: number) => (yy >= 0 && yy < H && xx >= 0 && xx < W ? (img.data[(yy * W + xx) * C + c] as number) : 0);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const z = inv[6]! * x + inv[7]! * y + inv[8]!;
      const sx = (inv[0]! * x + inv[1]! * y + inv[2]!) / z, sy = (inv[3]! * x + inv[4]! * y + inv[5]!) / z;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      if (x0 < -1 || x0 >= W || y0 < -1 || y0 >= H) continue;
      const o = (y * W + x) * C;
      for (let c = 0; c < C; c++)
        out.data[o + c] = (1 - fy) * ((1 - fx) * at(y0, x0, c) + fx * at(y0, x0 + 1, c)) + fy * ((1 - fx) * at(y0 + 1, x0, c) + fx * at(y0 + 1, x0 + 1, c));
    }
  return out;
}
