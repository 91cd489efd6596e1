/**
 * Separable Gaussian blur of an HWC float image with symmetric borders (util/border "symmetric",
 * scipy.ndimage "reflect": d c b a | a b c d), for synthetic tests and notebook demonstrations (degrade a target by a
 * known Gaussian). Taps: scipy's rule, radius int(truncate * sigma + 0.5).
 */
import type { ImageHWC } from "../array";
import { symmetricIndex } from "../util/border";
import { gaussianTaps } from "./ssim";

export function gaussianBlur(img: ImageHWC, sigmaPx: number, truncate = 4): ImageHWC {
  const { height: h, width: w, channels: c } = img;
  if (sigmaPx === 0) return { data: img.data.slice(), height: h, width: w, channels: c };
  const taps = gaussianTaps(sigmaPx, truncate);
  const r = (taps.length - 1) / 2;
  const tmp = new Float64Array(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let t = -r; t <= r; t++) s += taps[t + r]! * img.data[(y * w + symmetricIndex(x + t, w)) * c + ch]!;
        tmp[(y * w + x) * c + ch] = s;
      }
  const out = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let t = -r; t <= r; t++) s += taps[t + r]! * tmp[(symmetricIndex(y + t, h) * w + x) * c + ch]!;
        out[(y * w + x) * c + ch] = s;
      }
  return { data: out, height: h, width: w, channels: c };
}
