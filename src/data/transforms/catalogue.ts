/**
 * The transform catalogue of the original (`utils/dataset_utils.py`, spec §2.3), by config name.
 * Random transforms draw from `call.rng` and record what they drew in `call.meta`.
 */
import { ConfigError, InputFileError } from "../../util/errors";
import { linearToSrgb, srgbToLinear } from "../color";
import { addGaussianNoise, addPoissonGaussianNoise } from "../noise";
import { makeImage, type ImageHWC } from "../../array";
import { cropCenter, flip, resizeBicubic, selectChannels, toChannels, window, type PadMode } from "./geometry";
import type { TransformCall } from "./pipeline";

export interface TransformOp {
  /** Draws what is shared by all keys of one call (random crop offset, flip decision). */
  begin?(first: ImageHWC | undefined, call: TransformCall): unknown;
  apply(img: ImageHWC, call: TransformCall, shared: unknown, label: string): Promise<ImageHWC> | ImageHWC;
}

export type TransformFactory = (options: Record<string, unknown>, where: { file: string; keyPath: string }) => TransformOp;

type Where = { file: string; keyPath: string };

function num(o: Record<string, unknown>, key: string, where: Where, fallback?: number): number {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(where.file, `${where.keyPath}.${key}`, "a number", v, "required");
  }
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new ConfigError(where.file, `${where.keyPath}.${key}`, "a number", v);
  return n;
}

function int(o: Record<string, unknown>, key: string, where: Where, fallback?: number): number {
  const n = num(o, key, where, fallback);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(where.file, `${where.keyPath}.${key}`, "a non-negative integer", o[key]);
  return n;
}

function numList(o: Record<string, unknown>, key: string, where: Where, fallback: number[]): number[] {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  const list = Array.isArray(v) ? v : [v];
  return list.map((x, i) => {
    const n = typeof x === "string" ? Number(x) : x;
    if (typeof n !== "number" || !Number.isFinite(n)) throw new ConfigError(where.file, `${where.keyPath}.${key}[${i}]`, "a number", x);
    return n;
  });
}

function bool(o: Record<string, unknown>, key: string, where: Where, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean") throw new ConfigError(where.file, `${where.keyPath}.${key}`, "true or false", v);
  return v;
}

function mapValues(img: ImageHWC, f: (v: number, c: number) => number): ImageHWC {
  const out = new Float32Array(img.data.length);
  const C = img.channels;
  for (let i = 0; i < out.length; i++) out[i] = f(img.data[i] as number, i % C);
  return makeImage(img.height, img.width, C, out);
}

const identity: TransformFactory = () => ({ apply: (img) => img });

