/**
 * `SyntheticBlur`: pairs generated on the fly, so training runs end to end with no files. The sharp
 * image is a random composition (smooth gradient background, filled rectangles and ellipses,
 * sinusoidal texture); the degraded one is that image convolved with a normalised Gaussian PSF
 * (reflect borders) plus Gaussian noise. Sample i depends only on (seed, i), so runs reproduce and a
 * resumed run sees the same data.
 *
 * Options: size (number of samples, 256), h, w (64), channels (3), sigma ([0.8, 2.5] px: a range
 * drawn per sample, or one number), noise_std (0.0), seed (0), gt_key (gt), lq_key (blur).
 */
import { registerDataset, type DatasetContext } from "../data/readers/registry";
import type { PairDataset } from "../data/readers/dataset";
import type { PairSample } from "../data/types";
import type { ImageHWC } from "../array";
import { ConfigError } from "../util/errors";
import { Rng } from "../util/rng";

export interface SyntheticBlurOptions {
  size: number;
  h: number;
  w: number;
  channels: number;
  sigma: [number, number];
  noiseStd: number;
  seed: number | string;
  gtKey: string;
  lqKey: string;
}

/** A normalised 1D Gaussian of radius ceil(3 sigma). */
export function gaussianKernel1d(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

function reflect(i: number, n: number): number {
  // scipy 'reflect' (half-sample symmetric): -1 -> 0, n -> n-1
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

/** Separable convolution of an HWC image with a symmetric 1D kernel along rows and columns. */
export function blurSeparable(img: ImageHWC, k: Float32Array): ImageHWC {
  const { height: H, width: W, channels: C } = img;
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(img.data.length);
  const out = new Float32Array(img.data.length);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r]! * img.data[(y * W + reflect(x + j, W)) * C + c]!;
        tmp[(y * W + x) * C + c] = s;
      }
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r]! * tmp[(reflect(y + j, H) * W + x) * C + c]!;
        out[(y * W + x) * C + c] = s;
      }
  return { ...img, data: out };
}

/** A random sharp scene in [0, 1]. */
export function randomScene(rng: Rng, H: number, W: number, C: number): ImageHWC {
  const data = new Float32Array(H * W * C);
  const base = Array.from({ length: C }, () => rng.uniform(0.1, 0.9));
  const grad = Array.from({ length: C }, () => [rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)] as const);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) data[(y * W + x) * C + c] = base[c]! + grad[c]![0] * (y / H - 0.5) + grad[c]![1] * (x / W - 0.5);
  const shapes = rng.int(3, 9);
  for (let s = 0; s < shapes; s++) {
    const color = Array.from({ length: C }, () => rng.uniform(0, 1));
    const cy = rng.uniform(0, H), cx = rng.uniform(0, W);
    const ry = rng.uniform(2, H / 3), rx = rng.uniform(2, W / 3);
    const ellipse = rng.random() < 0.5;
    const textured = rng.random() < 0.4;
    const f = rng.uniform(0.2, 1.2), ang = rng.uniform(0, Math.PI);
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(H, Math.ceil(cy + ry)); y++)
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(W, Math.ceil(cx + rx)); x++) {
        const dy = (y - cy) / ry, dx = (x - cx) / rx;
        if (ellipse && dy * dy + dx * dx > 1) continue;
        const tex = textured ? 0.25 * Math.sin(f * (x * Math.cos(ang) + y * Math.sin(ang))) : 0;
        for (let c = 0; c < C; c++) data[(y * W + x) * C + c] = color[c]! + tex;
      }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, data[i]!));
  return { data, height: H, width: W, channels: C };
}

export class SyntheticBlurDataset implements PairDataset {
  readonly type = "SyntheticBlur";
  readonly gtKey: string;
  readonly lqKey: string;
  readonly length: number;
  constructor(readonly options: SyntheticBlurOptions) {
    this.gtKey = options.gtKey;
    this.lqKey = options.lqKey;
    this.length = options.size;
  }
  async get(index: number): Promise<PairSample> {
    return this.sample(index);
  }
  sample(index: number): PairSample {
    const o = this.options;
    const rng = new Rng(`${o.seed}/synthetic/${index}`);
    const gt = randomScene(rng, o.h, o.w, o.channels);
    const sigma = rng.uniform(o.sigma[0], o.sigma[1]);
    const blur = blurSeparable(gt, gaussianKernel1d(sigma));
    if (o.noiseStd > 0) for (let i = 0; i < blur.data.length; i++) blur.data[i] = blur.data[i]! + rng.normal(0, o.noiseStd);
    return { index, gt, blur, meta: { sigma, noise_std: o.noiseStd } };
  }
}

function num(o: Record<string, unknown>, key: string, dflt: number, ctx: DatasetContext, integer = false): number {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
    throw new ConfigError(ctx.file ?? "<dataset>", `${ctx.keyPath ? ctx.keyPath + "." : ""}${key}`, integer ? "a non-negative integer" : "a non-negative number", v);
  return v;
}

export function syntheticFromOptions(o: Record<string, unknown>, ctx: DatasetContext = {}): SyntheticBlurDataset {
  const where = (k: string) => `${ctx.keyPath ? ctx.keyPath + "." : ""}${k}`;
  const known = ["type", "size", "h", "w", "channels", "sigma", "noise_std", "seed", "gt_key", "lq_key", "use_shuffle", "num_worker_per_gpu"];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new ConfigError(ctx.file ?? "<dataset>", where(k), `a SyntheticBlur option (${known.join(", ")})`, o[k]);
  let sigma: [number, number] = [0.8, 2.5];
  const s = o.sigma;
  if (typeof s === "number" && s > 0) sigma = [s, s];
  else if (Array.isArray(s) && s.length === 2 && s.every((x) => typeof x === "number" && x > 0) && s[0] <= s[1]) sigma = [s[0], s[1]];
  else if (s !== undefined) throw new ConfigError(ctx.file ?? "<dataset>", where("sigma"), "a positive number or a range [lo, hi] in pixels", s);
  return new SyntheticBlurDataset({
    size: num(o, "size", 256, ctx, true),
    h: num(o, "h", 64, ctx, true),
    w: num(o, "w", 64, ctx, true),
    channels: num(o, "channels", 3, ctx, true),
    sigma,
    noiseStd: num(o, "noise_std", 0, ctx),
    seed: (o.seed as number | string | undefined) ?? 0,
    gtKey: (o.gt_key as string | undefined) ?? "gt",
    lqKey: (o.lq_key as string | undefined) ?? "blur",
  });
}

registerDataset(["SyntheticBlur"], async (o, ctx) => syntheticFromOptions(o, ctx));
