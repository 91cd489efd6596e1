/**
 * Checks a training config without training: schema (file/key errors), model_type, the loss string,
 * the network (built once to check its options, then freed), and each dataset's type, options that
 * can be checked without reading data, and transform pipeline. Used by the configs/train test.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { checkDataset } from "../data/readers/registry";
import { modelTypeEntry, modelTypeOptionKeys } from "../models/model-types";
import { createNetwork } from "../models/registry";
import { ConfigError } from "../util/errors";
import { Rng } from "../util/rng";
import { loadTrainConfig } from "./config";
import { parseLoss } from "./losses";

export interface ConfigCheck {
  file: string;
  modelType: string;
  /** Keys neither the schema nor any model type reads (the original's tracker/hub keys, ...). */
  unusedKeys: string[];
  /** network.type and its parameter count (trainable model types). */
  network?: { type: string; parameters: number };
  datasets: Record<string, string>;
}

export function checkTrainConfig(tf: typeof tfTypes, file: string, overrides: readonly string[] = []): ConfigCheck {
  const loaded = loadTrainConfig(file, overrides);
  const c = loaded.value;
  const entry = modelTypeEntry(c.model_type, file);
  parseLoss(c.train.loss, file);
  // Top-level options of the model types (iterations, noise_level, ...) are read from the tree.
  const modelOptions = new Set(modelTypeOptionKeys());
  const unusedKeys = loaded.unknownKeys.filter((k) => !modelOptions.has(k));
  const out: ConfigCheck = { file, modelType: entry.name, unusedKeys, datasets: {} };
  if (entry.trainable) {
    const net = createNetwork(tf, c.network, new Rng(0), file, "network");
    out.network = { type: String(c.network.type), parameters: net.params.count() };
    net.params.dispose();
    if (c.is_train && !c.datasets.train) throw new ConfigError(file, "datasets.train", "a dataset mapping with a 'type' (training needs a training set)", undefined);
  }
  if (!c.datasets.val && !c.is_train) throw new ConfigError(file, "datasets.val", "a dataset mapping with a 'type' (inference runs the validation set)", undefined);
  for (const phase of ["train", "val"] as const) {
    const d = c.datasets[phase];
    if (!d) continue;
    const keyPath = `datasets.${phase}`;
    checkDataset(d, { file, keyPath });
    out.datasets[phase] = d.type as string;
  }
  return out;
}
