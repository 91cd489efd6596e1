/**
 * Dead leaves texture: opaque disks with radii drawn from p(r) ∝ r⁻³ on [rMin, rMax] (scale
 * invariant, the standard texture-sharpness target), dropped one in front of the other. Disks are
 * drawn front to back and only paint still-uncovered pixels, stopping when the image is covered.
 */
import type { Rng } from "../../util/rng";
import { makeImage, type ImageHWC } from "../../array";

export interface DeadLeavesOptions {
  rMinPx?: number;
  rMaxPx?: number;
  /** stop after this many disks even if some pixels are uncovered (they keep the background) */
  maxDisks?: number;
}

export function deadLeaves(rng: Rng, height: number, width: number, channels: number, o: DeadLeavesOptions = {}): ImageHWC {
  const rMin = o.rMinPx ?? 2;
  const rMax = o.rMaxPx ?? Math.max(height, width) / 4;
  const maxDisks = o.maxDisks ?? 50000;
  const img = makeImage(height, width, channels);
  const covered = new Uint8Array(height * width);
  let left = height * width;
  const a = rMin ** -2;
  const b = rMax ** -2;
  const color = new Float32Array(channels);
  for (let d = 0; d < maxDisks && left > 0; d++) {
    const r = (a - rng.random() * (a - b)) ** -0.5; // inverse CDF of p(r) ∝ r⁻³
    const cx = rng.uniform(-r, width + r);
    const cy = rng.uniform(-r, height + r);
    const grey = rng.random();
    for (let c = 0; c < channels; c++) color[c] = Math.min(1, Math.max(0, grey + rng.uniform(-0.25, 0.25)));
    const y0 = Math.max(0, Math.ceil(cy - r));
    const y1 = Math.min(height - 1, Math.floor(cy + r));
    const r2 = r * r;
    for (let y = y0; y <= y1; y++) {
      const dy = y - cy;
      const half = Math.sqrt(Math.max(0, r2 - dy * dy));
      const x0 = Math.max(0, Math.ceil(cx - half));
      const x1 = Math.min(width - 1, Math.floor(cx + half));
      for (let x = x0; x <= x1; x++) {
        const p = y * width + x;
        if (covered[p]) continue;
        covered[p] = 1;
        left--;
        for (let c = 0; c < channels; c++) img.data[p * channels + c] = color[c] as number;
      }
    }
  }
  return img;
}
