/**
 * The metrics on tfjs tensors, differentiable, for training losses and validation:
 * inputs are NHWC float32 batches, outputs per-image values of shape [N] (take `.mean()` for a
 * batch value, `1 - ssim` as a loss). Same definitions as the typed-array versions (./pixel,
 * ./ssim, ./msssim): Gaussian window from scipy's radius rule, "valid" filtering (the interior
 * that skimage averages), population (co)variances, MS-SSIM with relu and 2x2 average pooling.
 *
 * Bind to the tf namespace of the active backend: `tensorMetrics(tf)` with the `tf` that
 * `initBackend()` returns, or `await loadTensorMetrics()` which initializes the backend itself.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import { ArgumentError } from "../util/errors";
import { gaussianTaps } from "./ssim";
import { MS_SSIM_WEIGHTS } from "./msssim";

type Tf = typeof tfTypes;
type T4 = tfTypes.Tensor4D;
type T1 = tfTypes.Tensor1D;

export interface TensorMetricOptions {
  /** Default 1. */
  dataRange?: number;
  /** Pixels removed from every side first. Default 0. */
  cropBorder?: number;
  /** "rgb" (all channels, default) or "y" (BT.601 studio-swing luma, see rgbToY). */
  channel?: "rgb" | "y";
}

export interface TensorSsimOptions extends TensorMetricOptions {
  sigma?: number;
  truncate?: number;
  k1?: number;
  k2?: number;
}

export interface TensorMetrics {
  mse(a: T4, b: T4, opts?: TensorMetricOptions): T1;
  mae(a: T4, b: T4, opts?: TensorMetricOptions): T1;
  psnr(a: T4, b: T4, opts?: TensorMetricOptions): T1;
  ssim(a: T4, b: T4, opts?: TensorSsimOptions): T1;
  msssim(a: T4, b: T4, opts?: TensorSsimOptions & { weights?: readonly number[] }): T1;
  /** BT.601 studio-swing Y of an RGB batch (scale = value of full white), [N, H, W, 1]. */
  rgbToY(x: T4, scale?: number): T4;
}

