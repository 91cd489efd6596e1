/**
 * The original research code's training configs (svd_v2 `checkpoints/*.yml`) as they are written:
 * keys about the original's cluster (trackers, Hub upload, GPU count, precision, the cluster's
 * absolute paths) are reported as ignored, with the reason, and taken out of the tree (or replaced)
 * so training can go ahead here; keys that change what is trained and are not ported are reported as
 * unsupported. Every finding is one line naming the file, the key path and the value found.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultCacheDir, hubEndpoint } from "../data/hub";
import { ConfigError, describeValue } from "../util/errors";

export type FindingKind = "unsupported" | "ignored" | "unused" | "note";

export interface ConfigFinding {
  kind: FindingKind;
  keyPath: string;
  found: unknown;
  /** unsupported: what is supported here; ignored/unused/note: why, or what happens instead. */
  text: string;
  /** unsupported: the reason, when there is one beyond what is supported. */
  detail?: string;
}

/** `<file>: key '<path>': <kind>: ...`, one line. */
export function findingLine(file: string, f: ConfigFinding): string {
  const head = `${file}: key '${f.keyPath || "<root>"}': ${f.kind}: `;
  if (f.kind === "unsupported") return head + `expected ${f.text}, found ${describeValue(f.found)}` + (f.detail ? ` (${f.detail})` : "");
  return head + `${f.text} (found ${describeValue(f.found)})`;
}

/** A ConfigError from a validator, as an unsupported finding. */
export function unsupportedFrom(err: ConfigError): ConfigFinding {
  return { kind: "unsupported", keyPath: err.keyPath, found: err.found, text: err.expected, detail: err.detail };
}

const tracker = "experiment trackers are not used here: losses and metrics go to the run folder (logs/, checkpoints)";
const hub = "the run is not uploaded to the Hugging Face Hub at the end (no network needed): the run folder keeps the checkpoints";

/** Top-level keys about the original's cluster, with what happens instead. */
const clusterKeys: Record<string, (v: unknown) => string> = {
  report_to: () => tracker,
  tracker_project_name: () => tracker,
  tracker_kwargs: () => tracker,
  push_to_hub: () => hub,
  hub_model_id: () => hub,
  hub_token: () => hub,
  num_gpu: (v) =>
    "one process here" + (typeof v === "number" && v > 1 ? `; with ${v} GPUs the original's LR schedule ran ${v} scheduler steps per optimiser step (spec §3.4), this run follows num_gpu: 1` : ""),
  mixed_precision: (v) => "float32 throughout" + (v === "fp16" || v === "bf16" ? ` (not ${v})` : ""),
  allow_tf32: () => "no TF32 matmuls on these backends (float32 throughout)",
  dataset_caching: () => "no Hugging Face datasets cache: datasets are read directly and random transforms drawn fresh each epoch (frozen_transforms: true reproduces the cached draws)",
};

/** Keys inside train/val/datasets.* that are inert here, with the reason. */
const inertKeys: Record<string, string> = {
  "train.check_speed": "the torch profiler run is not ported",
  "val.num_inference_steps": "read only by the original's diffusion models",
};

/** Model types of the original that are not ported, with the reason and the way to do the same here. */
const unportedModelTypes: Record<string, string> = {
  SimpleSynthetic_model:
    "SimpleSynthetic_model renders every batch through a DeepLens lens inside the model; here render the blurred pairs first (svd dataset generate with a lens PSF config) and train them with Simple_model",
  HF_model: "HF_model feeds a high-frequency column made by an apply_function transform; not ported",
  Simple2Dataset_model: "two-dataset training is not ported",
};

/** Dataset types of the original that are not ported. */
const unportedDatasetTypes: Record<string, string> = {
  DeepLensDataset: "renders each sample through a DeepLens lens (PSF maps) at load time; not ported: generate the pairs with svd dataset generate and read them with HuggingFaceDataset",
  DeepLensDeblurDataset: "renders each sample through a DeepLens lens at load time; not ported: generate the pairs with svd dataset generate and read them with HuggingFaceDataset",
  SyntheticMotionBlurDataset: "motion-blur video frames are not ported",
  FullMotionBlurDataset: "motion-blur video frames are not ported",
};

