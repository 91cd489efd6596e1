/**
 * Validation (spec §6): the network restores validation images (whole, or in overlapping patches
 * with val.patched), and each restoration is scored with the configured val.metrics (psnr, mse;
 * `crop` pixels trimmed per side) against its target. Writing PNGs and CSVs is validation-output.ts.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { PairDataset } from "../data/readers/dataset";
import type { ImageHWC } from "../array";
import type { Network } from "../models/network";
import { ConfigError } from "../util/errors";
import { loadBatch, splitBatch } from "./batch";
import type { TrainConfig } from "./config";
import { psnrMse } from "./fidelity";
import { patchedInference } from "./patched";

type ValConfig = TrainConfig["val"];

/** The metrics val.metrics may name. */
const METRICS = ["psnr", "mse"] as const;

/** One restored validation image with its input and target, HWC in data_range units. */
export interface RestoredImage {
  index: number;
  out: ImageHWC;
  gt: ImageHWC;
  lq: ImageHWC;
}

/**
 * Restores validation images 0..n-1 in batches of val.batch_size and yields them one by one. The
 * arrays are valid until the next image is requested (their tensors are freed batch by batch).
 */
export async function* restoreValidationSet(tf: typeof tfTypes, network: Network, ds: PairDataset, n: number, v: ValConfig): AsyncGenerator<RestoredImage> {
  for (let i = 0; i < n; i += v.batch_size) {
    const indices = Array.from({ length: Math.min(v.batch_size, n - i) }, (_, k) => i + k);
    const { lq, gt } = await loadBatch(tf, ds, indices, 0);
    const out = v.patched
      ? patchedInference(tf, (x) => network.apply(x), lq, {
          patchH: v.patch_size_h,
          patchW: v.patch_size_w,
          overlap: Math.round(v.patch_overlap * Math.min(v.patch_size_h, v.patch_size_w)),
          maxMinibatch: v.max_minibatch,
        })
      : tf.tidy(() => network.apply(lq));
    try {
      const outs = splitBatch(out.dataSync() as Float32Array, out.shape);
      const gts = splitBatch(gt.dataSync() as Float32Array, gt.shape);
      const lqs = splitBatch(lq.dataSync() as Float32Array, lq.shape);
      for (const [b, index] of indices.entries()) yield { index, out: outs[b]!, gt: gts[b]!, lq: lqs[b]! };
    } finally {
      tf.dispose([lq, gt, out]);
    }
  }
}

/**
 * Per-image values of val.metrics and their means: the rows of metrics.csv. `peak` is the width of
 * data_range (the PSNR peak). Unknown metric names fail naming the config key.
 */
export class ValidationMetrics {
  readonly names: string[];
  private readonly crops: number[];
  private readonly sums: number[];
  private readonly rowsOut: string[] = [];
  private count = 0;

  constructor(metrics: ValConfig["metrics"], private readonly peak: number, file: string) {
    this.names = Object.keys(metrics);
    for (const name of this.names) if (!(METRICS as readonly string[]).includes(name)) throw new ConfigError(file, `val.metrics.${name}`, "psnr or mse", name);
    this.crops = this.names.map((name) => ((metrics[name] as { crop?: number | null } | null)?.crop ?? 0) || 0);
    this.sums = this.names.map(() => 0);
  }

  /** Scores one restoration against its target (both HWC, same shape). */
  add(index: number, out: ImageHWC, gt: ImageHWC): void {
    const row = [String(index)];
    this.names.forEach((name, m) => {
      const r = psnrMse(out, gt, { crop: this.crops[m]!, peak: this.peak });
      const value = name === "psnr" ? r.psnr : r.mse;
      this.sums[m]! += value;
      row.push(value.toPrecision(6));
    });
    this.rowsOut.push(row.join(","));
    this.count += 1;
  }

  /** Mean of each metric over the images added ({} before any). */
  mean(): Record<string, number> {
    if (this.count === 0) return {};
    return Object.fromEntries(this.names.map((name, m) => [name, this.sums[m]! / this.count]));
  }

  /** metrics.csv: a header `index,<metrics>`, one row per image, then `mean,...`. */
  csv(): string {
    const mean = this.mean();
    return ["index," + this.names.join(","), ...this.rowsOut, "mean," + this.names.map((m) => mean[m]!.toPrecision(6)).join(",")].join("\n") + "\n";
  }
}
