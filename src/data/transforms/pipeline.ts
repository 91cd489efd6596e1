/**
 * Transform pipelines in the original's config form (spec dataset-generation.md §2.2):
 *
 *   transforms:
 *     crop_random: {keys: [gt_key, lq_key], h: 256, w: 256}
 *     gaussian_noise: {keys: [lq_key], max_sigma: 0.02}
 *     normalize: {mean: 0.5, std: 0.5}        # keys from common_transforms_keys
 *
 * Each entry transforms the images named by `keys` (or writes to `keys_new`); `gt_key`/`lq_key` in
 * those lists are replaced by the dataset's column names; a `--suffix` on the name lets one transform
 * appear twice. Random transforms draw from the Rng given per call: the readers derive it from
 * (seed, epoch, sample index), so draws are fresh every epoch, or frozen (epoch ignored) on request.
 */
import { parseOptions } from "../../config/registry";
import { ConfigError } from "../../util/errors";
import type { ImageHWC } from "../../array";
import { transforms } from "./catalogue";
import type { TransformCall } from "./op";

/** A step on a record of named images (mutated in place). */
export interface TransformStep {
  readonly name: string;
  run(images: Record<string, ImageHWC>, call: TransformCall): Promise<void>;
}

export interface PipelineOptions {
  gtKey: string;
  lqKey: string;
  commonKeys?: string[];
  /** config file and key path of the `transforms` mapping, for error messages */
  file?: string;
  keyPath?: string;
}

function resolveKeys(list: unknown, opts: PipelineOptions, at: string): string[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every((k) => typeof k === "string"))
    throw new ConfigError(opts.file ?? "<transforms>", at, "a list of column names (gt_key, lq_key or names)", list);
  return list.map((k) => (k === "gt_key" ? opts.gtKey : k === "lq_key" ? opts.lqKey : k));
}

export class TransformPipeline {
  constructor(readonly steps: TransformStep[]) {}

  /** Builds a pipeline from the ordered `transforms:` mapping of a config. */
  static fromConfig(spec: Record<string, unknown> | null | undefined, opts: PipelineOptions): TransformPipeline {
    const steps: TransformStep[] = [];
    const base = opts.keyPath ?? "transforms";
    for (const [rawName, rawOptions] of Object.entries(spec ?? {})) {
      const at = `${base}.${rawName}`;
      const name = rawName.split("--")[0] as string;
      const where = { file: opts.file ?? "<transforms>", keyPath: at };
      const entry = transforms.get(name, where, rawName);
      const options = { ...((rawOptions as Record<string, unknown>) ?? {}) };
      let keys = resolveKeys(options.keys, opts, `${at}.keys`);
      if (keys.length === 0) keys = opts.commonKeys ?? [opts.gtKey, opts.lqKey];
      const keysNew = resolveKeys(options.keys_new, opts, `${at}.keys_new`);
      if (keysNew.length > 0 && keysNew.length !== keys.length)
        throw new ConfigError(opts.file ?? "<transforms>", `${at}.keys_new`, `a list as long as keys (${keys.length})`, options.keys_new);
      delete options.keys;
      delete options.keys_new;
      const op = entry.create(parseOptions(entry, options, where), where);
      steps.push({
        name: rawName,
        async run(images, call) {
          const shared = op.begin?.(images[keys[0] as string], call);
          for (let i = 0; i < keys.length; i++) {
            const key = keys[i] as string;
            const img = images[key];
            if (!img) continue; // a column this dataset does not have at this stage (e.g. blur before sv_convolution)
            images[keysNew[i] ?? key] = await op.apply(img, call, shared, `${rawName}.${key}`);
          }
        },
      });
    }
    return new TransformPipeline(steps);
  }

  async run(images: Record<string, ImageHWC>, call: TransformCall): Promise<Record<string, ImageHWC>> {
    for (const step of this.steps) await step.run(images, call);
    return images;
  }
}
