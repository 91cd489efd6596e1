/**
 * Between datasets and tensors: stacking samples into NHWC batches, and splitting an NHWC array back
 * into HWC images (for metrics and PNGs), so no caller does batch index arithmetic by hand.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { PairDataset } from "../data/readers/dataset";
import type { ImageHWC } from "../array";

/** A batch of pairs, NHWC: `lq` the degraded inputs, `gt` the targets. */
export interface PairBatch {
  lq: tfTypes.Tensor4D;
  gt: tfTypes.Tensor4D;
}

/** Stacks samples `indices` (drawn for `epoch`) of a dataset into NHWC tensors; all must share one size. */
export async function loadBatch(tf: typeof tfTypes, ds: PairDataset, indices: number[], epoch: number): Promise<PairBatch> {
  const samples = await Promise.all(indices.map((i) => ds.get(i, epoch)));
  const { height: H, width: W, channels: C } = samples[0]!.gt;
  const Cin = samples[0]!.blur.channels;
  const lq = new Float32Array(indices.length * H * W * Cin), gt = new Float32Array(indices.length * H * W * C);
  samples.forEach((s, k) => {
    if (s.gt.height !== H || s.gt.width !== W || s.blur.height !== H || s.blur.width !== W)
      throw new Error(`dataset ${ds.type}: samples of one batch differ in size (${H}x${W} vs ${s.gt.height}x${s.gt.width}); crop them to one size`);
    gt.set(s.gt.data, k * H * W * C);
    lq.set(s.blur.data, k * H * W * Cin);
  });
  return { lq: tf.tensor4d(lq, [indices.length, H, W, Cin]), gt: tf.tensor4d(gt, [indices.length, H, W, C]) };
}

/** The HWC images of an NHWC array (views into `data`, no copies). */
export function splitBatch(data: Float32Array, shape: readonly [number, number, number, number]): ImageHWC[] {
  const [B, H, W, C] = shape;
  const size = H * W * C;
  if (data.length !== B * size) throw new Error(`batch data has ${data.length} values, shape (${B}, ${H}, ${W}, ${C}) needs ${B * size}`);
  return Array.from({ length: B }, (_, b) => ({ data: data.subarray(b * size, (b + 1) * size), height: H, width: W, channels: C }));
}
