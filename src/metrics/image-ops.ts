/**
 * Shape checks, border crops and luma for the CPU metrics. Every CPU metric takes `ImageHWC` (src/array)
 * on any numeric typed array: float data in [0, 1], or raw codes with `peak` (or `dataRange`) 255.
 */
import { ArgumentError } from "../util/errors";
import type { ImageHWC, NumericArray } from "../array";

export interface Dims {
  h: number;
  w: number;
  c: number;
}

export function dimsOf(img: ImageHWC<NumericArray>, name: string): Dims {
  const { height: h, width: w, channels: c } = img;
  if (![h, w, c].every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ArgumentError(`${name}`, "an image with positive integer height, width and channels", `${h}x${w}x${c}`);
  }
  if (img.data.length !== h * w * c) {
    throw new ArgumentError(`${name}.data`, `length ${h}*${w}*${c} = ${h * w * c} for shape [${h}, ${w}, ${c}]`, `length ${img.data.length}`);
  }
  return { h, w, c };
}

/** The data range of a comparison: the option, else the reference image's `peak`, else 1. */
export function dataRangeOf(opts: { dataRange?: number }, img: ImageHWC<NumericArray>): number {
  return opts.dataRange ?? img.peak ?? 1;
}

/** Checks that two images have identical shapes and returns it. */
export function sameDims(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>): Dims {
  const da = dimsOf(a, "image1");
  const db = dimsOf(b, "image2");
  if (da.h !== db.h || da.w !== db.w || da.c !== db.c) {
    throw new ArgumentError("image2", `the shape of image1 [${da.h}, ${da.w}, ${da.c}]`, `shape [${db.h}, ${db.w}, ${db.c}]`);
  }
  return da;
}

/** Removes `border` pixels from every side (as BasicSR's crop_border); returns a Float64 HWC copy. */
export function cropBorder(img: ImageHWC<NumericArray>, border: number): ImageHWC<Float64Array> {
  const { h, w, c } = dimsOf(img, "image");
  if (!Number.isInteger(border) || border < 0) throw new ArgumentError("cropBorder", "a non-negative integer", border);
  const oh = h - 2 * border;
  const ow = w - 2 * border;
  if (oh < 1 || ow < 1) throw new ArgumentError("cropBorder", `less than half the image size (${h}x${w})`, border);
  const out = new Float64Array(oh * ow * c);
  const src = img.data;
  let k = 0;
  for (let y = 0; y < oh; y++) {
    const row = ((y + border) * w + border) * c;
    for (let i = 0; i < ow * c; i++) out[k++] = src[row + i] as number;
  }
  return { data: out, height: oh, width: ow, channels: c, peak: img.peak };
}

/**
 * ITU-R BT.601 luma in the "studio swing" convention used by BasicSR (`to_y_channel`, test_y_channel)
 * and scikit-image `rgb2ycbcr(...)[..., 0]`: for RGB in [0, 1],
 *   Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255, i.e. Y in [16/255, 235/255].
 * `scale` is the value of full white in the input (1 for [0, 1] data, 255 for 8-bit codes); the output is
 * in the same units. PSNR on Y therefore equals BasicSR's / skimage's PSNR on Y with data range 255.
 */
export function rgbToY(img: ImageHWC<NumericArray>, scale = 1): ImageHWC<Float64Array> {
  const { h, w, c } = dimsOf(img, "image");
  if (c !== 3) throw new ArgumentError("image", "3 (RGB) channels for the Y channel", `${c} channel(s)`);
  const out = new Float64Array(h * w);
  const src = img.data;
  for (let p = 0; p < h * w; p++) {
    const r = (src[3 * p] as number) / scale;
    const g = (src[3 * p + 1] as number) / scale;
    const b = (src[3 * p + 2] as number) / scale;
    out[p] = ((16 + 65.481 * r + 128.553 * g + 24.966 * b) / 255) * scale;
  }
  return { data: out, height: h, width: w, channels: 1, peak: img.peak };
}
