/**
 * One generated sample: source image → channels → optional resize → crop to the basis size →
 * optional sRGB→linear → spatially varying blur → noise → optional linear→sRGB → quantize + PNG.
 * Everything random is drawn from Rng(`<seed>/sample:<index>`), so a sample depends only on
 * (config, basis, index): any worker, job or re-run produces the same bytes.
 */
import { InputFileError } from "../../util/errors";
import { Rng } from "../../util/rng";
import type { BlurOperator } from "../blur";
import { encodePng, type BitDepth } from "../../io/image";
import { linearToSrgb, srgbToLinear } from "../color";
import { addGaussianNoise, addPoissonGaussianNoise, simulateQis } from "../noise";
import { FolderSource, SyntheticSource, type ImageSource } from "../sources";
import { cropCenter, resizeBicubic, toChannels, window } from "../transforms/geometry";
import type { ImageHWC } from "../../array";
import type { GenerationConfig } from "./config";
import { splitOf, type Plan } from "./plan";
import type { GeneratedRow } from "../writers/parquet";

export function sampleSeed(config: GenerationConfig, index: number): string {
  return `${config.seed}/sample:${index}`;
}

/** Number of samples the config asks for. */
export function sampleCount(config: GenerationConfig, source: ImageSource): number {
  return config.source.type === "synthetic" ? config.source.count : source.length * config.source.repeat;
}

export function makeSource(config: GenerationConfig, blur: { height: number; width: number }, file = "<config>"): ImageSource {
  const src = config.source;
  if (src.type === "folder") return new FolderSource({ path: src.path, dataPercent: src.data_percent as [number, number] });
  const f = config.sample.resize ?? 1;
  // synthetic scenes are drawn at the size that the resize step brings to the basis size
  return new SyntheticSource(
    { scenes: src.scenes, count: src.count, height: Math.round(blur.height / f), width: Math.round(blur.width / f), channels: config.sample.channels },
    { file, keyPath: "source.scenes" },
  );
}

const draw = (rng: Rng, [a, b]: number[]) => (a === b ? (a as number) : rng.uniform(a as number, b as number));

export interface SampleImages {
  gt: ImageHWC;
  blur: ImageHWC;
  params: Record<string, unknown>;
  source: string;
}

/** The float images of sample `index` (before quantization) and everything drawn for it. */
export async function renderSample(config: GenerationConfig, plan: Plan, source: ImageSource, blurOp: BlurOperator, index: number): Promise<SampleImages> {
  const rng = new Rng(sampleSeed(config, index));
  const loaded = await source.load(index % source.length, rng.fork("source"));
  const what = String(loaded.meta.source ?? `sample ${index}`);
  const params: Record<string, unknown> = { ...loaded.meta };
  let img = toChannels(loaded.image, config.sample.channels);
  if (config.sample.resize !== undefined && config.sample.resize !== 1) {
    img = resizeBicubic(img, Math.floor(img.height * config.sample.resize), Math.floor(img.width * config.sample.resize));
    params.resize = config.sample.resize;
  }
  const H = blurOp.height;
  const W = blurOp.width;
  if (img.height < H || img.width < W) {
    if (config.sample.small_images === "error")
      throw new InputFileError(config.source.type === "folder" ? `${config.source.path}/${what}` : what, `image of ${img.height}x${img.width} is smaller than the crop ${H}x${W} (the basis size); use larger images or sample.small_images: pad`);
    img = cropCenter(img, Math.max(H, img.height), Math.max(W, img.width));
    params.padded = true;
  }
  const cropRng = rng.fork("crop");
  const top = config.sample.crop === "random" ? cropRng.int(0, img.height - H + 1) : Math.floor(img.height / 2) - Math.floor(H / 2);
  const left = config.sample.crop === "random" ? cropRng.int(0, img.width - W + 1) : Math.floor(img.width / 2) - Math.floor(W / 2);
  img = window(img, { top, left, height: H, width: W });
  params.crop = { top, left, h: H, w: W };

  const linear = config.sample.linearize ? srgbToLinear(img) : img;
  const basisInput = linear.channels === blurOp.channels ? linear : toChannels(linear, blurOp.channels);
  let blurred = await blurOp.apply(basisInput);
  if (blurred.channels !== linear.channels) blurred = toChannels(blurred, linear.channels);
  params.blur = blurOp.description;

  const noiseRng = rng.fork("noise");
  const n = config.noise;
  if (n.type === "gaussian") {
    const sigma = draw(noiseRng, n.sigma);
    blurred = addGaussianNoise(blurred, sigma, noiseRng);
    params.noise = { type: "gaussian", sigma };
  } else if (n.type === "poisson_gaussian") {
    const peak = draw(noiseRng, n.peak);
    const readSigma = draw(noiseRng, n.read_sigma);
    blurred = addPoissonGaussianNoise(blurred, peak, readSigma, noiseRng);
    params.noise = { type: "poisson_gaussian", peak, read_sigma: readSigma };
  } else if (n.type === "qis") {
    const q = n.qis;
    const lux = draw(noiseRng, q.lux);
    const gray = toChannels(blurred, 1);
    for (let i = 0; i < gray.data.length; i++) gray.data[i] = Math.min(1, Math.max(0, gray.data[i] as number));
    const sim = simulateQis(gray, { lux, pixelSizeUm: q.pixel_size_um, exposureS: q.exposure_s, qe: q.qe, thetaDark: q.theta_dark, sigmaRead: q.sigma_read, frames: q.frames, bits: q.bits, fullWell: q.full_well }, noiseRng);
    blurred = toChannels(sim.image, linear.channels); // the original repeats the QIS frame to every channel
    params.noise = { type: "qis", lux, ppp: sim.ppp, gain: sim.gain, frames: q.frames, bits: q.bits };
  } else params.noise = { type: "none" };

  // gt stays as the source encoded it (sRGB); a linear-light blur is encoded back to match
  const gtOut = img;
  const blurOut = config.sample.linearize ? linearToSrgb(blurred) : blurred;
  params.linearized = config.sample.linearize;
  params.split = splitOf(plan, index);
  return { gt: gtOut, blur: blurOut, params, source: what };
}

/** Renders and encodes sample `index` as a row of the dataset. */
export async function generateSample(config: GenerationConfig, plan: Plan, source: ImageSource, blurOp: BlurOperator, index: number): Promise<GeneratedRow> {
  const s = await renderSample(config, plan, source, blurOp, index);
  const bits = config.output.bits as BitDepth;
  const [gtPng, blurPng] = await Promise.all([encodePng(s.gt, bits), encodePng(s.blur, bits)]);
  return { index, split: splitOf(plan, index), gtPng, blurPng, source: s.source, seed: sampleSeed(config, index), params: { ...s.params, bits } };
}