export function tensorMetrics(tf: Tf): TensorMetrics {
  const check = (a: T4, b: T4) => {
    if (a.rank !== 4 || b.rank !== 4) throw new ArgumentError("tensors", "rank-4 NHWC tensors", `ranks ${a.rank} and ${b.rank}`);
    if (a.shape.some((d, i) => d !== b.shape[i])) {
      throw new ArgumentError("tensor shapes", `equal shapes (first is [${a.shape.join(", ")}])`, `[${b.shape.join(", ")}]`);
    }
  };

  const rgbToY = (x: T4, scale = 1): T4 =>
    tf.tidy(() => {
      if (x.shape[3] !== 3) throw new ArgumentError("tensor channels", "3 (RGB) for the Y channel", x.shape[3]);
      const w = tf.tensor4d([65.481 / 255, 128.553 / 255, 24.966 / 255], [1, 1, 3, 1]);
      return tf.add(tf.conv2d(x, w, 1, "valid"), (16 / 255) * scale) as T4;
    });

  const prep = (a: T4, b: T4, opts: TensorMetricOptions): [T4, T4] => {
    check(a, b);
    const crop = opts.cropBorder ?? 0;
    const [, h, w] = a.shape;
    if (!Number.isInteger(crop) || crop < 0 || 2 * crop >= Math.min(h, w)) {
      throw new ArgumentError("cropBorder", `a non-negative integer below half the size (${h}x${w})`, crop);
    }
    let x = crop > 0 ? (tf.slice(a, [0, crop, crop, 0], [-1, h - 2 * crop, w - 2 * crop, -1]) as T4) : a;
    let y = crop > 0 ? (tf.slice(b, [0, crop, crop, 0], [-1, h - 2 * crop, w - 2 * crop, -1]) as T4) : b;
    if ((opts.channel ?? "rgb") === "y") {
      x = rgbToY(x, opts.dataRange ?? 1);
      y = rgbToY(y, opts.dataRange ?? 1);
    }
    return [x, y];
  };

  const mse = (a: T4, b: T4, opts: TensorMetricOptions = {}): T1 =>
    tf.tidy(() => {
      const [x, y] = prep(a, b, opts);
      return tf.mean(tf.squaredDifference(x, y), [1, 2, 3]) as T1;
    });

  const mae = (a: T4, b: T4, opts: TensorMetricOptions = {}): T1 =>
    tf.tidy(() => {
      const [x, y] = prep(a, b, opts);
      return tf.mean(tf.abs(tf.sub(x, y)), [1, 2, 3]) as T1;
    });

  const psnr = (a: T4, b: T4, opts: TensorMetricOptions = {}): T1 =>
    tf.tidy(() => {
      const range = opts.dataRange ?? 1;
      // 10 log10(R^2 / mse); identical images give +Infinity as in the typed-array version.
      const m = mse(a, b, opts);
      return tf.mul(10 / Math.LN10, tf.sub(Math.log(range * range), tf.log(m))) as T1;
    });

  /** Per-image mean SSIM map and cs map over the valid interior. */
  const ssimParts = (x: T4, y: T4, taps: Float64Array, c1: number, c2: number): { ssim: T1; cs: T1 } =>
    tf.tidy(() => {
      const c = x.shape[3];
      const win = taps.length;
      if (x.shape[1] < win || x.shape[2] < win) {
        throw new ArgumentError("image size", `at least the ${win}x${win} SSIM window`, `${x.shape[1]}x${x.shape[2]}`);
      }
      // The five moments stacked on the channel axis: [x, y, x^2, y^2, xy], each C channels.
      const stack = tf.concat([x, y, tf.mul(x, x), tf.mul(y, y), tf.mul(x, y)], 3) as T4;
      const k = Array.from(taps);
      const kc: number[] = [];
      for (const t of k) for (let i = 0; i < 5 * c; i++) kc.push(t);
      const kv = tf.tensor4d(kc, [win, 1, 5 * c, 1]);
      const kh = tf.tensor4d(kc, [1, win, 5 * c, 1]);
      const f = tf.depthwiseConv2d(tf.depthwiseConv2d(stack, kv, 1, "valid"), kh, 1, "valid");
      const [mx, my, exx, eyy, exy] = tf.split(f, 5, 3) as T4[];
      const mx2 = tf.mul(mx!, mx!);
      const my2 = tf.mul(my!, my!);
      const mxy = tf.mul(mx!, my!);
      const a2 = tf.add(tf.mul(2, tf.sub(exy!, mxy)), c2);
      const b2 = tf.add(tf.add(tf.sub(exx!, mx2), tf.sub(eyy!, my2)), c2);
      const cs = tf.div(a2, b2);
      const lum = tf.div(tf.add(tf.mul(2, mxy), c1), tf.add(tf.add(mx2, my2), c1));
      return { ssim: tf.mean(tf.mul(lum, cs), [1, 2, 3]) as T1, cs: tf.mean(cs, [1, 2, 3]) as T1 };
    });

  const consts = (opts: TensorSsimOptions) => {
    const range = opts.dataRange ?? 1;
    return {
      taps: gaussianTaps(opts.sigma ?? 1.5, opts.truncate ?? 3.5),
      c1: ((opts.k1 ?? 0.01) * range) ** 2,
      c2: ((opts.k2 ?? 0.03) * range) ** 2,
    };
  };

  const ssim = (a: T4, b: T4, opts: TensorSsimOptions = {}): T1 =>
    tf.tidy(() => {
      const { taps, c1, c2 } = consts(opts);
      const [x, y] = prep(a, b, opts);
      return ssimParts(x, y, taps, c1, c2).ssim;
    });

  const msssim = (a: T4, b: T4, opts: TensorSsimOptions & { weights?: readonly number[] } = {}): T1 =>
    tf.tidy(() => {
      const weights = opts.weights ?? MS_SSIM_WEIGHTS;
      const { taps, c1, c2 } = consts(opts);
      let [x, y] = prep(a, b, opts);
      const minSide = taps.length * 2 ** (weights.length - 1);
      if (Math.min(x.shape[1], x.shape[2]) < minSide) {
        throw new ArgumentError("image size", `both sides >= ${minSide} for ${weights.length}-scale MS-SSIM`, `${x.shape[1]}x${x.shape[2]}`);
      }
      let out: tfTypes.Tensor = tf.onesLike(tf.slice(tf.reshape(x, [x.shape[0], -1]), [0, 0], [-1, 1])).reshape([-1]);
      for (let s = 0; s < weights.length; s++) {
        const parts = ssimParts(x, y, taps, c1, c2);
        const v = s === weights.length - 1 ? parts.ssim : parts.cs;
        out = tf.mul(out, tf.pow(tf.relu(v), weights[s]!));
        if (s < weights.length - 1) {
          x = tf.avgPool(x, 2, 2, "valid") as T4;
          y = tf.avgPool(y, 2, 2, "valid") as T4;
        }
      }
      return out as T1;
    });

  return { mse, mae, psnr, ssim, msssim, rgbToY };
}

/** Initializes the backend (initBackend) and binds the tensor metrics to it. */
export async function loadTensorMetrics(): Promise<TensorMetrics> {
  const { tf } = await initBackend();
  return tensorMetrics(tf);
}
