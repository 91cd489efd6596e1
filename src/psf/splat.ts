/**
 * Scatter (splat) <-> gather (conv) forms of a dense per-pixel kernel field (spec §7).
 *
 * Splat: the kernel belongs to the source pixel s:   y(p) = sum_s x(s) K_s[p - s + c]
 * Gather: the kernel belongs to the output pixel p:  y(p) = sum_{m,n} G_p[m, n] x(p - c + (m, n))
 * with c = (h//2, w//2). Substituting s = p - c + (m, n) gives G_p[m, n] = K_s[2c - (m, n)], zero
 * when s is outside the image or 2c - (m, n) is outside the kernel.
 *
 * The original writes K_s[h-1-m, w-1-n]; that equals 2c - m for odd sizes only. For even sizes
 * (the default k = 128) it is one pixel off the splat model above; `compat: true` reproduces it.
 * Arrays are (C, H, W, h, w) in C order.
 */
import { SvdError } from "../util/errors";
import type { NdArray } from "../util/ndarray";

export interface SplatOptions {
  /** Divide every G_p by its own sum (the original's default; breaks energy accounting at borders). */
  normalize?: boolean;
  /** Use the original's flip index h-1-m (differs from the splat model for even kernel sizes). */
  compat?: boolean;
}

function dims(a: NdArray, what: string): [number, number, number, number, number] {
  if (a.shape.length !== 5) throw new SvdError(`${what}: expected shape (C, H, W, h, w), found (${a.shape.join(", ")})`);
  return a.shape as unknown as [number, number, number, number, number];
}

/** Splat -> gather. */
export function splatToConv(splat: NdArray, opts: SplatOptions = {}): NdArray {
  const [C, H, W, h, w] = dims(splat, "splatToConv");
  const out = new Float32Array(splat.data.length);
  const ch = Math.floor(h / 2);
  const cw = Math.floor(w / 2);
  // Kernel index of K_s that lands on gather tap m: 2c - m (clean) or h-1-m (original).
  const fh = opts.compat ? h - 1 : 2 * ch;
  const fw = opts.compat ? w - 1 : 2 * cw;
  const hw = h * w;
  for (let c = 0; c < C; c++)
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        const o = ((c * H + py) * W + px) * hw;
        for (let m = 0; m < h; m++) {
          const sy = py - ch + m;
          const a = fh - m;
          if (sy < 0 || sy >= H || a >= h) continue;
          for (let n = 0; n < w; n++) {
            const sx = px - cw + n;
            const b = fw - n;
            if (sx < 0 || sx >= W || b >= w) continue;
            out[o + m * w + n] = splat.data[((c * H + sy) * W + sx) * hw + a * w + b] as number;
          }
        }
        if (opts.normalize) {
          let s = 0;
          for (let q = 0; q < hw; q++) s += out[o + q] as number;
          if (s !== 0) for (let q = 0; q < hw; q++) out[o + q] = (out[o + q] as number) / s;
        }
      }
  return { data: out, shape: [C, H, W, h, w] };
}

/**
 * Gather -> splat, the inverse of the unnormalised splatToConv: K_s[a, b] = G_p[f - a] with
 * p = s + c - (f - a) (f = 2c, or h-1 under compat). Kernel entries whose target pixel lies outside
 * the image (or that no gather tap reaches) have no gather counterpart and come back as zero.
 */
export function convToSplat(gather: NdArray, opts: { compat?: boolean } = {}): NdArray {
  const [C, H, W, h, w] = dims(gather, "convToSplat");
  const out = new Float32Array(gather.data.length);
  const ch = Math.floor(h / 2);
  const cw = Math.floor(w / 2);
  const fh = opts.compat ? h - 1 : 2 * ch;
  const fw = opts.compat ? w - 1 : 2 * cw;
  const hw = h * w;
  for (let c = 0; c < C; c++)
    for (let sy = 0; sy < H; sy++)
      for (let sx = 0; sx < W; sx++) {
        const o = ((c * H + sy) * W + sx) * hw;
        for (let a = 0; a < h; a++) {
          const m = fh - a;
          const py = sy + ch - m;
          if (m < 0 || m >= h || py < 0 || py >= H) continue;
          for (let b = 0; b < w; b++) {
            const n = fw - b;
            const px = sx + cw - n;
            if (n < 0 || n >= w || px < 0 || px >= W) continue;
            out[o + a * w + b] = gather.data[((c * H + py) * W + px) * hw + m * w + n] as number;
          }
        }
      }
  return { data: out, shape: [C, H, W, h, w] };
}
