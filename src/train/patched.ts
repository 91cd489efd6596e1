/**
 * Patched inference for images too large for one forward pass (spec §5), with overlap blending.
 * Patches of (patchH, patchW) at stride patch − overlap; the last patch of each axis is placed
 * flush with the image end, so every pixel, last row and column included, is covered (the
 * original's patchify/merge leaves the last row/column at zero).
 *
 * Blending weights per axis: 1 inside the patch; on a side that lies inside the image, 0 for the
 * first `margin` pixels (where the patch's own zero padding corrupts the output) and then a linear
 * ramp up to 1 over the rest of the overlap; a side on the image border keeps weight 1 (the whole
 * image has the same border there). Outputs are Σ wᵢ·yᵢ / Σ wᵢ. For a fully convolutional network
 * whose receptive-field radius is at most `margin`, this equals whole-image inference.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { ArgumentError } from "../util/errors";

type T4 = tfTypes.Tensor4D;

export interface PatchOptions {
  patchH: number;
  patchW?: number;
  /** Overlap between neighbouring patches in pixels (default 20% of the patch, the original's patch_overlap 0.2). */
  overlap?: number;
  /** Pixels discarded next to inner patch edges (default overlap / 4, at least 1 when overlap >= 3). */
  margin?: number;
  /** Patches per forward pass (the original's max_minibatch, default 8). */
  maxMinibatch?: number;
}

/** Start offsets along one axis: multiples of the stride, the last one flush with the end. */
export function patchStarts(size: number, patch: number, stride: number): number[] {
  if (patch >= size) return [0];
  const out: number[] = [];
  for (let s = 0; s + patch < size; s += stride) out.push(s);
  out.push(size - patch);
  return [...new Set(out)];
}

/** The 1D blending window of one patch (see the module comment). */
export function blendWindow(patch: number, innerStart: boolean, innerEnd: boolean, overlap: number, margin: number): Float32Array {
  const w = new Float32Array(patch).fill(1);
  const ramp = Math.max(1, overlap - 2 * margin);
  for (let i = 0; i < patch; i++) {
    let v = 1;
    if (innerStart) v = Math.min(v, i < margin ? 0 : Math.min(1, (i - margin + 1) / (ramp + 1)));
    const j = patch - 1 - i;
    if (innerEnd) v = Math.min(v, j < margin ? 0 : Math.min(1, (j - margin + 1) / (ramp + 1)));
    w[i] = v;
  }
  return w;
}

/** Resolves the options against an image size (patch sizes clipped to the image). */
export function resolvePatchOptions(H: number, W: number, o: PatchOptions): Required<PatchOptions> {
  const patchH = Math.min(H, o.patchH), patchW = Math.min(W, o.patchW ?? o.patchH);
  const overlap = o.overlap ?? Math.round(0.2 * Math.min(o.patchH, o.patchW ?? o.patchH));
  const margin = o.margin ?? Math.floor(overlap / 4);
  if (!Number.isInteger(o.patchH) || o.patchH < 1) throw new ArgumentError("patchH", "a positive integer", o.patchH);
  if (overlap < 0 || overlap >= Math.min(patchH, patchW)) throw new ArgumentError("overlap", `0 <= overlap < the patch size (${Math.min(patchH, patchW)})`, overlap);
  if (margin < 0 || (overlap > 0 && 2 * margin + 1 > overlap)) throw new ArgumentError("margin", `0 <= margin with 2*margin+1 <= overlap (${overlap})`, margin);
  return { patchH, patchW, overlap, margin, maxMinibatch: o.maxMinibatch ?? 8 };
}

/**
 * Applies `apply` ([n, ph, pw, C] -> [n, ph, pw, C']) patch by patch to x [B, H, W, C] and blends
 * the results into [B, H, W, C'].
 */
export function patchedInference(tf: typeof tfTypes, apply: (x: T4) => T4, x: T4, opts: PatchOptions): T4 {
  const [B, H, W] = x.shape;
  const o = resolvePatchOptions(H, W, opts);
  const ys = patchStarts(H, o.patchH, o.patchH - o.overlap), xs = patchStarts(W, o.patchW, o.patchW - o.overlap);
  const patches: Array<{ b: number; y: number; x: number; wy: Float32Array; wx: Float32Array }> = [];
  for (let b = 0; b < B; b++)
    for (const [iy, y] of ys.entries())
      for (const [ix, x0] of xs.entries())
        patches.push({ b, y, x: x0, wy: blendWindow(o.patchH, iy > 0, iy < ys.length - 1, o.overlap, o.margin), wx: blendWindow(o.patchW, ix > 0, ix < xs.length - 1, o.overlap, o.margin) });
  let acc: Float32Array | null = null;
  let Cout = 0;
  const wsum = new Float32Array(B * H * W);
  for (let start = 0; start < patches.length; start += o.maxMinibatch) {
    const group = patches.slice(start, start + o.maxMinibatch);
    const out = tf.tidy(() => {
      const batch = tf.concat(group.map((p) => tf.slice(x, [p.b, p.y, p.x, 0], [1, o.patchH, o.patchW, -1])), 0) as T4;
      const y = apply(batch);
      if (y.shape[1] !== o.patchH || y.shape[2] !== o.patchW) throw new ArgumentError("apply", `a network keeping the patch size ${o.patchH}x${o.patchW}`, `${y.shape[1]}x${y.shape[2]}`);
      return { data: y.dataSync() as Float32Array, c: y.shape[3] };
    });
    Cout = out.c;
    acc ??= new Float32Array(B * H * W * Cout);
    group.forEach((p, k) => {
      const base = k * o.patchH * o.patchW * Cout;
      for (let i = 0; i < o.patchH; i++)
        for (let j = 0; j < o.patchW; j++) {
          const w = p.wy[i]! * p.wx[j]!;
          if (w === 0) continue;
          const pix = (p.b * H + p.y + i) * W + p.x + j;
          wsum[pix] += w;
          const src = base + (i * o.patchW + j) * Cout;
          for (let c = 0; c < Cout; c++) acc![pix * Cout + c] += w * out.data[src + c]!;
        }
    });
  }
  for (let pix = 0; pix < wsum.length; pix++) for (let c = 0; c < Cout; c++) acc![pix * Cout + c] /= wsum[pix]!;
  return tf.tensor4d(acc!, [B, H, W, Cout]);
}
