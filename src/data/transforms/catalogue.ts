/**
 * The transform catalogue of the original (`utils/dataset_utils.py`, spec §2.3), by config name.
 * Each entry declares its options as a schema; random transforms draw from `call.rng` and record
 * what they drew in `call.meta`. Keys an entry does not read are ignored, as before.
 */
import { Registry, type ConfigWhere } from "../../config/registry";
import { array, number, object, oneOf, optional, satisfies, withDefaultForNull, type InferObject, type ObjectShape, type Schema } from "../../config/schema";
import { ConfigError, InputFileError } from "../../util/errors";
import { linearToSrgb, srgbToLinear } from "../color";
import { addGaussianNoise, addPoissonGaussianNoise } from "../noise";
import { makeImage, type ImageHWC } from "../../array";
import { cropCenter, flip, resizeBicubic, selectChannels, toChannels, window, type PadMode } from "./geometry";
import { rotateNearest, warpPerspective } from "./warp";
import type { TransformEntry, TransformOp } from "./op";

export const transforms = new Registry<TransformEntry<any>>("transform"); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers `name` with the options `fields` (a mapping; other keys are ignored). */
function define<F extends ObjectShape>(name: string, fields: F, create: (o: InferObject<F>, where: ConfigWhere) => TransformOp): void {
  transforms.register(name, { schema: object(fields, { unknown: "report" }), create });
}

const size = () => number({ min: 0, integer: true });
/** A number with a default; null (YAML `~`) also takes it. Numeric strings are read as numbers. */
const numberOr = (fallback: number) => withDefaultForNull(number(), fallback);
const booleanOr = (fallback: boolean) => withDefaultForNull(satisfies<boolean>("true or false", (v) => typeof v === "boolean"), fallback);
/** One number or a list of them (per channel). */
function numbersOr(fallback: number[]): Schema<number[]> {
  const list = array(number());
  const one = number();
  return withDefaultForNull({ expected: `${one.expected} or ${list.expected}`, parse: (v, p, c) => (Array.isArray(v) ? list.parse(v, p, c) : [one.parse(v, p, c)]) }, fallback);
}

function mapValues(img: ImageHWC, f: (v: number, c: number) => number): ImageHWC {
  const out = new Float32Array(img.data.length);
  const C = img.channels;
  for (let i = 0; i < out.length; i++) out[i] = f(img.data[i] as number, i % C);
  return makeImage(img.height, img.width, C, out);
}

/** Images are already float HWC in [0, 1] here: to_tensor is the identity. */
define("to_tensor", {}, () => ({ apply: (img) => img }));
define("identity", {}, () => ({ apply: (img) => img }));

define("select_channels", { channels: satisfies<boolean[]>("a list of true/false", (v) => Array.isArray(v) && v.every((c) => typeof c === "boolean")) }, (o) => ({
  apply: (img) => selectChannels(img, o.channels),
}));

define("grayscale", {}, () => ({ apply: (img) => (img.channels === 1 ? img : toChannels(img, 1)) }));

define("crop", { h: size(), w: size() }, ({ h, w }) => ({ apply: (img) => cropCenter(img, h, w) }));

define("crop_idx", { h1: size(), h2: size(), w1: size(), w2: size() }, ({ h1, h2, w1, w2 }) => ({
  apply: (img, _c, _s, label) => {
    if (h2 > img.height || w2 > img.width || h1 >= h2 || w1 >= w2)
      throw new InputFileError(label, `crop_idx [${h1}:${h2}, ${w1}:${w2}] does not fit an image of ${img.height}x${img.width}`);
    return window(img, { top: h1, left: w1, height: h2 - h1, width: w2 - w1 });
  },
}));

/** One offset drawn from the first image of the call, reused for every key (keeps pairs aligned). */
define("crop_random", { h: size(), w: size() }, ({ h, w }) => ({
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
    return window(img, {
      top: Math.min(top, Math.max(0, img.height - h)),
      left: Math.min(left, Math.max(0, img.width - w)),
      height: Math.min(h, img.height),
      width: Math.min(w, img.width),
    });
  },
}));

define("padding", { h: size(), w: size(), mode: withDefaultForNull(oneOf<PadMode>("reflect", "constant", "edge"), "reflect") }, ({ h, w, mode }) => ({
  apply: (img) => cropCenter(img, h, w, mode),
}));

/** Either `factor` (both sides scaled) or the target `h` and `w`. */
define("resize", { factor: optional(number()), h: optional(size()), w: optional(size()) }, ({ factor, h, w }, where) => {
  if (factor !== undefined) return { apply: (img) => resizeBicubic(img, Math.floor(img.height * factor), Math.floor(img.width * factor)) };
  for (const [key, v] of [["h", h], ["w", w]] as const)
    if (v === undefined) throw new ConfigError(where.file, `${where.keyPath}.${key}`, `${size().expected} (or a factor)`, v, "required");
  return { apply: (img) => resizeBicubic(img, h as number, w as number) };
});

