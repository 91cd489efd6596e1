/**
 * Slanted edge (ISO 12233 style): a straight edge through the image centre at `angleDeg` from
 * vertical, dark on the left, bright on the right, each pixel the exact-area average approximated by
 * `supersample`² sub-pixel samples (so the edge is anti-aliased, not stair-stepped).
 */
import { makeImage, type ImageHWC } from "../types";

export interface SlantedEdgeOptions {
  angleDeg?: number;
  dark?: number;
  bright?: number;
  supersample?: number;
}

export function slantedEdge(height: number, width: number, channels: number, o: SlantedEdgeOptions = {}): ImageHWC {
  const angle = ((o.angleDeg ?? 5) * Math.PI) / 180;
  const dark = o.dark ?? 0.2;
  const bright = o.bright ?? 0.8;
  const s = o.supersample ?? 8;
  // signed distance to the edge line through the centre, normal = (cos a, −sin a) in (x, y)
  const nx = Math.cos(angle);
  const ny = -Math.sin(angle);
  const cx = width / 2;
  const cy = height / 2;
  const img = makeImage(height, width, channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let inside = 0;
      for (let j = 0; j < s; j++)
        for (let i = 0; i < s; i++) if ((x + (i + 0.5) / s - cx) * nx + (y + (j + 0.5) / s - cy) * ny > 0) inside++;
      const v = dark + ((bright - dark) * inside) / (s * s);
      for (let c = 0; c < channels; c++) img.data[(y * width + x) * channels + c] = v;
    }
  return img;
}
