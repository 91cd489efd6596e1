/**
 * Pixel-wise fidelity metrics: MSE, MAE, PSNR. Averages run over all pixels and channels (as
 * skimage's mean_squared_error / peak_signal_noise_ratio and torchmetrics' PSNR), in float64.
 */
import { ArgumentError } from "../util/errors";
import { ImageLike, sameDims, cropBorder, rgbToY } from "./image-like";

export interface FidelityOptions {
  /** Distance between the minimum and maximum possible values (1 for [0, 1] floats, 255 for 8-bit). Default 1. */
  dataRange?: number;
  /** Pixels removed from every side before measuring (the original script uses 1). Default 0. */
  cropBorder?: number;
  /** "rgb": all channels (default); "y": BT.601 studio-swing luma of an RGB image (see rgbToY). */
  channel?: "rgb" | "y";
}

/** Applies crop and channel selection; returns float64 HWC data of both images. */
export function prepare(a: ImageLike, b: ImageLike, opts: FidelityOptions): { a: ImageLike; b: ImageLike } {
  sameDims(a, b);
  const border = opts.cropBorder ?? 0;
  let pa: ImageLike = border > 0 ? cropBorder(a, border) : a;
  let pb: ImageLike = border > 0 ? cropBorder(b, border) : b;
  const channel = opts.channel ?? "rgb";
  if (channel === "y") {
    const scale = opts.dataRange ?? 1;
    pa = rgbToY(pa, scale);
    pb = rgbToY(pb, scale);
  } else if (channel !== "rgb") {
    throw new ArgumentError("channel", '"rgb" or "y"', channel);
  }
  return { a: pa, b: pb };
}

export function mse(a: ImageLike, b: ImageLike, opts: FidelityOptions = {}): number {
  const p = prepare(a, b, opts);
  const x = p.a.data;
  const y = p.b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - (y[i] as number);
    s += d * d;
  }
  return s / x.length;
}

export function mae(a: ImageLike, b: ImageLike, opts: FidelityOptions = {}): number {
  const p = prepare(a, b, opts);
  const x = p.a.data;
  const y = p.b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs((x[i] as number) - (y[i] as number));
  return s / x.length;
}

/** PSNR in dB = 10 log10(dataRange^2 / MSE); Infinity for identical images. */
export function psnr(a: ImageLike, b: ImageLike, opts: FidelityOptions = {}): number {
  const range = opts.dataRange ?? 1;
  if (!(range > 0)) throw new ArgumentError("dataRange", "a positive number", range);
  const m = mse(a, b, opts);
  return m === 0 ? Infinity : 10 * Math.log10((range * range) / m);
}
