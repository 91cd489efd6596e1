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

/**
 * PyTorch's default Conv/Linear init (kaiming_uniform with a = √5): weight and bias both
 * U(−1/√fan_in, 1/√fan_in), for architectures whose wrapper never calls the HF init.
 */
export function torchDefaultInit(fanIn: number): Init {
  return { kind: "uniform", bound: 1 / Math.sqrt(fanIn) };
}

export interface ConvOptions {
  stride?: number;
  /** "same" keeps the size for odd kernels (padding (k-1)/2, as torch padding=k//2); "valid" = padding 0. */
  pad?: "same" | "valid";
  bias?: boolean;
  /** Depthwise (torch groups = channels). */
  depthwise?: boolean;
  init?: Init;
  /** Bias init (default 0, the HF init); PyTorch's default layer init draws it uniformly. */
  biasInit?: Init;
}

export function conv2d(tf: Tf, p: ParamStore, name: string, cin: number, cout: number, k: number, o: ConvOptions = {}): (x: T4) => T4 {
  const stride = o.stride ?? 1;
  const pad = o.pad ?? (k === 1 ? "valid" : "same");
  const init = o.init ?? hfConvInit;
  if (o.depthwise && cin !== cout) throw new Error(`${name}: depthwise conv needs cin == cout`);
  const w = o.depthwise ? p.add(`${name}.weight`, [k, k, cin, 1], init, "dwconv") : p.add(`${name}.weight`, [k, k, cin, cout], init, "conv");
  const b = o.bias === false ? null : p.add(`${name}.bias`, [cout], o.biasInit ?? { kind: "constant", value: 0 }, "vector");
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
      const x2 = tf.reshape(x, [B * H * W, cin]) as tfTypes.Tensor2D;
      return tf.reshape(b ? dense(tf, x2, w2(), b) : tf.matMul(x2, w2()), [B, H, W, cout]) as T4;
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
  return (x) => channelLayerNormOp(tf, x, w, b, eps);
}

/** LayerNorm over the last axis with weight/bias [C] (bias null: Restormer's BiasFree, x / std). */
export function channelLayerNormOp(tf: Tf, x: T4, w: tfTypes.Tensor, b: tfTypes.Tensor | null, eps: number): T4 {
  if (b && tf.getKernel(fusedKernels.layerNorm, tf.getBackend())) return fusedChannelLayerNorm(tf, eps)(x, w, b) as T4;
  const { mean, variance } = tf.moments(x, -1, true);
  const inv = tf.rsqrt(tf.add(variance, eps));
  // BiasFree (Restormer) divides x itself, not x - mean, by the standard deviation.
  const xn = b ? tf.mul(tf.sub(x, mean), inv) : tf.mul(x, inv);
  const y = tf.mul(xn, w);
  return (b ? tf.add(y, b) : y) as T4;
}

/**
 * Kernels the wasm backend registers (src/backend/wasm-kernels/fused.ts); layers use them through
 * tf.customGrad when the active backend has them and fall back to tf ops otherwise (same math).
 */
const fusedKernels = {
  layerNorm: "SvdChannelLayerNorm",
  layerNormGrad: "SvdChannelLayerNormGrad",
  gate: "SvdSimpleGate",
  gateGrad: "SvdSimpleGateGrad",
  // src/backend/native (oneDNN addon): x w + b with the bias in the matmul, and its backward in one call.
  dense: "SvdDense",
  denseBackward: "SvdDenseBackward",
};

type CustomGradFn = Parameters<Tf["customGrad"]>[0];

const layerNormOps = new Map<number, (x: tfTypes.Tensor, w: tfTypes.Tensor, b: tfTypes.Tensor) => tfTypes.Tensor>();

function fusedChannelLayerNorm(tf: Tf, eps: number) {
  let op = layerNormOps.get(eps);
  if (!op) layerNormOps.set(eps, (op = makeFusedChannelLayerNorm(tf, eps)));
  return op;
}

function makeFusedChannelLayerNorm(tf: Tf, eps: number) {
  return tf.customGrad(((x: tfTypes.Tensor, w: tfTypes.Tensor, b: tfTypes.Tensor, save: tfTypes.GradSaveFunc) => {
    save([x, w]);
    const value = tf.engine().runKernel(fusedKernels.layerNorm, { x, weight: w, bias: b }, { eps }) as tfTypes.Tensor;
    const gradFunc = (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) =>
      tf.engine().runKernel(fusedKernels.layerNormGrad, { x: saved[0]!, weight: saved[1]!, dy }, { eps }) as tfTypes.Tensor[];
    return { value, gradFunc };
  }) as unknown as CustomGradFn) as unknown as (x: tfTypes.Tensor, w: tfTypes.Tensor, b: tfTypes.Tensor) => tfTypes.Tensor;
}

let denseOp: ((x: tfTypes.Tensor, w: tfTypes.Tensor, b: tfTypes.Tensor) => tfTypes.Tensor) | null = null;

/** x [M, K] w [K, N] + b [N]: one fused kernel (and one for its gradients) where the backend has them. */
export function dense(tf: Tf, x: tfTypes.Tensor2D, w: tfTypes.Tensor2D, b: tfTypes.Tensor): tfTypes.Tensor2D {
  if (tf.getKernel(fusedKernels.dense, tf.getBackend())) return fusedDense(tf)(x, w, b);
  return tf.add(tf.matMul(x, w), b) as tfTypes.Tensor2D;
}

