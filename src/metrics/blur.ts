/**
 * Separable Gaussian blur of an HWC float image with symmetric borders (util/border "symmetric",
 * scipy.ndimage "reflect": d c b a | a b c d), for synthetic tests and notebook demonstrations (degrade a target by a
 * known Gaussian). Taps: scipy's rule, radius int(truncate * sigma + 0.5); the row pass is kept in float64.
 */
import type { ImageHWC } from "../array";
import { separableFilter } from "../util/separable-filter";
import { gaussianTaps } from "./ssim";

export function gaussianBlur(img: ImageHWC, sigmaPx: number, truncate = 4): ImageHWC {
  const { height: h, width: w, channels: c } = img;
  if (sigmaPx === 0) return { data: img.data.slice(), height: h, width: w, channels: c };
  const { data } = separableFilter(img, gaussianTaps(sigmaPx, truncate), "float64");
  return { data, height: h, width: w, channels: c };
}
