/** sRGB transfer function (IEC 61966-2-1), applied per value; alpha is not special-cased. */
import { makeImage, type ImageHWC } from "../array";

export function srgbToLinearValue(v: number): number {
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

export function linearToSrgbValue(v: number): number {
  if (v <= 0) return 12.92 * v; // keeps slightly negative blur values (PCA truncation) continuous
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

function mapImage(img: ImageHWC, f: (v: number) => number): ImageHWC {
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(img.data[i] as number);
  return makeImage(img.height, img.width, img.channels, out);
}

export const srgbToLinear = (img: ImageHWC): ImageHWC => mapImage(img, srgbToLinearValue);
export const linearToSrgb = (img: ImageHWC): ImageHWC => mapImage(img, linearToSrgbValue);