export interface Screened {
  /** The tree with ignored keys taken out and the cluster's paths replaced. */
  tree: Record<string, unknown>;
  findings: ConfigFinding[];
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
/**
 * An absolute path of the original's cluster: its top folder (/scratch, /depot, ...) does not exist
 * on this machine. (An output folder under an existing top folder is created as usual.)
 */
const clusterPath = (v: unknown): v is string => {
  if (typeof v !== "string" || !path.isAbsolute(v) || fs.existsSync(v)) return false;
  const top = v.split(/[\\/]/).filter(Boolean)[0];
  return top !== undefined && !fs.existsSync(path.join(path.parse(v).root, top));
};
const hubRepoId = (v: unknown): v is string => typeof v === "string" && /^[\w.-]+\/[\w.-]+$/.test(v) && !fs.existsSync(v);

/**
 * Screens an interpolated config tree (not modified; the screened copy is returned). `datasetNote`
 * says where a Hub dataset would be read from (a look at the local cache; no network).
 */
export function screenOriginalKeys(input: Record<string, unknown>): Screened {
  const tree = structuredClone(input);
  const findings: ConfigFinding[] = [];
  const ignore = (keyPath: string, found: unknown, text: string) => findings.push({ kind: "ignored", keyPath, found, text });
  const unsupported = (keyPath: string, found: unknown, supported: string, detail?: string) => findings.push({ kind: "unsupported", keyPath, found, text: supported, detail });

  for (const [key, why] of Object.entries(clusterKeys))
    if (key in tree) {
      ignore(key, tree[key], why(tree[key]));
      delete tree[key];
    }
  for (const [keyPath, why] of Object.entries(inertKeys)) {
    const [block, key] = keyPath.split(".") as [string, string];
    const b = tree[block];
    if (isMapping(b) && key in b) {
      ignore(keyPath, b[key], why);
      delete b[key];
    }
  }

  const modelType = tree.model_type;
  if (typeof modelType === "string" && modelType in unportedModelTypes) unsupported("model_type", modelType, "a ported model type (Simple_model, Wiener_model, RL_model, FISTA_model)", unportedModelTypes[modelType]);
  if (tree.spatially_varying === true)
    unsupported("spatially_varying", true, "false", "the patchwise spatially varying deconvolution over a grid of PSFs (grid, sensor_size) is not ported: each image is restored with one PSF");
  if ("spatially_varying" in tree) {
    if (tree.spatially_varying !== true) ignore("spatially_varying", tree.spatially_varying, "one PSF per image, as here");
    delete tree.spatially_varying;
  }
  if ("discriminator" in tree) unsupported("discriminator", tree.discriminator, "no discriminator", "GAN training (Simple_model with a discriminator) is not ported");

  const train = tree.train;
  if (isMapping(train)) {
    if ("lambda_adv" in train) unsupported("train.lambda_adv", train.lambda_adv, "no lambda_adv", "GAN training is not ported");
  }

  const p = tree.path;
  if (isMapping(p)) {
    if (clusterPath(p.root)) {
      ignore("path.root", p.root, "a folder of the original's cluster that is not here: runs go under runs/ (--set path.root=<dir> to choose)");
      p.root = "runs";
    }
    if (clusterPath(p.resume_from_path)) {
      ignore("path.resume_from_path", p.resume_from_path, "a checkpoint folder of the original's cluster that is not here: training starts from scratch (--set path.resume_from_path=<dir> resumes)");
      if (p.resume_from_checkpoint !== undefined && p.resume_from_checkpoint !== null) ignore("path.resume_from_checkpoint", p.resume_from_checkpoint, "nothing to resume from (see path.resume_from_path)");
      p.resume_from_path = null;
      p.resume_from_checkpoint = null;
    }
  }

  const ds = tree.datasets;
  if (isMapping(ds))
    for (const [phase, d] of Object.entries(ds)) {
      if (!isMapping(d)) continue;
      const at = `datasets.${phase}`;
      if ("num_worker_per_gpu" in d) {
        ignore(`${at}.num_worker_per_gpu`, d.num_worker_per_gpu, "data loading runs in this process");
        delete d.num_worker_per_gpu;
      }
      if (typeof d.type === "string" && d.type in unportedDatasetTypes) unsupported(`${at}.type`, d.type, "a ported dataset type (HuggingFaceDataset, ImagePairDataset, OnlineBlurDataset, ...)", unportedDatasetTypes[d.type]);
      for (const key of ["name", "data_dir", "gt_dataset_path", "basis_file"])
        if (clusterPath(d[key])) unsupported(`${at}.${key}`, d[key], "a path on this machine", `a folder of the original's cluster; --set ${at}.${key}=<local path>`);
      if (d.type === "HuggingFaceDataset" && hubRepoId(d.name)) findings.push({ kind: "note", keyPath: `${at}.name`, found: d.name, text: hubDatasetNote(d.name, typeof d.revision === "string" ? d.revision : "main", at) });
    }
  return { tree, findings };
}

/** Where a Hub dataset would be read from: the local cache if it holds it, else a download (and what to do offline). */
export function hubDatasetNote(repo: string, revision: string, at: string): string {
  const cached = path.join(defaultCacheDir(), "datasets", ...repo.split("/"), revision);
  if (fs.existsSync(cached)) return `Hub dataset read from the local cache ${cached}`;
  return `Hub dataset, not in the local cache ${cached}: downloaded from ${hubEndpoint()} when training starts; where the Hub is unreachable, --set ${at}.name=<local dataset folder>`;
}

/** Keys of the tree that `${...}` references point at (the original's free variables, e.g. dataset_1_name). */
export function interpolationVariables(raw: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") for (const m of v.matchAll(/\$\{([^}.[]+)/g)) out.add((m[1] as string).trim());
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isMapping(v)) Object.values(v).forEach(walk);
  };
  walk(raw);
  return out;
}
