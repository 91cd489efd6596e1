/**
 * The typed-array image form every CPU metric accepts: HWC (or HW for one channel) on any numeric
 * typed array, e.g. `ImageArray` from io/image (Float32Array in [0, 1]) or raw 8-bit codes with
 * `dataRange: 255`.
 */
import { ArgumentError } from "../util/errors";

export type NumericArray = Float32Array | Float64Array | Uint8Array | Uint16Array | Uint8ClampedArray | Int32Array | number[];

export interface ImageLike {
  data: NumericArray;
  /** [height, width] or [height, width, channels] */
  shape: readonly number[];
}

export interface Dims {
  h: number;
  w: number;
  c: number;
}

export function dimsOf(img: ImageLike, name: string): Dims {
  const s = img.shape;
  if (!(s.length === 2 || s.length === 3) || s.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ArgumentError(`${name}.shape`, "[height, width] or [height, width, channels] of positive integers", [...s]);
  }
  const [h, w] = s as [number, number];
  const c = s.length === 3 ? (s[2] as number) : 1;
  if (img.data.length !== h * w * c) {
    throw new ArgumentError(`${name}.data`, `length ${h}*${w}*${c} = ${h * w * c} for shape [${s.join(", ")}]`, `length ${img.data.length}`);
  }
  return { h, w, c };
}

/** Checks that two images have identical shapes and returns it. */
export function sameDims(a: ImageLike, b: ImageLike): Dims {
  const da = dimsOf(a, "image1");
  const db = dimsOf(b, "image2");
  if (da.h !== db.h || da.w !== db.w || da.c !== db.c) {
    throw new ArgumentError("image2", `the shape of image1 [${da.h}, ${da.w}, ${da.c}]`, `shape [${db.h}, ${db.w}, ${db.c}]`);
  }
  return da;
}

/** Removes `border` pixels from every side (as BasicSR's crop_border); returns a Float64 HWC copy. */
export function cropBorder(img: ImageLike, border: number): { data: Float64Array; shape: [number, number, number] } {
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
  return { data: out, shape: [oh, ow, c] };
}

/**
 * ITU-R BT.601 luma in the "studio swing" convention used by BasicSR (`to_y_channel`, test_y_channel)
 * and scikit-image `rgb2ycbcr(...)[..., 0]`: for RGB in [0, 1],
 *   Y = (16 + 65.481 R + 128.553 G + 24.966 B) / 255, i.e. Y in [16/255, 235/255].
 * `scale` is the value of full white in the input (1 for [0, 1] data, 255 for 8-bit codes); the output is
 * in the same units. PSNR on Y therefore equals BasicSR's / skimage's PSNR on Y with data range 255.
 */
export function rgbToY(img: ImageLike, scale = 1): { data: Float64Array; shape: [number, number, number] } {
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
  return { data: out, shape: [h, w, 1] };
}
