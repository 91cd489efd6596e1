/**
 * Shape analysis for the addon's Sum kernel (native/svd_pointwise.cc), which sees a tensor as
 * [outer, rows, inner] and sums over `rows`: one contiguous block of axes (bias gradients: leading
 * axes; the NAFNet channel-attention gradient: the H, W axes of [B, H, W, C]). null means the kernel
 * does not apply and the previous (wasm) kernel runs.
 */

export type Block = [outer: number, rows: number, inner: number];

const prod = (s: number[]) => s.reduce((p, d) => p * d, 1);

/** Innermost extent below which the row loop does not pay (and the wasm kernel is fine). */
const MIN_INNER = 4;

/** tfjs reduction axes as sorted non-negative indices; null/undefined (tf.sum(x)) is every axis. */
export function normalizeAxes(rank: number, axis: number | number[] | null | undefined): number[] {
  if (axis === null || axis === undefined) return [...Array(rank).keys()];
  return [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** [outer, rows, inner] for summing `axis` of `shape`, when the axes are one contiguous block above the last axes. */
export function reducedBlock(shape: number[], axis: number | number[] | null | undefined): Block | null {
  const r = shape.length;
  const axes = normalizeAxes(r, axis);
  if (!axes.length || axes.some((a, i) => a < 0 || a >= r || (i > 0 && a !== axes[i - 1]! + 1))) return null;
  const lo = axes[0]!, hi = axes[axes.length - 1]! + 1;
  const block: Block = [prod(shape.slice(0, lo)), prod(shape.slice(lo, hi)), prod(shape.slice(hi))];
  return block[2] >= MIN_INNER && block[1] > 1 ? block : null;
}
