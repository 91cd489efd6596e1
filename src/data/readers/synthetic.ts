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
import { anything, object, satisfies, string, withDefault, withDefaultForNull, type Infer } from "../../config/schema";
import { separableFilter } from "../../util/separable-filter";
import { Rng } from "../../util/rng";
import type { PairSample } from "../types";
import type { ImageHWC } from "../../array";
import type { PairDataset } from "./dataset";

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

/**
 * A normalised 1D Gaussian of radius ceil(3 sigma), float32 taps. Not metrics/ssim's gaussianTaps
 * (scipy's radius rule, float64): this rule defines the dataset's seeded pixels, so it stays.
 */
export function gaussianKernel1d(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/**
 * Separable convolution of an HWC image with a symmetric 1D kernel along rows and columns (symmetric
 * borders). The row pass is stored in float32: that is what defines this dataset's seeded pixels.
 */
export function blurSeparable(img: ImageHWC, k: Float32Array): ImageHWC {
  return separableFilter(img, k, "float32");
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

// Options as the config writes them; a null value (YAML `~`) takes the default.
const count = (fallback: number) => withDefaultForNull(satisfies<number>("a non-negative integer", (v) => Number.isInteger(v) && (v as number) >= 0), fallback);
const positive = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
const sigmaRange = satisfies<number | [number, number]>(
  "a positive number or a range [lo, hi] in pixels",
  (v) => positive(v) || (Array.isArray(v) && v.length === 2 && v.every(positive) && v[0] <= v[1]),
);

export const syntheticBlurSchema = object({
  type: anything(),
  size: count(256),
  h: count(64),
  w: count(64),
  channels: count(3),
  sigma: withDefault(sigmaRange, [0.8, 2.5]),
  noise_std: withDefaultForNull(satisfies<number>("a non-negative number", (v) => typeof v === "number" && Number.isFinite(v) && v >= 0), 0),
  seed: withDefaultForNull(satisfies<number | string>("a number or a string", (v) => typeof v === "number" || typeof v === "string"), 0),
  gt_key: withDefaultForNull(string(), "gt"),
  lq_key: withDefaultForNull(string(), "blur"),
  // The original's loader keys; the synthetic set has no workers and is indexed in the trainer's order.
  use_shuffle: anything(),
  num_worker_per_gpu: anything(),
});

export function syntheticFromOptions(o: Infer<typeof syntheticBlurSchema>): SyntheticBlurDataset {
  return new SyntheticBlurDataset({
    size: o.size,
    h: o.h,
    w: o.w,
    channels: o.channels,
    sigma: typeof o.sigma === "number" ? [o.sigma, o.sigma] : o.sigma,
    noiseStd: o.noise_std,
    seed: o.seed,
    gtKey: o.gt_key,
    lqKey: o.lq_key,
  });
}
