/**
 * Dataset readers by registry name, as `datasets.<phase>.type` in the original training configs:
 *
 * | type (aliases)                                   | reads                                                   |
 * |--------------------------------------------------|---------------------------------------------------------|
 * | HuggingFaceDataset (hf, parquet)                 | local HF dataset folder (parquet shards, or {train,val}/{gt,blur} image folders) or a Hub repo id (downloaded to a local cache) |
 * | ImagePairDataset (image_pairs, folders)          | `<data_dir>/<split>/<gt_folder|lq_folder>/…` pairs       |
 * | OnlineBlurDataset (SVBDataset, online)           | folder or synthetic scenes, blurred on the fly with a basis file |
 * | DummyDataset                                     | `size` placeholder items whose meta.x = index (PSF-surrogate models) |
 *
 * Common options: gt_key (gt), lq_key (blur), split (train | validation | val), transforms (ordered
 * mapping, §2.2 of the spec), common_transforms_keys, split_range [a%, b%], repeat, seed,
 * frozen_transforms (false: draws change every epoch; true: the original's frozen draws).
 */
import * as fs from "node:fs";
import { ConfigError, InputFileError } from "../../util/errors";
import type { BlurFactory, BlurOperator } from "../blur";
import { createBasisBlur } from "../basis-blur";
import { downloadHubDataset } from "../hub";
import { FolderSource, SyntheticSource, type ImageSource } from "../sources";
import { TransformPipeline } from "../transforms/pipeline";
import { normalizeSplit } from "../types";
import { makeImage } from "../../array";
import { TransformedDataset, type PairDataset, type RawPairSource } from "./dataset";
import { defaultOnlineTransforms, SourcePairSource } from "./online";
import { FolderPairSource, splitFolder } from "./pairs";
import { findParquetFiles, ParquetPairSource } from "./parquet";

export interface DatasetContext {
  /** config file and key path of the dataset mapping, for error messages */
  file?: string;
  keyPath?: string;
  /** renders blur from a basis file (defaults to the spatially varying renderer) */
  blurFactory?: BlurFactory;
  /** ready-made blur operator (overrides basis_file) */
  blur?: BlurOperator;
  /** Hub access for repo ids: endpoint (default HF_ENDPOINT or the Hub), cache folder, token */
  hubUrl?: string;
  cacheDir?: string;
  accessToken?: string;
}

export type DatasetFactory = (options: Record<string, unknown>, ctx: DatasetContext) => Promise<PairDataset>;

const registry = new Map<string, DatasetFactory>();

export function registerDataset(names: string[], factory: DatasetFactory): void {
  for (const n of names) registry.set(n, factory);
}

export function datasetTypes(): string[] {
  return [...registry.keys()];
}

/** Creates the dataset named by `options.type`. */
export async function createDataset(options: Record<string, unknown>, ctx: DatasetContext = {}): Promise<PairDataset> {
  const type = options.type;
  const factory = typeof type === "string" ? registry.get(type) : undefined;
  if (!factory) throw new ConfigError(ctx.file ?? "<dataset>", `${ctx.keyPath ? ctx.keyPath + "." : ""}type`, `a dataset type (one of ${datasetTypes().join(", ")})`, type);
  return factory(options, ctx);
}

// ---------------------------------------------------------------------------------------------

function where(ctx: DatasetContext, key: string): [string, string] {
  return [ctx.file ?? "<dataset>", ctx.keyPath ? `${ctx.keyPath}.${key}` : key];
}

function str(o: Record<string, unknown>, key: string, ctx: DatasetContext, fallback?: string): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(...where(ctx, key), "a string", v, "required");
  }
  if (typeof v !== "string") throw new ConfigError(...where(ctx, key), "a string", v);
  return v;
}

function range(o: Record<string, unknown>, key: string, ctx: DatasetContext): [number, number] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number") || v[0] < 0 || v[1] > 100 || v[0] > v[1])
    throw new ConfigError(...where(ctx, key), "[start%, end%] with 0 <= start <= end <= 100", v);
  return [v[0], v[1]];
}

function common(o: Record<string, unknown>, ctx: DatasetContext, type: string) {
  const gtKey = str(o, "gt_key", ctx, "gt");
  const lqKey = str(o, "lq_key", ctx, "blur");
  const commonKeys = o.common_transforms_keys as string[] | undefined;
  const seed = (o.seed as string | number | undefined) ?? 0;
  const frozen = o.frozen_transforms === true;
  const repeat = typeof o.repeat === "number" ? o.repeat : 1;
  return { type, gtKey, lqKey, commonKeys, seed, frozenTransforms: frozen, repeat, rangePercent: range(o, "split_range", ctx) };
}

