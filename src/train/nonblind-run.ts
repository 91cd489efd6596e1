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
import * as path from "node:path";
import { createDataset } from "../data/readers/registry";
import type { PairSample } from "../data/types";
import { writeImage } from "../io/image";
import { createNonBlindModel } from "../models/model-types";
import type { ImageHWC, NumericArray } from "../array";
import { gaussianPsf } from "../models/nonblind/deconvolve";
import { writeFileAtomic } from "../util/atomic";
import { ConfigError } from "../util/errors";
import { createProgress } from "../util/progress";
import type { TrainConfig } from "./config";
import { psnrMse } from "./fidelity";

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
  const [lo, hi] = cfg.data_range as [number, number];
  const metricNames = Object.keys(cfg.val.metrics);
  for (const name of metricNames) if (name !== "psnr" && name !== "mse") throw new ConfigError(file, `val.metrics.${name}`, "psnr or mse", name);
  const fallbackSigma = typeof tree.psf_sigma === "number" ? tree.psf_sigma : undefined;
  const sums: Record<string, number> = {};
  const rows: string[] = [];
  const progress = createProgress(cfg.model_type, ds.length, "images");
  fs.mkdirSync(experimentsRoot, { recursive: true });
  for (let i = 0; i < ds.length; i++) {
    const s = await ds.get(i, 0);
    // The deconvolvers work in [0, 1] (RL needs non-negative data).
    const toUnit = (a: Float32Array) => a.map((x) => (x - lo) / (hi - lo));
    const blur = { ...s.blur, data: toUnit(s.blur.data) };
    const out = model.restore(blur, samplePsf(s, fallbackSigma, file));
    const outData = out.data.map((x) => lo + x * (hi - lo));
    const { height: H, width: W, channels: C } = s.gt;
    const row = [String(i)];
    for (const name of metricNames) {
      const crop = ((cfg.val.metrics[name] as { crop?: number | null } | null)?.crop ?? 0) || 0;
      const r = psnrMse({ ...s.gt, data: outData }, s.gt, { crop, peak: hi - lo });
      const v = name === "psnr" ? r.psnr : r.mse;
      sums[name] = (sums[name] ?? 0) + v;
      row.push(v.toPrecision(6));
    }
    rows.push(row.join(","));
    if (cfg.val.save_images) {
      const id = String(i).padStart(4, "0");
      const dir = path.join(experimentsRoot, "images");
      await writeImage(path.join(dir, `out_${id}_0000k.png`), { data: out.data, height: H, width: W, channels: C });
      await writeImage(path.join(dir, `gt_${id}_0000k.png`), { ...s.gt, data: toUnit(s.gt.data) });
      await writeImage(path.join(dir, `lq_${id}_0000k.png`), blur);
    }
    progress.tick(1);
  }
  progress.done();
  const mean: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) mean[k] = v / Math.max(1, ds.length);
  writeFileAtomic(path.join(experimentsRoot, "metrics.csv"), ["index," + metricNames.join(","), ...rows, "mean," + metricNames.map((m) => mean[m]!.toPrecision(6)).join(",")].join("\n") + "\n");
  return mean;
}
