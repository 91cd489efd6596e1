/**
 * Differentiable renderer in tfjs: gradients flow to the image, the basis kernels and the
 * coefficient maps. Planar tensors, like the typed-array engines:
 *   image [C, H, W], basisPsfs [C, m, k, k], coef [C, m, H, W]  ->  [C, Ho, Wo]
 * Per channel the scatter form is one multi-channel convolution (the m weighted images are the
 * input channels, summed by the convolution), the gather form one convolution with m output
 * channels weighted by the maps. The wasm backend has no FFT and no Conv2DBackpropFilter, so the
 * convolution is tf.conv2d with a custom gradient built from kernels every backend has
 * (Conv2D and Conv2DBackpropInput): the filter gradient is itself a convolution of the input with dy.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { ArgumentError } from "../util/errors";
import { resolveOptions, type RenderOptions } from "./types";

type TF = typeof tfTypes;
type T4 = tfTypes.Tensor4D;

/** 'valid' correlation x [1, Hp, Wp, Ci] with f [k, k, Ci, Co] -> [1, Ho, Wo, Co], differentiable on every backend. */
export function correlateValid(tf: TF, x: T4, f: T4): T4 {
  const op = tf.customGrad((...args: unknown[]) => {
    const [xi, fi, save] = args as [T4, T4, (ts: tfTypes.Tensor[]) => void];
    save([xi, fi]);
    return {
      value: tf.conv2d(xi, fi, 1, "valid"),
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => {
        const [xs, fs] = saved as [T4, T4];
        const dy4 = dy as T4;
        const dx = tf.conv2dTranspose(dy4, fs, xs.shape as [number, number, number, number], 1, "valid");
        // dF[a, b, ci, co] = sum_{p,q} x[p + a, q + b, ci] dy[p, q, co]: a correlation of x (channels as batch) with dy as the filter.
        const xt = tf.transpose(xs, [3, 1, 2, 0]) as T4;
        const dyf = tf.transpose(dy4, [1, 2, 0, 3]) as T4;
        const df = tf.transpose(tf.conv2d(xt, dyf, 1, "valid"), [1, 2, 0, 3]);
        return [dx, df];
      },
    };
  });
  return op(x, f) as T4;
}

/** Pads [1, H, W, C] by (top, bottom, left, right) with zeros or by wrapping around. */
function pad2(tf: TF, x: T4, top: number, bottom: number, left: number, right: number, mode: "zero" | "circular"): T4 {
  if (mode === "zero") return tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const [, H, W] = x.shape;
  const rows: T4[] = [];
  if (top) rows.push(tf.slice(x, [0, H - top, 0, 0], [-1, top, -1, -1]));
  rows.push(x);
  if (bottom) rows.push(tf.slice(x, [0, 0, 0, 0], [-1, bottom, -1, -1]));
  const xr = rows.length > 1 ? tf.concat(rows, 1) : x;
  const cols: T4[] = [];
  if (left) cols.push(tf.slice(xr, [0, 0, W - left, 0], [-1, -1, left, -1]));
  cols.push(xr);
  if (right) cols.push(tf.slice(xr, [0, 0, 0, 0], [-1, -1, right, -1]));
  return cols.length > 1 ? tf.concat(cols, 2) : xr;
}

/** Repeats edge rows/columns of [1, H, W, C] by p on every side (gather maps outside the image in "full" output). */
function edgePad(tf: TF, x: T4, p: number): T4 {
  if (p === 0) return x;
  const [, H, W] = x.shape;
  const top = tf.tile(tf.slice(x, [0, 0, 0, 0], [-1, 1, -1, -1]), [1, p, 1, 1]);
  const bottom = tf.tile(tf.slice(x, [0, H - 1, 0, 0], [-1, 1, -1, -1]), [1, p, 1, 1]);
  const xr = tf.concat([top, x, bottom], 1);
  const left = tf.tile(tf.slice(xr, [0, 0, 0, 0], [-1, -1, 1, -1]), [1, 1, p, 1]);
  const right = tf.tile(tf.slice(xr, [0, 0, W - 1, 0], [-1, -1, 1, -1]), [1, 1, p, 1]);
  return tf.concat([left, xr, right], 2);
}

/** Differentiable spatially varying blur (see module comment for shapes; options as the FFT engine). */
export function renderTf(tf: TF, image: tfTypes.Tensor3D, basisPsfs: T4, coef: T4, options: RenderOptions = {}): tfTypes.Tensor3D {
  const o = resolveOptions(options);
  const [C, H, W] = image.shape;
  const [Cb, m, k, k2] = basisPsfs.shape;
  if (Cb !== C || k !== k2) throw new ArgumentError("basisPsfs", `shape [${C}, m, k, k]`, `shape [${basisPsfs.shape.join(", ")}]`);
  if (coef.shape[0] !== C || coef.shape[1] !== m || coef.shape[2] !== H || coef.shape[3] !== W)
    throw new ArgumentError("coef", `shape [${C}, ${m}, ${H}, ${W}]`, `shape [${coef.shape.join(", ")}]`);
  if (o.boundary === "circular" && (k > H || k > W)) throw new ArgumentError("basisPsfs", `kernels no larger than the image for circular boundaries`, `k = ${k}`);
  const c0 = Math.floor(k / 2);
  const after = c0;
  const before = k - 1 - c0;
  const full = o.output === "full";
  return tf.tidy(() => {
    // True convolution = correlation with the kernel rotated by 180 degrees.
    const flipped = tf.reverse(basisPsfs, [2, 3]);
    const outs: tfTypes.Tensor3D[] = [];
    for (let c = 0; c < C; c++) {
      const x = tf.slice(image, [c, 0, 0], [1, H, W]).reshape([1, H, W, 1]) as T4;
      const a = tf.transpose(tf.slice(coef, [c, 0, 0, 0], [1, m, H, W]), [0, 2, 3, 1]) as T4; // [1, H, W, m]
      const f = tf.transpose(tf.slice(flipped, [c, 0, 0, 0], [1, m, k, k]).reshape([m, k, k]), [1, 2, 0]); // [k, k, m]
      const [pt, pb] = full ? [k - 1, k - 1] : [before, after];
      let y: T4;
      if (o.form === "scatter") {
        const u = tf.mul(a, x) as T4;
        y = correlateValid(tf, pad2(tf, u, pt, pb, pt, pb, o.boundary), f.reshape([k, k, m, 1]) as T4);
      } else {
        const blurred = correlateValid(tf, pad2(tf, x, pt, pb, pt, pb, o.boundary), f.reshape([k, k, 1, m]) as T4); // [1, Ho, Wo, m]
        const aOut = full ? edgePad(tf, a, c0).slice([0, 0, 0, 0], [1, H + k - 1, W + k - 1, m]) : a;
        y = tf.sum(tf.mul(blurred, aOut), 3, true) as T4;
      }
      outs.push(y.reshape([1, y.shape[1], y.shape[2]]) as tfTypes.Tensor3D);
    }
    return tf.concat(outs, 0) as tfTypes.Tensor3D;
  });
}
