/**
 * Inference runs of the non-blind `model_type`s (Wiener_model, RL_model, FISTA_model; spec §10.1):
 * no training, one pass over the whole validation set, each blurred image restored with its own
 * PSF; per-image metrics into `metrics.csv` (index, metrics..., mean row) and, with
 * `val.save_images`, `images/{out,gt,lq}_<idx>_0000k.png` as in the trainer's test mode.
 *
 * The PSF of a sample comes from its `meta`: `meta.psf` ({data, height, width, channels}) when the
 * dataset records one, else a Gaussian from `meta.sigma` (SyntheticBlur), else the config's
 * top-level `psf_sigma` (pixels).
 */
import * as fs from "node:fs";
import { createDataset } from "../data/readers/registry";
import type { PairSample } from "../data/types";
import { createNonBlindModel } from "../models/model-types";
import type { ImageHWC, NumericArray } from "../array";
import { gaussianPsf } from "../models/nonblind/deconvolve";
import { ConfigError } from "../util/errors";
import { createProgress } from "../util/progress";
import type { TrainConfig } from "./config";
import { ValidationMetrics } from "./evaluation";
import { toUnitRange, writeMetricsCsv, writeValidationImages } from "./validation-output";

export function samplePsf(s: PairSample, fallbackSigma: number | undefined, file: string): ImageHWC<NumericArray> {
  const m = s.meta as { psf?: ImageHWC<NumericArray>; sigma?: number };
  if (m.psf && m.psf.data && m.psf.height && m.psf.width) return { ...m.psf, channels: m.psf.channels ?? 1 };
  if (typeof m.sigma === "number" && m.sigma > 0) return gaussianPsf(m.sigma);
  if (fallbackSigma && fallbackSigma > 0) return gaussianPsf(fallbackSigma);
  throw new ConfigError(file, "psf_sigma", "a PSF for the non-blind model: a dataset whose samples record it (meta.psf or meta.sigma, e.g. SyntheticBlur) or psf_sigma in pixels", undefined);
}


export async function runNonBlind(cfg: TrainConfig, tree: Record<string, unknown>, file: string, experimentsRoot: string): Promise<Record<string, number>> {
  const model = createNonBlindModel(cfg.model_type, tree, file);
  if (!cfg.datasets.val) throw new ConfigError(file, "datasets.val", "a dataset mapping with a 'type' (the non-blind models restore the validation set)", undefined);
  const ds = await createDataset(cfg.datasets.val, { file, keyPath: "datasets.val" });
  const range = cfg.data_range as [number, number];
  const metrics = new ValidationMetrics(cfg.val.metrics, range[1] - range[0], file);
  const fallbackSigma = typeof tree.psf_sigma === "number" ? tree.psf_sigma : undefined;
  const progress = createProgress(cfg.model_type, ds.length, "images");
  fs.mkdirSync(experimentsRoot, { recursive: true });
  for (let i = 0; i < ds.length; i++) {
    const s = await ds.get(i, 0);
    // The deconvolvers work in [0, 1] (RL needs non-negative data).
    const blur = toUnitRange(s.blur, range);
    const out = model.restore(blur, samplePsf(s, fallbackSigma, file));
    metrics.add(i, { ...out, data: out.data.map((x) => range[0] + x * (range[1] - range[0])) }, s.gt);
    if (cfg.val.save_images) await writeValidationImages(experimentsRoot, i, 0, { out, gt: toUnitRange(s.gt, range), lq: blur });
    progress.tick(1);
  }
  progress.done();
  writeMetricsCsv(experimentsRoot, metrics);
  return metrics.mean();
}