export const transformCatalogue: Record<string, TransformFactory> = {
  /** Images are already float HWC in [0, 1] here: to_tensor is the identity. */
  to_tensor: identity,
  identity,

  select_channels: (o, where) => {
    const ch = o.channels;
    if (!Array.isArray(ch) || !ch.every((c) => typeof c === "boolean")) throw new ConfigError(where.file, `${where.keyPath}.channels`, "a list of true/false", ch);
    return { apply: (img) => selectChannels(img, ch as boolean[]) };
  },

  grayscale: () => ({ apply: (img) => (img.channels === 1 ? img : toChannels(img, 1)) }),

  crop: (o, where) => {
    const h = int(o, "h", where);
    const w = int(o, "w", where);
    return { apply: (img) => cropCenter(img, h, w) };
  },

  crop_idx: (o, where) => {
    const [h1, h2, w1, w2] = ["h1", "h2", "w1", "w2"].map((k) => int(o, k, where)) as [number, number, number, number];
    return {
      apply: (img, _c, _s, label) => {
        if (h2 > img.height || w2 > img.width || h1 >= h2 || w1 >= w2)
          throw new InputFileError(label, `crop_idx [${h1}:${h2}, ${w1}:${w2}] does not fit an image of ${img.height}x${img.width}`);
        return window(img, h1, w1, h2 - h1, w2 - w1);
      },
    };
  },

  /** One offset drawn from the first image of the call, reused for every key (keeps pairs aligned). */
  crop_random: (o, where) => {
    const h = int(o, "h", where);
    const w = int(o, "w", where);
    return {
      begin(first, call) {
        if (!first) return { top: 0, left: 0 };
        const top = first.height > h ? call.rng.int(0, first.height - h + 1) : 0;
        const left = first.width > w ? call.rng.int(0, first.width - w + 1) : 0;
        call.meta.crop_random = { top, left, h, w };
        return { top, left };
      },
      apply(img, _call, shared) {
        if (img.height <= h && img.width <= w) return img;
        const { top, left } = shared as { top: number; left: number };
        return window(img, Math.min(top, Math.max(0, img.height - h)), Math.min(left, Math.max(0, img.width - w)), Math.min(h, img.height), Math.min(w, img.width));
      },
    };
  },

  padding: (o, where) => {
    const h = int(o, "h", where);
    const w = int(o, "w", where);
    const mode = (o.mode ?? "reflect") as PadMode;
    if (!["reflect", "constant", "edge"].includes(mode)) throw new ConfigError(where.file, `${where.keyPath}.mode`, "reflect, constant or edge", o.mode);
    return { apply: (img) => cropCenter(img, h, w, mode) };
  },

  resize: (o, where) => {
    const factor = o.factor !== undefined ? num(o, "factor", where) : undefined;
    const h = factor === undefined ? int(o, "h", where) : 0;
    const w = factor === undefined ? int(o, "w", where) : 0;
    return {
      apply: (img) =>
        factor !== undefined ? resizeBicubic(img, Math.floor(img.height * factor), Math.floor(img.width * factor)) : resizeBicubic(img, h, w),
    };
  },

  /** Random flips, one decision per call shared by all keys (GT and blur stay aligned). */
  flip: (o, where) => {
    const horizontal = bool(o, "horizontal", where, true);
    const vertical = bool(o, "vertical", where, false);
    const p = num(o, "p", where, 0.5);
    return {
      begin(_first, call) {
        const d = { horizontal: horizontal && call.rng.random() < p, vertical: vertical && call.rng.random() < p };
        call.meta.flip = d;
        return d;
      },
      apply(img, _call, shared) {
        const d = shared as { horizontal: boolean; vertical: boolean };
        return d.horizontal || d.vertical ? flip(img, d.horizontal, d.vertical) : img;
      },
    };
  },

  rescale: (o, where) => {
    const factor = num(o, "factor", where);
    return { apply: (img) => mapValues(img, (v) => v * factor) };
  },

  normalize: (o, where) => {
    const mean = numList(o, "mean", where, [0.5]);
    const std = numList(o, "std", where, [0.5]);
    const pick = (list: number[], C: number, c: number, key: string) => {
      if (list.length === 1) return list[0] as number;
      if (list.length === C) return list[c] as number;
      if (C === 1) return list[0] as number;
      throw new ConfigError(where.file, `${where.keyPath}.${key}`, `1 or ${C} values`, list);
    };
    return { apply: (img) => mapValues(img, (v, c) => (v - pick(mean, img.channels, c, "mean")) / pick(std, img.channels, c, "std")) };
  },

  /** σ = U·max_sigma + sigma_dc drawn per image; x + N(mu, σ²) clamped to [0, 1]. */
  gaussian_noise: (o, where) => {
    const maxSigma = num(o, "max_sigma", where, 0.02);
    const sigmaDc = num(o, "sigma_dc", where, 0.005);
    const mu = num(o, "mu", where, 0);
    return {
      apply(img, call, _s, label) {
        const sigma = call.rng.uniform() * maxSigma + sigmaDc;
        call.meta[label] = { sigma, mu };
        return addGaussianNoise(img, sigma, call.rng, mu);
      },
    };
  },

  /** p = U·peak + peak_dc drawn per image; Poisson(max(x,1e-6)·p)/p clamped to [0, 1]. */
  poisson_noise: (o, where) => {
    const peak = num(o, "peak", where, 1000);
    const peakDc = num(o, "peak_dc", where, 50);
    return {
      apply(img, call, _s, label) {
        const p = call.rng.uniform() * peak + peakDc;
        call.meta[label] = { peak: p };
        return addPoissonGaussianNoise(img, p, 0, call.rng);
      },
    };
  },

  srgb_to_linear: () => ({ apply: (img) => srgbToLinear(img) }),
  linear_to_srgb: () => ({ apply: (img) => linearToSrgb(img) }),

  /** Spatially varying blur with the dataset's basis (the BlurOperator given to the dataset). */
  sv_convolution: () => ({
    async apply(img, call, _s, label) {
      if (!call.blur) throw new ConfigError("<transforms>", label, "a dataset with a PSF basis (basis_file) for sv_convolution", undefined);
      if (img.height !== call.blur.height || img.width !== call.blur.width)
        throw new InputFileError(label, `sv_convolution needs images of ${call.blur.height}x${call.blur.width} (the basis size), got ${img.height}x${img.width}: crop first`);
      const input = img.channels === call.blur.channels ? img : toChannels(img, call.blur.channels);
      return call.blur.apply(input);
    },
  }),
};
