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
import { getPath } from "../config/load";
import { validate, type Schema } from "../config/schema";
import { loadTrainConfig, screenTrainConfigFile, trainConfigSchema } from "./config";
import { parseLoss } from "./losses";
import { findingLine, unsupportedFrom, type ConfigFinding } from "./original-keys";

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

export interface OriginalConfigCheck {
  file: string;
  /** True when nothing unsupported was found: the config trains (or evaluates) here. */
  ok: boolean;
  findings: ConfigFinding[];
  /** One line per finding (findingLine), unsupported first. */
  lines: string[];
  modelType?: string;
  network?: { type: string; parameters: number };
  datasets: Record<string, string>;
}

/** Runs `check`, turning a ConfigError into an unsupported finding; other errors propagate. */
function collect(findings: ConfigFinding[], check: () => void): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    findings.push(unsupportedFrom(err));
    return false;
  }
}

/**
 * `svd train -opt <yml> --check`: checks a training config, the original's own included, and lists
 * every finding instead of stopping at the first: the original's cluster keys (ignored, with the
 * reason), each unsupported key (top-level blocks, model type, loss, network, each dataset's options
 * and each of its transforms separately), keys nothing reads (unused) and notes (Hub datasets).
 */
export function checkOriginalConfig(tf: typeof tfTypes, file: string, overrides: readonly string[] = []): OriginalConfigCheck {
  const out: OriginalConfigCheck = { file, ok: false, findings: [], lines: [], datasets: {} };
  const f = out.findings;
  let screened: ReturnType<typeof screenTrainConfigFile> | undefined;
  collect(f, () => (screened = screenTrainConfigFile(file, overrides)));
  if (screened) {
    const s = screened;
    f.push(...s.findings);
    const fatal = new Set(s.findings.filter((x) => x.kind === "unsupported").map((x) => x.keyPath));
    // Each top-level block on its own, so one bad block does not hide the others.
    const unknown: string[] = [];
    const tree = s.screened;
    for (const [key, schema] of Object.entries(trainConfigSchema.fields)) {
      if (fatal.has(key)) continue;
      collect(f, () => {
        if (tree[key] === undefined) return;
        const r = validate(schema as Schema<unknown>, tree[key], file);
        unknown.push(...r.unknownKeys.map((k) => (k ? `${key}.${k}` : key)));
      });
    }
    const modelOptions = new Set(modelTypeOptionKeys());
    for (const key of Object.keys(tree)) if (!(key in trainConfigSchema.fields) && !modelOptions.has(key) && !s.variables.has(key)) unknown.push(key);
    for (const k of unknown) f.push({ kind: "unused", keyPath: k, found: getPath(tree, k), text: "not read by this trainer" });

    let trainable = false;
    if (!fatal.has("model_type"))
      collect(f, () => {
        const entry = modelTypeEntry(tree.model_type ?? "Simple_model", file);
        out.modelType = entry.name;
        trainable = entry.trainable;
      });
    const train = tree.train as { loss?: unknown } | undefined;
    if (trainable && train?.loss !== undefined) collect(f, () => parseLoss(String(train.loss), file));
    if (trainable)
      collect(f, () => {
        const network = (tree.network ?? {}) as Record<string, unknown>;
        const net = createNetwork(tf, network, new Rng(0), file, "network");
        out.network = { type: String(network.type), parameters: net.params.count() };
        net.params.dispose();
      });
    const ds = (tree.datasets ?? {}) as Record<string, unknown>;
    for (const phase of ["train", "val"]) {
      const d = ds[phase] as Record<string, unknown> | undefined;
      const keyPath = `datasets.${phase}`;
      if (!d || typeof d !== "object" || fatal.has(`${keyPath}.type`)) continue;
      const { transforms, ...options } = d;
      const optionsOk = collect(f, () => checkDataset(options, { file, keyPath }));
      if (optionsOk) out.datasets[phase] = String(d.type);
      if (optionsOk && transforms && typeof transforms === "object")
        for (const [name, spec] of Object.entries(transforms)) collect(f, () => checkDataset({ ...options, transforms: { [name]: spec } }, { file, keyPath }));
    }
  }
  const order: Record<string, number> = { unsupported: 0, ignored: 1, unused: 2, note: 3 };
  f.sort((a, b) => order[a.kind]! - order[b.kind]!);
  out.ok = !f.some((x) => x.kind === "unsupported");
  out.lines = f.map((x) => findingLine(file, x));
  return out;
}
