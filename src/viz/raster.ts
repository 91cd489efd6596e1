/**
 * Arrays -> RGB rasters: the one place that turns numbers into pixels. Accepts the library's image
 * (`ImageHWC`), an array with a shape ({data, shape}: [H, W] / [H, W, C] / [1, H, W, C], NHWC as
 * tfjs images), or a tfjs tensor (anything with `shape` and `dataSync()`).
 */
import { isImage, type ImageHWC, type NdArray, type NumericArray } from "../array";
import { colormapTable, type ColormapName } from "./colormap";

/** A tfjs tensor, structurally (so src/viz does not load tfjs). */
export interface TensorLike {
  shape: number[];
  dataSync(): NumericArray;
}
export type ImageInput = ImageHWC<NumericArray> | NdArray<NumericArray> | TensorLike;

/** An 8-bit RGB raster, row-major, 3 bytes per pixel. */
export interface Raster {
  width: number;
  height: number;
  rgb: Uint8Array;
}

export interface ScaleOptions {
  /** Single-channel images only (default "gray"; PSF helpers use "magma", signed data "rdbu"). */
  colormap?: ColormapName;
  /** "log" shows [vmax * 10^-logDecades, vmax] on a log axis: the faint tails of PSFs. */
  scale?: "linear" | "log";
  logDecades?: number;
  /** Value range mapped to the colormap ends; defaults: data min/max (RGB images: 0 and 1). */
  vmin?: number;
  vmax?: number;
  /** Centre the range on 0 (vmin = -vmax = max |x|), for signed data such as basis PSFs. */
  symmetric?: boolean;
  /** Apply the sRGB transfer curve to linear data before quantising. */
  encodeSrgb?: boolean;
}

function isTensor(x: ImageInput): x is TensorLike {
  return typeof (x as TensorLike).dataSync === "function";
}

/** Any image input as the library's ImageHWC, with C in {1, 3, 4} (tensors read once). */
export function asImageHWC(img: ImageInput): ImageHWC<NumericArray> {
  if (!isTensor(img) && isImage(img)) {
    const { data, height, width, channels } = img;
    if (data.length !== height * width * channels) throw new RangeError(`viz: image data has ${data.length} values but a ${height}x${width}x${channels} image needs ${height * width * channels}`);
    return { data, height, width, channels };
  }
  const shape = [...img.shape];
  const data = isTensor(img) ? img.dataSync() : img.data;
  if (shape.length === 4 && shape[0] === 1) shape.shift();
  let height: number, width: number, channels: number;
  if (shape.length === 2) [height, width, channels] = [shape[0] as number, shape[1] as number, 1];
  else if (shape.length === 3 && [1, 3, 4].includes(shape[2] as number)) {
    [height, width, channels] = shape as [number, number, number];
  } else {
    throw new RangeError(
      `viz: image shape must be [H, W], [H, W, C] or [1, H, W, C] with C in {1, 3, 4}; found [${shape.join(", ")}]`,
    );
  }
  if (data.length !== height * width * channels) {
    throw new RangeError(`viz: image data has ${data.length} values but shape [${img.shape.join(", ")}] needs ${height * width * channels}`);
  }
  return { data, height, width, channels };
}

function srgbEncode(v: number): number {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

/** The value range actually used for display (after log/symmetric handling), for colour bars. */
export function displayRange(data: ArrayLike<number>, opts: ScaleOptions): { lo: number; hi: number } {
  let min = Infinity;
  let max = -Infinity;
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  if (!Number.isFinite(min)) [min, max] = [0, 1];
  if (opts.symmetric) {
    const m = Math.max(Math.abs(opts.vmin ?? 0), Math.abs(opts.vmax ?? 0)) || maxAbs || 1;
    return { lo: -m, hi: m };
  }
  let hi = opts.vmax ?? max;
  let lo = opts.vmin ?? min;
  if (opts.scale === "log") {
    if (!(hi > 0)) hi = 1;
    lo = hi * Math.pow(10, -(opts.logDecades ?? 4));
  }
  if (hi === lo) hi = lo + 1;
  return { lo, hi };
}

/** Maps an image to an RGB raster (single channel through a colormap, RGB(A) by value range). */
export function toRaster(img: ImageInput, opts: ScaleOptions = {}): Raster {
  const { data, height, width, channels } = asImageHWC(img);
  const rgb = new Uint8Array(width * height * 3);
  if (channels === 1) {
    const { lo, hi } = displayRange(data, opts);
    const lut = colormapTable(opts.colormap ?? "gray");
    const log = opts.scale === "log";
    const llo = Math.log10(lo);
    const lspan = Math.log10(hi) - llo;
    for (let i = 0; i < width * height; i++) {
      const v = data[i] as number;
      let t = log ? (Math.log10(Math.max(v, lo)) - llo) / lspan : (v - lo) / (hi - lo);
      t = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
      const j = Math.round(t * 255) * 3;
      rgb[3 * i] = lut[j] as number;
      rgb[3 * i + 1] = lut[j + 1] as number;
      rgb[3 * i + 2] = lut[j + 2] as number;
    }
  } else {
    // Colour images: [0, 1] by the data convention unless a range is given; alpha is dropped.
    const lo = opts.vmin ?? 0;
    const hi = opts.vmax ?? 1;
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) {
        let v = ((data[i * channels + c] as number) - lo) / (hi - lo);
        v = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
        if (opts.encodeSrgb) v = srgbEncode(v);
        rgb[3 * i + c] = Math.round(v * 255);
      }
    }
  }
  return { width, height, rgb };
}

/** Cuts a rectangle out of a raster (clipped to its bounds). */
export function cropRaster(r: Raster, x: number, y: number, w: number, h: number): Raster {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(r.width, Math.floor(x + w));
  const y1 = Math.min(r.height, Math.floor(y + h));
  if (x1 <= x0 || y1 <= y0) throw new RangeError(`viz: crop (${x}, ${y}, ${w}x${h}) lies outside the ${r.width}x${r.height} image`);
  const out = new Uint8Array((x1 - x0) * (y1 - y0) * 3);
  for (let yy = y0; yy < y1; yy++) {
    out.set(r.rgb.subarray(3 * (yy * r.width + x0), 3 * (yy * r.width + x1)), 3 * (yy - y0) * (x1 - x0));
  }
  return { width: x1 - x0, height: y1 - y0, rgb: out };
}

/** Nearest-neighbour enlargement by an integer factor (pixels stay crisp: PSFs are small). */
export function upscaleRaster(r: Raster, factor: number): Raster {
  const f = Math.max(1, Math.round(factor));
  if (f === 1) return r;
  const width = r.width * f;
  const height = r.height * f;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / f);
    for (let x = 0; x < width; x++) {
      const s = 3 * (sy * r.width + Math.floor(x / f));
      const d = 3 * (y * width + x);
      rgb[d] = r.rgb[s] as number;
      rgb[d + 1] = r.rgb[s + 1] as number;
      rgb[d + 2] = r.rgb[s + 2] as number;
    }
  }
  return { width, height, rgb };
}

/** Integer factor that brings the longer side to at least `targetPx` (small PSFs become visible). */
export function upscaleFactorFor(r: { width: number; height: number }, targetPx: number): number {
  return Math.max(1, Math.floor(targetPx / Math.max(r.width, r.height)));
}