function fusedDense(tf: Tf): (x: tfTypes.Tensor2D, w: tfTypes.Tensor2D, b: tfTypes.Tensor) => tfTypes.Tensor2D {
  denseOp ??= tf.customGrad(((x: tfTypes.Tensor, w: tfTypes.Tensor, b: tfTypes.Tensor, save: tfTypes.GradSaveFunc) => {
    save([x, w]);
    const value = tf.engine().runKernel(fusedKernels.dense, { x, w, bias: b }) as tfTypes.Tensor;
    const gradFunc = (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => tf.engine().runKernel(fusedKernels.denseBackward, { x: saved[0]!, w: saved[1]!, dy }) as tfTypes.Tensor[];
    return { value, gradFunc };
  }) as unknown as CustomGradFn) as unknown as (x: tfTypes.Tensor, w: tfTypes.Tensor, b: tfTypes.Tensor) => tfTypes.Tensor;
  return denseOp as (x: tfTypes.Tensor2D, w: tfTypes.Tensor2D, b: tfTypes.Tensor) => tfTypes.Tensor2D;
}

let gateOp: ((x: tfTypes.Tensor) => tfTypes.Tensor) | null = null;

/** NAFNet's SimpleGate: split the channels in half and multiply the halves ([..., 2C] -> [..., C]). */
export function simpleGate(tf: Tf, x: T4): T4 {
  if (tf.getKernel(fusedKernels.gate, tf.getBackend())) {
    gateOp ??= tf.customGrad(((x: tfTypes.Tensor, save: tfTypes.GradSaveFunc) => {
      save([x]);
      const value = tf.engine().runKernel(fusedKernels.gate, { x }) as tfTypes.Tensor;
      return { value, gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => tf.engine().runKernel(fusedKernels.gateGrad, { x: saved[0]!, dy }) as tfTypes.Tensor };
    }) as unknown as CustomGradFn) as unknown as (x: tfTypes.Tensor) => tfTypes.Tensor;
    return gateOp(x) as T4;
  }
  const [a, b] = tf.split(x, 2, 3);
  return tf.mul(a!, b!);
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

/** torch.nn.Linear(cin, cout) over the last axis: weight stored [cin, cout] (torch [cout, cin]). */
export function linear(tf: Tf, p: ParamStore, name: string, cin: number, cout: number, o: { bias?: boolean; init?: Init } = {}): (x: tfTypes.Tensor2D) => tfTypes.Tensor2D {
  const w = p.add(`${name}.weight`, [cin, cout], o.init ?? hfConvInit, "linear");
  const b = o.bias === false ? null : p.add(`${name}.bias`, [cout], { kind: "constant", value: 0 }, "vector");
  return (x) => {
    const y = tf.matMul(x, w as tfTypes.Tensor2D) as tfTypes.Tensor2D;
    return b ? (tf.add(y, b) as tfTypes.Tensor2D) : y;
  };
}

/**
 * torch.nn.GroupNorm(groups, c, eps) in NHWC: mean and biased variance over (H, W, channels of the
 * group) per sample and group, then a per-channel affine (weight 1, bias 0 init).
 */
export function groupNorm(tf: Tf, p: ParamStore, name: string, groups: number, c: number, eps: number): (x: T4) => T4 {
  if (c % groups !== 0) throw new RangeError(`${name}: ${c} channels are not divisible by ${groups} groups`);
  const w = p.add(`${name}.weight`, [c], { kind: "constant", value: 1 }, "vector");
  const b = p.add(`${name}.bias`, [c], { kind: "constant", value: 0 }, "vector");
  return (x) => {
    const [B, H, W] = x.shape;
    const g = tf.reshape(x, [B, H, W, groups, c / groups]);
    const { mean, variance } = tf.moments(g, [1, 2, 4], true);
    const xn = tf.reshape(tf.mul(tf.sub(g, mean), tf.rsqrt(tf.add(variance, eps))), [B, H, W, c]);
    return tf.add(tf.mul(xn, w), b) as T4;
  };
}

/** GELU with erf (torch.nn.GELU / F.gelu's default, not the tanh approximation). */
export function gelu<T extends tfTypes.Tensor>(tf: Tf, x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))) as T;
}

/** SiLU (swish): x·sigmoid(x). */
export function silu<T extends tfTypes.Tensor>(tf: Tf, x: T): T {
  return tf.mul(x, tf.sigmoid(x)) as T;
}

/**
 * Nearest-neighbour ×2 upsampling (torch F.interpolate(scale_factor=2, mode="nearest")): each axis
 * doubled by concatenating a rank-4 view with itself (tfjs has no rank-6 tile gradient).
 */
export function upsampleNearest2x(tf: Tf, x: T4): T4 {
  const [B, H, W, C] = x.shape;
  const cols = tf.reshape(x, [B * H, W, 1, C]);
  const wide = tf.reshape(tf.concat([cols, cols], 2), [B, H, 1, 2 * W * C]);
  return tf.reshape(tf.concat([wide, wide], 2), [B, 2 * H, 2 * W, C]) as T4;
}