function pipelineOf(spec: unknown, c: ReturnType<typeof common>, ctx: DatasetContext): TransformPipeline {
  if (spec !== undefined && spec !== null && (typeof spec !== "object" || Array.isArray(spec)))
    throw new ConfigError(...where(ctx, "transforms"), "an ordered mapping of transform name -> options", spec);
  return TransformPipeline.fromConfig(spec as Record<string, unknown> | undefined, {
    gtKey: c.gtKey,
    lqKey: c.lqKey,
    commonKeys: c.commonKeys?.map((k) => (k === "gt_key" ? c.gtKey : k === "lq_key" ? c.lqKey : k)),
    file: ctx.file,
    keyPath: ctx.keyPath ? `${ctx.keyPath}.transforms` : "transforms",
  });
}

async function openLocalHf(root: string, split: ReturnType<typeof normalizeSplit>, gtKey: string, lqKey: string): Promise<RawPairSource> {
  const files = findParquetFiles(root, split);
  if (files.length > 0) return ParquetPairSource.open(files, [gtKey, lqKey]);
  // imagefolder-style: {train,val}/{gt,blur}/*.png
  return new FolderPairSource(splitFolder(root, split), gtKey, lqKey, gtKey, lqKey);
}

registerDataset(["HuggingFaceDataset", "hf", "parquet"], async (o, ctx) => {
  const c = common(o, ctx, "HuggingFaceDataset");
  const name = str(o, "name", ctx);
  const split = normalizeSplit(str(o, "split", ctx, "train"));
  let root = name;
  if (!fs.existsSync(name)) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(name)) throw new InputFileError(name, "dataset folder not found (and not a Hub repo id user/name)");
    root = await downloadHubDataset(name, { hubUrl: ctx.hubUrl, cacheDir: ctx.cacheDir, accessToken: ctx.accessToken, revision: o.revision as string | undefined });
  }
  const source = await openLocalHf(root, split, c.gtKey, c.lqKey);
  return new TransformedDataset(source, { ...c, pipeline: pipelineOf(o.transforms, c, ctx), blur: ctx.blur });
});

registerDataset(["ImagePairDataset", "image_pairs", "folders"], async (o, ctx) => {
  const c = common(o, ctx, "ImagePairDataset");
  const root = str(o, "data_dir", ctx);
  const split = normalizeSplit(str(o, "split", ctx, "train"));
  const dir = splitFolder(root, split);
  const source = new FolderPairSource(dir, str(o, "gt_folder", ctx, c.gtKey), str(o, "lq_folder", ctx, c.lqKey), c.gtKey, c.lqKey);
  return new TransformedDataset(source, { ...c, pipeline: pipelineOf(o.transforms, c, ctx), blur: ctx.blur });
});

registerDataset(["OnlineBlurDataset", "SVBDataset", "online"], async (o, ctx) => {
  const c = common(o, ctx, "OnlineBlurDataset");
  let maybeBlur = ctx.blur;
  if (!maybeBlur) {
    const basis = str(o, "basis_file", ctx);
    if (!fs.existsSync(basis)) throw new InputFileError(basis, "basis file not found");
    const factory = ctx.blurFactory ?? createBasisBlur;
    maybeBlur = await factory(basis, (o.blur as Record<string, unknown>) ?? {});
  }
  const blur: BlurOperator = maybeBlur;
  let source: ImageSource;
  if (o.gt_dataset_path !== undefined) source = new FolderSource({ path: str(o, "gt_dataset_path", ctx), dataPercent: range(o, "data_percent", ctx) });
  else {
    const scenes = (o.scenes as string[] | undefined) ?? ["dead_leaves", "natural"];
    const count = typeof o.size === "number" ? o.size : 64;
    source = new SyntheticSource({ scenes, count, height: blur.height, width: blur.width, channels: blur.channels }, { file: ctx.file ?? "<dataset>", keyPath: ctx.keyPath ? `${ctx.keyPath}.scenes` : "scenes" });
  }
  const spec = (o.transforms as Record<string, unknown> | undefined) ?? defaultOnlineTransforms(blur.height, blur.width);
  return new TransformedDataset(new SourcePairSource(source, c.gtKey, c.seed), { ...c, pipeline: pipelineOf(spec, c, ctx), blur });
});

registerDataset(["DummyDataset", "dummy"], async (o, ctx) => {
  const size = o.size;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0) throw new ConfigError(...where(ctx, "size"), "a non-negative integer", size);
  const empty = () => makeImage(1, 1, 1);
  return {
    type: "DummyDataset",
    gtKey: "gt",
    lqKey: "blur",
    length: size,
    async get(index: number) {
      return { index, gt: empty(), blur: empty(), meta: { x: index } };
    },
  };
});

