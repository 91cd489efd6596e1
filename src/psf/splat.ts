/**
 * Scatter (splat) <-> gather (conv) forms of a dense per-pixel kernel field (spec §7).
 *
 * Splat: kernel K_s belongs to the source pixel s, centre c = (h//2, w//2):
 *   y(p) = sum_s x(s) K_s[p - s + c]
 * Gather: kernel G_p belongs to the output pixel p, centre g:
 *   y(p) = sum_{m,n} G_p[m, n] x(p - g + (m, n))
 * Substituting s = p - g + (m, n): G_p[m, n] = K_s[c + g - (m, n)]. With g = ((h-1)//2, (w-1)//2)
 * (the centre of the flipped kernel) c + g = (h-1, w-1), so G_p[m, n] = K_s[h-1-m, w-1-n] and every
 * splat tap has a gather counterpart, for odd and even sizes alike.
 *
 * The original uses the same flip but with g = c (s = p - c + (m, n)); for even sizes (the default
 * k = 128) that puts each tap one pixel off the splat model. `compat: true` reproduces it.
 * Arrays are (C, H, W, h, w) in C order; entries with s outside the image are zero.
 */
import { SvdError } from "../util/errors";
import type { NdArray } from "../array";

export interface SplatOptions {
  /** Divide every G_p by its own sum (the original's default; breaks energy accounting at borders). */
  normalize?: boolean;
  /** Gather centre h//2 as the original (one pixel off the splat model for even sizes). */
  compat?: boolean;
}

function dims(a: NdArray, what: string): [number, number, number, number, number] {
  if (a.shape.length !== 5) throw new SvdError(`${what}: expected shape (C, H, W, h, w), found (${a.shape.join(", ")})`);
  return a.shape as unknown as [number, number, number, number, number];
}

/** Centre of the gather kernel: (h-1)//2 (clean) or h//2 (original). */
export function gatherCentre(size: number, compat = false): number {
  return compat ? Math.floor(size / 2) : Math.floor((size - 1) / 2);
}

/** Splat -> gather. */
export function splatToConv(splat: NdArray, opts: SplatOptions = {}): NdArray {
  const [C, H, W, h, w] = dims(splat, "splatToConv");
  const out = new Float32Array(splat.data.length);
  const gh = gatherCentre(h, opts.compat);
  const gw = gatherCentre(w, opts.compat);
  const hw = h * w;
  for (let c = 0; c < C; c++)
    for (let py = 0; py < H; py++)
      for (let px = 0; px < W; px++) {
        const o = ((c * H + py) * W + px) * hw;
        for (let m = 0; m < h; m++) {
          const sy = py - gh + m;
          if (sy < 0 || sy >= H) continue;
          for (let n = 0; n < w; n++) {
            const sx = px - gw + n;
            if (sx < 0 || sx >= W) continue;
            out[o + m * w + n] = splat.data[((c * H + sy) * W + sx) * hw + (h - 1 - m) * w + (w - 1 - n)] as number;
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
 * Gather -> splat, the inverse of the unnormalised splatToConv: K_s[a, b] = G_p[h-1-a, w-1-b] with
 * p = s + g - (h-1-a, w-1-b). Taps whose target pixel p is outside the image have no gather
 * counterpart and come back as zero.
 */
export function convToSplat(gather: NdArray, opts: { compat?: boolean } = {}): NdArray {
  const [C, H, W, h, w] = dims(gather, "convToSplat");
  const out = new Float32Array(gather.data.length);
  const gh = gatherCentre(h, opts.compat);
  const gw = gatherCentre(w, opts.compat);
  const hw = h * w;
  for (let c = 0; c < C; c++)
    for (let sy = 0; sy < H; sy++)
      for (let sx = 0; sx < W; sx++) {
        const o = ((c * H + sy) * W + sx) * hw;
        for (let a = 0; a < h; a++) {
          const m = h - 1 - a;
          const py = sy + gh - m;
          if (py < 0 || py >= H) continue;
          for (let b = 0; b < w; b++) {
            const n = w - 1 - b;
            const px = sx + gw - n;
            if (px < 0 || px >= W) continue;
            out[o + a * w + b] = gather.data[((c * H + py) * W + px) * hw + m * w + n] as number;
          }
        }
      }
  return { data: out, shape: [C, H, W, h, w] };
}
