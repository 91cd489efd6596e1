/**
 * Building blocks shared by the architectures, NHWC throughout. Each factory registers its
 * parameters in a ParamStore under PyTorch names and returns the forward function.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { ParamStore, type Init } from "./params";

type T4 = tfTypes.Tensor4D;
export type Tf = typeof tfTypes;

/** Hugging Face PreTrainedModel._init_weights: conv weights N(0, 0.02^2), zero bias (spec §2). */
export const hfConvInit: Init = { kind: "normal", std: 0.02 };

export interface ConvOptions {
  stride?: number;
  /** "same" keeps the size for odd kernels (padding (k-1)/2, as torch padding=k//2); "valid" = padding 0. */
  pad?: "same" | "valid";
  bias?: boolean;
  /** Depthwise (torch groups = channels). */
  depthwise?: boolean;
  init?: Init;
}

export function conv2d(tf: Tf, p: ParamStore, name: string, cin: number, cout: number, k: number, o: ConvOptions = {}): (x: T4) => T4 {
  const stride = o.stride ?? 1;
  const pad = o.pad ?? (k === 1 ? "valid" : "same");
  const init = o.init ?? hfConvInit;
  if (o.depthwise && cin !== cout) throw new Error(`${name}: depthwise conv needs cin == cout`);
  const w = o.depthwise ? p.add(`${name}.weight`, [k, k, cin, 1], init, "dwconv") : p.add(`${name}.weight`, [k, k, cin, cout], init, "conv");
  const b = o.bias === false ? null : p.add(`${name}.bias`, [cout], { kind: "constant", value: 0 }, "vector");
  if (o.depthwise) {
    return (x) => {
      const y = tf.depthwiseConv2d(x, w as tfTypes.Tensor4D, stride, pad);
      return b ? tf.add(y, b) : y;
    };
  }
  if (k === 1 && stride === 1) {
    // 1x1 conv as one GEMM over pixels: cheaper than the conv kernel and its gradient in wasm.
    const w2 = () => tf.reshape(w, [cin, cout]) as tfTypes.Tensor2D;
    return (x) => {
      const [B, H, W] = x.shape;
      const y = tf.matMul(tf.reshape(x, [B * H * W, cin]) as tfTypes.Tensor2D, w2());
      return tf.reshape(b ? tf.add(y, b) : y, [B, H, W, cout]) as T4;
    };
  }
  return (x) => {
    const y = tf.conv2d(x, w as tfTypes.Tensor4D, stride, pad);
    return b ? tf.add(y, b) : y;
  };
}

/** LayerNorm over channels at every pixel (NAFNet's LayerNorm2d, Restormer's WithBias/BiasFree). */
export function channelLayerNorm(tf: Tf, p: ParamStore, name: string, c: number, eps: number, withBias = true, weightTorchShape?: number[]): (x: T4) => T4 {
  const w = p.add(`${name}.weight`, [c], { kind: "constant", value: 1 }, "vector", weightTorchShape);
  const b = withBias ? p.add(`${name}.bias`, [c], { kind: "constant", value: 0 }, "vector", weightTorchShape) : null;
  return (x) => {
    const { mean, variance } = tf.moments(x, -1, true);
    const inv = tf.rsqrt(tf.add(variance, eps));
    // BiasFree (Restormer) divides x itself, not x - mean, by the standard deviation.
    const xn = withBias ? tf.mul(tf.sub(x, mean), inv) : tf.mul(x, inv);
    const y = tf.mul(xn, w);
    return (b ? tf.add(y, b) : y) as T4;
  };
}

/** torch.nn.PixelShuffle(r) in NHWC: channel index c*r*r + i*r + j -> pixel (h*r+i, w*r+j), channel c. */
export function pixelShuffle(tf: Tf, x: T4, r: number): T4 {
  const [B, H, W, C] = x.shape;
  const c = C / (r * r);
  const t = tf.transpose(tf.reshape(x, [B, H, W, c, r, r]), [0, 1, 4, 2, 5, 3]);
  return tf.reshape(t, [B, H * r, W * r, c]) as T4;
}

/** torch.nn.PixelUnshuffle(r) in NHWC: the inverse of pixelShuffle. */
export function pixelUnshuffle(tf: Tf, x: T4, r: number): T4 {
  const [B, H, W, C] = x.shape;
  const t = tf.transpose(tf.reshape(x, [B, H / r, r, W / r, r, C]), [0, 1, 3, 5, 2, 4]);
  return tf.reshape(t, [B, H / r, W / r, C * r * r]) as T4;
}