/** Random flips, one decision per call shared by all keys (GT and blur stay aligned). */
define("flip", { horizontal: booleanOr(true), vertical: booleanOr(false), p: numberOr(0.5) }, ({ horizontal, vertical, p }) => ({
  begin(_first, call) {
    const d = { horizontal: horizontal && call.rng.random() < p, vertical: vertical && call.rng.random() < p };
    call.meta.flip = d;
    return d;
  },
  apply(img, _call, shared) {
    const d = shared as { horizontal: boolean; vertical: boolean };
    return d.horizontal || d.vertical ? flip(img, d.horizontal, d.vertical) : img;
  },
}));

/** torchvision rotate: counter-clockwise degrees about the centre, nearest, same size, fill 0. */
define("rotate", { angle: number() }, ({ angle }) => ({ apply: (img) => rotateNearest(img, angle) }));

/** kornia warp_perspective with a fixed 3×3 `M` (e.g. the original's blur-to-GT registration). */
const matrix3 = satisfies<number[][]>("a 3x3 matrix (three lists of three numbers)", (v) => Array.isArray(v) && v.length === 3 && v.every((r) => Array.isArray(r) && r.length === 3 && r.every((x) => typeof x === "number" && Number.isFinite(x))));
define("homography", { M: matrix3 }, ({ M }, where) => {
  const flat = M.flat();
  if (Math.abs(flat[0]! * (flat[4]! * flat[8]! - flat[5]! * flat[7]!) - flat[1]! * (flat[3]! * flat[8]! - flat[5]! * flat[6]!) + flat[2]! * (flat[3]! * flat[7]! - flat[4]! * flat[6]!)) < 1e-15)
    throw new ConfigError(where.file, `${where.keyPath}.M`, "an invertible 3x3 matrix", M);
  return { apply: (img) => warpPerspective(img, flat) };
});

define("rescale", { factor: number() }, ({ factor }) => ({ apply: (img) => mapValues(img, (v) => v * factor) }));

define("normalize", { mean: numbersOr([0.5]), std: numbersOr([0.5]) }, ({ mean, std }, where) => {
  const pick = (list: number[], C: number, c: number, key: string) => {
    if (list.length === 1) return list[0] as number;
    if (list.length === C) return list[c] as number;
    if (C === 1) return list[0] as number;
    throw new ConfigError(where.file, `${where.keyPath}.${key}`, `1 or ${C} values`, list);
  };
  return { apply: (img) => mapValues(img, (v, c) => (v - pick(mean, img.channels, c, "mean")) / pick(std, img.channels, c, "std")) };
});

/** σ = U·max_sigma + sigma_dc drawn per image; x + N(mu, σ²) clamped to [0, 1]. */
define("gaussian_noise", { max_sigma: numberOr(0.02), sigma_dc: numberOr(0.005), mu: numberOr(0) }, ({ max_sigma: maxSigma, sigma_dc: sigmaDc, mu }) => ({
  apply(img, call, _s, label) {
    const sigma = call.rng.uniform() * maxSigma + sigmaDc;
    call.meta[label] = { sigma, mu };
    return addGaussianNoise(img, sigma, call.rng, mu);
  },
}));

/** p = U·peak + peak_dc drawn per image; Poisson(max(x,1e-6)·p)/p clamped to [0, 1]. */
define("poisson_noise", { peak: numberOr(1000), peak_dc: numberOr(50) }, ({ peak, peak_dc: peakDc }) => ({
  apply(img, call, _s, label) {
    const p = call.rng.uniform() * peak + peakDc;
    call.meta[label] = { peak: p };
    return addPoissonGaussianNoise(img, p, 0, call.rng);
  },
}));

define("srgb_to_linear", {}, () => ({ apply: (img) => srgbToLinear(img) }));
define("linear_to_srgb", {}, () => ({ apply: (img) => linearToSrgb(img) }));

/** Spatially varying blur with the dataset's basis (the BlurOperator given to the dataset). */
define("sv_convolution", {}, () => ({
  async apply(img, call, _s, label) {
    if (!call.blur) throw new ConfigError("<transforms>", label, "a dataset with a PSF basis (basis_file) for sv_convolution", undefined);
    if (img.height !== call.blur.height || img.width !== call.blur.width)
      throw new InputFileError(label, `sv_convolution needs images of ${call.blur.height}x${call.blur.width} (the basis size), got ${img.height}x${img.width}: crop first`);
    const input = img.channels === call.blur.channels ? img : toChannels(img, call.blur.channels);
    return call.blur.apply(input);
  },
}));
