/**
 * Conv2D gradients for the wasm backend, built from kernels wasm runs fast (XNNPACK Conv2D and
 * plain BatchMatMul). NHWC input x [B,H,W,Ci], filter [kh,kw,Ci,Co], dy [B,Ho,Wo,Co].
 *
 * Fast paths (all NAFNet/Restormer convs hit one of them):
 * - 1x1, stride 1: one GEMM.
 * - stride == kernel size, no padding (2x2/stride-2 down convs): one GEMM over non-overlapping patches.
 * - stride 1 (any kernel, any padding): backprop-input is a Conv2D with the filter rotated 180
 *   degrees and in/out channels swapped.
 * Backprop-filter in general is a Conv2D over transposed tensors: x -> [Ci,H,W,B] as the "image",
 * dy -> [Ho,Wo,B,Co] as the "filter", the original stride becoming the dilation.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { Ops, TensorInfo } from "./ops";

type Pad = "valid" | "same" | number | number[][];

export interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function pair(v: number | [number, number] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  return typeof v === "number" ? [v, v] : v;
}

/** tfjs Conv2DInfo for the wasm gradients, which support NHWC and dilation 1 only (others throw). */
export function nhwcConv2DInfo(tf: typeof tfTypes, xShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean) {
  if (a.dataFormat && a.dataFormat !== "NHWC") throw new Error(`wasm conv gradient: dataFormat ${a.dataFormat} is not supported (NHWC only)`);
  const dil = pair(a.dilations, 1);
  if (dil[0] !== 1 || dil[1] !== 1) throw new Error("wasm conv gradient: dilations other than 1 are not supported");
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad as "valid",
    a.dimRoundingMode,
    depthwise,
  );
  return info;
}

/**
 * dy [B,Ho,Wo,·] padded for the stride-1 input gradient, which is a "valid" stride-1 correlation of
 * this with the 180-degree-rotated filter: kh-1 rows for the full correlation, less the forward
 * pass's own top padding, and what makes the result H rows tall below (likewise in x). Shared by
 * the Conv2D and depthwise gradients.
 */
export function padForInputGradient(ops: Ops, dy: TensorInfo, info: tfTypes.backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, padInfo: p } = info;
  return ops.padOrCrop(dy, [
    [0, 0],
    [kh - 1 - p.top, H - Ho + p.top],
    [kw - 1 - p.left, W - Wo + p.left],
    [0, 0],
  ]);
}

/** True when the kernel tiles the input exactly: kernel == stride, no padding. */
function isPatchConv(info: tfTypes.backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return (
    info.filterHeight === info.strideHeight &&
    info.filterWidth === info.strideWidth &&
    p.top === 0 && p.left === 0 && p.bottom === 0 && p.right === 0
  );
}

