/**
 * Pixel-wise fidelity metrics: MSE, MAE, PSNR. Averages run over all pixels and channels (as
 * skimage's mean_squared_error / peak_signal_noise_ratio and torchmetrics' PSNR), in float64.
 */
import { ArgumentError } from "../util/errors";
import type { ImageHWC, NumericArray } from "../array";
import { cropBorder, dataRangeOf, rgbToY, sameDims } from "./image-ops";

export interface FidelityOptions {
  /** Distance between the minimum and maximum possible values (1 for [0, 1] floats, 255 for 8-bit). Default: the first image's `peak`, else 1. */
  dataRange?: number;
  /** Pixels removed from every side before measuring (the original script uses 1). Default 0. */
  cropBorder?: number;
  /** "rgb": all channels (default); "y": BT.601 studio-swing luma of an RGB image (see rgbToY). */
  channel?: "rgb" | "y";
}

/** Applies crop and channel selection; returns float64 HWC data of both images. */
export function prepare(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: FidelityOptions): { a: ImageHWC<NumericArray>; b: ImageHWC<NumericArray> } {
  sameDims(a, b);
  const border = opts.cropBorder ?? 0;
  let pa: ImageHWC<NumericArray> = border > 0 ? cropBorder(a, border) : a;
  let pb: ImageHWC<NumericArray> = border > 0 ? cropBorder(b, border) : b;
  const channel = opts.channel ?? "rgb";
  if (channel === "y") {
    const scale = dataRangeOf(opts, a);
    pa = rgbToY(pa, scale);
    pb = rgbToY(pb, scale);
  } else if (channel !== "rgb") {
    throw new ArgumentError("channel", '"rgb" or "y"', channel);
  }
  return { a: pa, b: pb };
}

export function mse(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: FidelityOptions = {}): number {
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

export function mae(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: FidelityOptions = {}): number {
  const p = prepare(a, b, opts);
  const x = p.a.data;
  const y = p.b.data;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs((x[i] as number) - (y[i] as number));
  return s / x.length;
}

/** PSNR in dB = 10 log10(dataRange^2 / MSE); Infinity for identical images. */
export function psnr(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: FidelityOptions = {}): number {
  const range = dataRangeOf(opts, a);
  if (!(range > 0)) throw new ArgumentError("dataRange", "a positive number", range);
  const m = mse(a, b, opts);
  return m === 0 ? Infinity : 10 * Math.log10((range * range) / m);
}
