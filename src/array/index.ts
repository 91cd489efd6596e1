/**
 * The two CPU-side array forms of the library, and the conversions between them.
 *
 *   ImageHWC  an image: HWC storage `data[(y * width + x) * channels + c]` on a typed array, with its
 *             size and the value of full white (`peak`, 1 unless the producer says otherwise, e.g. 255
 *             for 8-bit codes). Data, io, metrics, models, train and viz take and return it.
 *   NdArray   planar numerics: a C-order typed array with an explicit shape, e.g. a render image
 *             (C, H, W), PSFs (inc, outc, nh, nw, k, k), basis kernels (C, m, k, k), coefficient maps.
 *
 * Conversions happen at module edges (render takes an ImageHWC and works planar inside), not in loops.
 */
import { ArgumentError } from "../util/errors";

/** Typed storage the library reads pixels and numbers from. */
export type NumericArray = Float32Array | Float64Array | Uint8Array | Uint8ClampedArray | Uint16Array | Int32Array;

export type Shape = readonly number[];

/** A dense C-order array on a typed buffer with an explicit shape: the planar exchange type. */
export interface NdArray<T extends NumericArray = Float32Array> {
  data: T;
  shape: Shape;
}

/** An HWC image on typed storage; `peak` is the value of full white (1 when absent). */
export interface ImageHWC<T extends NumericArray = Float32Array> {
  data: T;
  height: number;
  width: number;
  channels: number;
  peak?: number;
}

/** An image size in pixels (e.g. a resize target). */
export interface ImageSize {
  height: number;
  width: number;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i] as number;
  }
  return s;
}

export function zeros(shape: Shape): NdArray<Float32Array> {
  return { data: new Float32Array(sizeOf(shape)), shape: [...shape] };
}

export function shapeString(shape: Shape): string {
  return `(${shape.join(", ")})`;
}

/** A float image of the given size, zero-filled unless `data` (checked against the size) is given. */
export function makeImage(height: number, width: number, channels: number, data?: Float32Array): ImageHWC {
  const n = height * width * channels;
  if (data && data.length !== n) throw new Error(`image data has ${data.length} values, shape (${height}, ${width}, ${channels}) needs ${n}`);
  return { data: data ?? new Float32Array(n), height, width, channels };
}

export function cloneImage(img: ImageHWC): ImageHWC {
  return { ...img, data: new Float32Array(img.data) };
}

export function imageShape(img: ImageHWC<NumericArray>): [number, number, number] {
  return [img.height, img.width, img.channels];
}

/** Value of full white: `peak`, or 1 for images that do not say. */
export function peakOf(img: ImageHWC<NumericArray>): number {
  return img.peak ?? 1;
}

/** True for an ImageHWC (as opposed to an NdArray): render and viz accept both at their edges. */
export function isImage<T extends NumericArray>(x: ImageHWC<T> | NdArray<T>): x is ImageHWC<T> {
  return typeof (x as ImageHWC<T>).height === "number" && !("shape" in x);
}

/** Checks that `data` holds height x width x channels values; `name` is the argument in the error. */
export function checkImage(img: ImageHWC<NumericArray>, name: string): void {
  const { height: h, width: w, channels: c } = img;
  if (![h, w, c].every((d) => Number.isInteger(d) && d >= 1)) throw new ArgumentError(name, "positive integer height, width and channels", `${h}x${w}x${c}`);
  if (img.data.length !== h * w * c) throw new ArgumentError(`${name}.data`, `${h}*${w}*${c} = ${h * w * c} values for a ${h}x${w}x${c} image`, `${img.data.length} values`);
}

/** HWC image -> planar (C, H, W) float32. */
export function imageToPlanar(img: ImageHWC<NumericArray>): NdArray {
  const { height, width, channels } = img;
  const out = new Float32Array(height * width * channels);
  const plane = height * width;
  for (let i = 0; i < plane; i++) for (let c = 0; c < channels; c++) out[c * plane + i] = img.data[i * channels + c] as number;
  return { data: out, shape: [channels, height, width] };
}

/** Planar (C, H, W) -> HWC float32 image. */
export function planarToImage(a: NdArray<NumericArray>): ImageHWC {
  if (a.shape.length !== 3) throw new ArgumentError("planar array", "shape (C, H, W)", shapeString(a.shape));
  const [C, H, W] = a.shape as [number, number, number];
  const out = new Float32Array(C * H * W);
  const plane = H * W;
  for (let i = 0; i < plane; i++) for (let c = 0; c < C; c++) out[i * C + c] = a.data[c * plane + i] as number;
  return { data: out, height: H, width: W, channels: C };
}

/** A copy with every value clamped to [lo, hi] (default [0, 1]: what displays and 8/16-bit files hold). */
export function clampImage(img: ImageHWC, lo = 0, hi = 1): ImageHWC {
  return { ...img, data: img.data.map((v) => Math.min(hi, Math.max(lo, v))) };
}