/** dx [B,H,W,Ci] from dy and the filter. `stock` is wasm's own kernel, used for the rare remaining cases. */
export function conv2dBackpropInput(
  tf: typeof tfTypes,
  ops: Ops,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: number[],
  a: ConvAttrs,
  stock: () => TensorInfo,
): TensorInfo {
  const info = nhwcConv2DInfo(tf, inputShape, filter.shape, a, false);
  const [B, H, W, Ci] = inputShape as [number, number, number, number];
  const [kh, kw, , Co] = filter.shape as [number, number, number, number];
  const Ho = info.outHeight, Wo = info.outWidth;
  const sh = info.strideHeight, sw = info.strideWidth;

  if (kh === 1 && kw === 1 && sh === 1 && sw === 1) {
    const wT = ops.transpose(ops.reshape(filter, [1, Ci, Co]), [0, 2, 1]); // [1,Co,Ci]
    const dx = ops.matmul(ops.reshape(dy, [1, B * H * W, Co]), wT);
    return ops.reshape(dx, [B, H, W, Ci]);
  }
  if (isPatchConv(info)) {
    // Each output pixel spreads dy . W^T over its own kh x kw patch; patches do not overlap.
    const wT = ops.transpose(ops.reshape(filter, [1, kh * kw * Ci, Co]), [0, 2, 1]); // [1,Co,kh*kw*Ci]
    const cols = ops.matmul(ops.reshape(dy, [1, B * Ho * Wo, Co]), wT); // [1,B*Ho*Wo,(kh,kw,Ci)]
    const blocks = ops.transpose(ops.reshape(cols, [B, Ho, Wo, kh, kw, Ci]), [0, 1, 3, 2, 4, 5]);
    const dxCore = ops.reshape(blocks, [B, Ho * kh, Wo * kw, Ci]);
    // Rows/columns the forward conv never read get zero gradient.
    return ops.padOrCrop(dxCore, [[0, 0], [0, H - Ho * kh], [0, W - Wo * kw], [0, 0]]);
  }
  if (sh === 1 && sw === 1) {
    const rot = ops.run("Reverse", { x: filter }, { dims: [0, 1] });
    const wSwap = ops.transpose(rot, [0, 1, 3, 2]); // [kh,kw,Co,Ci]
    return ops.run("Conv2D", { x: padForInputGradient(ops, dy, info), filter: wSwap }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [1, 1] });
  }
  return stock();
}

/** dW [kh,kw,Ci,Co] from x and dy. */
export function conv2dBackpropFilter(tf: typeof tfTypes, ops: Ops, x: TensorInfo, dy: TensorInfo, filterShape: number[], a: ConvAttrs): TensorInfo {
  const info = nhwcConv2DInfo(tf, x.shape, filterShape, a, false);
  const [B, H, W, Ci] = x.shape as [number, number, number, number];
  const [kh, kw, , Co] = filterShape as [number, number, number, number];
  const Ho = info.outHeight, Wo = info.outWidth;
  const sh = info.strideHeight, sw = info.strideWidth;

  if (kh === 1 && kw === 1 && sh === 1 && sw === 1) {
    const xT = ops.transpose(ops.reshape(x, [1, B * H * W, Ci]), [0, 2, 1]); // [1,Ci,N]
    const dw = ops.matmul(xT, ops.reshape(dy, [1, B * H * W, Co]));
    return ops.reshape(dw, [1, 1, Ci, Co]);
  }
  if (isPatchConv(info)) {
    const xCore = ops.padOrCrop(x, [[0, 0], [0, Ho * kh - H], [0, Wo * kw - W], [0, 0]]);
    const xT = ops.transpose(ops.reshape(xCore, [B, Ho, kh, Wo, kw, Ci]), [2, 4, 5, 0, 1, 3]); // [kh,kw,Ci,B,Ho,Wo]
    const dw = ops.matmul(ops.reshape(xT, [1, kh * kw * Ci, B * Ho * Wo]), ops.reshape(dy, [1, B * Ho * Wo, Co]));
    return ops.reshape(dw, [kh, kw, Ci, Co]);
  }
  // General: dW[i,j,c,o] = sum_{b,y,x} xpad[b, y*sh+i, x*sw+j, c] dy[b,y,x,o], a dilated "valid" conv
  // of xpad (batch = Ci, channels = B) with dy (filter [Ho,Wo,B,Co]).
  const p = info.padInfo;
  const needH = (Ho - 1) * sh + kh, needW = (Wo - 1) * sw + kw;
  const xPad = ops.padOrCrop(x, [[0, 0], [p.top, needH - H - p.top], [p.left, needW - W - p.left], [0, 0]]);
  const xT = ops.transpose(xPad, [3, 1, 2, 0]); // [Ci,needH,needW,B]
  const dyT = ops.transpose(dy, [1, 2, 0, 3]); // [Ho,Wo,B,Co]
  const out = ops.run("Conv2D", { x: xT, filter: dyT }, { strides: [1, 1], pad: "valid", dataFormat: "NHWC", dilations: [sh, sw] }); // [Ci,kh,kw,Co]
  return ops.transpose(out, [1, 2, 0, 3]);
}
