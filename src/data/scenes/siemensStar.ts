/**
 * Siemens star: `spokes` dark/bright sector pairs around the centre (binary sectors, anti-aliased by
 * supersampling), out to `radiusFraction` of the half-size; outside the disk the mean grey.
 */
import { makeImage, type ImageHWC } from "../types";

export interface SiemensStarOptions {
  spokes?: number;
  radiusFraction?: number;
  dark?: number;
  bright?: number;
  supersample?: number;
}

export function siemensStar(height: number, width: number, channels: number, o: SiemensStarOptions = {}): ImageHWC {
  const spokes = o.spokes ?? 36;
  const dark = o.dark ?? 0.1;
  const bright = o.bright ?? 0.9;
  const s = o.supersample ?? 4;
  const R = ((o.radiusFraction ?? 0.95) * Math.min(height, width)) / 2;
  const cx = width / 2;
  const cy = height / 2;
  const img = makeImage(height, width, channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let j = 0; j < s; j++)
        for (let i = 0; i < s; i++) {
          const dx = x + (i + 0.5) / s - cx;
          const dy = y + (j + 0.5) / s - cy;
          if (dx * dx + dy * dy > R * R) acc += (dark + bright) / 2;
          else {
            const t = ((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * 2 * spokes;
            acc += Math.floor(t) % 2 === 0 ? bright : dark;
          }
        }
      const v = acc / (s * s);
      for (let c = 0; c < channels; c++) img.data[(y * width + x) * channels + c] = v;
    }
  return img;
}
