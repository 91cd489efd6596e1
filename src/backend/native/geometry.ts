/**
 * Turns tfjs conv attributes into the addon's 18-integer geometry
 * [B, H, W, Ci, Ho, Wo, Co, kh, kw, groups, sh, sw, dh, dw, top, left, bottom, right]
 * (NHWC, dilation 1 = none), using tfjs's own padding rules so 'same'/'valid'/explicit padding and
 * rounding match every other backend.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { ConvAttrs } from "../wasm-kernels/conv2d";

export type { ConvAttrs };

export type ConvGeometry = number[];

/**
 * xShape [B,H,W,Ci]; filterShape [kh,kw,Ci,Co], or [kh,kw,C,M] for depthwise (groups = C).
 * Returns null where the addon does not apply (NCHW, empty tensors).
 */
export function addonConvGeometry(tf: typeof tfTypes, xShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean): { geom: ConvGeometry; outShape: [number, number, number, number] } | null {
  if (a.dataFormat && a.dataFormat !== "NHWC" && a.dataFormat !== "channelsLast") return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad as "valid",
    a.dimRoundingMode,
    depthwise,
  );
  const [B, H, W, Ci] = xShape as [number, number, number, number];
  const p = info.padInfo;
  const geom = [
    B, H, W, Ci,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth,
    depthwise ? Ci : 1,
    info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth,
    p.top, p.left, p.bottom, p.right,
  ];
  if ([B, H, W, Ci, info.outHeight, info.outWidth, info.outChannels].some((d) => d <= 0)) return null;
  return { geom, outShape: [B, info.outHeight, info.outWidth, info.outChannels] };
}
