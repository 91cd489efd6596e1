/**
 * Shape analysis for the addon's memory-bound kernels (native/svd_pointwise.cc), which see every
 * tensor as [outer, rows, inner]:
 * - a Sum over one contiguous block of axes reduces `rows` (bias gradients: leading axes; the
 *   NAFNet channel-attention gradient: the H, W axes of [B, H, W, C]);
 * - a per-channel broadcast operand s ([C], [1, 1, 1, C] or [B, 1, 1, C] against [B, H, W, C]) is
 *   [outer, 1, inner], repeated over `rows`.
 * null means the kernel does not apply and the previous (wasm) kernel runs.
 */

export type Block = [outer: number, rows: number, inner: number];

const prod = (s: number[]) => s.reduce((p, d) => p * d, 1);

/** Innermost extent below which the threaded row loop does not pay (and the wasm kernel is fine). */
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

/**
 * [outer, rows, inner] when `s` broadcasts onto `x` as a per-channel operand: after left-padding s
 * with 1s, its leading axes equal x's, then come axes of 1 (rows > 1 of them in x), then its trailing
 * axes equal x's. x must be the broadcast result (s never larger).
 */
export function channelBroadcast(xShape: number[], sShape: number[]): Block | null {
  const r = xShape.length;
  if (sShape.length > r) return null;
  const s = [...Array(r - sShape.length).fill(1), ...sShape] as number[];
  let j = r; // s equals x on [j, r)
  while (j > 0 && s[j - 1] === xShape[j - 1] && s[j - 1] !== 1) j--;
  let i = j; // s is 1 on [i, j)
  while (i > 0 && s[i - 1] === 1) i--;
  if (!s.slice(0, i).every((d, k) => d === xShape[k])) return null;
  const block: Block = [prod(xShape.slice(0, i)), prod(xShape.slice(i, j)), prod(xShape.slice(j))];
  return block[1] > 1 && block[2] >= MIN_INNER ? block : null;
}
