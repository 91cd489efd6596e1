/**
 * White noise: every pixel and channel i.i.d. uniform in [0, 1). A flat-spectrum target (all
 * frequencies at equal power, so a blurred copy shows the PSF's MTF directly), and the input the
 * NumPy reference of bench/dataset.ts renders (`rng.random((3, H, W))`).
 */
import type { Rng } from "../../util/rng";
import { PixelStream } from "../pixel-noise";
import { makeImage, type ImageHWC } from "../../array";

export function whiteNoise(rng: Rng, height: number, width: number, channels: number): ImageHWC {
  const img = makeImage(height, width, channels);
  const s = new PixelStream(rng);
  for (let i = 0; i < img.data.length; i++) img.data[i] = s.uniform();
  return img;
}
