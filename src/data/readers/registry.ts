/**
 * Dataset readers by registry name, as `datasets.<phase>.type` in the original training configs:
 *
 * | type (aliases)                                   | reads                                                   |
 * |--------------------------------------------------|---------------------------------------------------------|
 * | HuggingFaceDataset (hf, parquet)                 | local HF dataset folder (parquet shards, or {train,val}/{gt,blur} image folders) or a Hub repo id (downloaded to a local cache) |
 * | ImagePairDataset (image_pairs, folders)          | `<data_dir>/<split>/<gt_folder|lq_folder>/…` pairs       |
 * | OnlineBlurDataset (SVBDataset, online)           | folder or synthetic scenes, blurred on the fly with a basis file |
 * | DummyDataset (dummy)                             | `size` placeholder items whose meta.x = index (PSF-surrogate models) |
 * | SyntheticBlur                                    | random scenes blurred by a Gaussian, generated on the fly (./synthetic.ts) |
 *
 * Common options: gt_key (gt), lq_key (blur), split (train | validation | val), transforms (ordered
 * mapping, §2.2 of the spec), common_transforms_keys, split_range [a%, b%], repeat, seed,
 * frozen_transforms (false: draws change every epoch; true: the original's frozen draws). Each
 * reader declares its options as a schema; keys a reader does not read are ignored (the original's
 * loader keys such as batch_size_per_gpu), except for SyntheticBlur, which names them.
 */
import * as fs from "node:fs";
import { parseOptions, Registry, type ConfigWhere } from "../../config/registry";
import { anything, array, integer, number, object, optional, record, satisfies, string, withDefaultForNull, type InferObject, type ObjectShape, type Schema } from "../../config/schema";
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
import { syntheticBlurSchema, syntheticFromOptions } from "./synthetic";

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

export interface DatasetEntry<O> {
  /** Schema of the dataset mapping (its `type` included). */
  readonly schema: Schema<O>;
  create(options: O, ctx: DatasetContext): Promise<PairDataset>;
  /** Checks what can be checked without reading data beyond the schema (the transform pipeline). */
  check?(options: O, ctx: DatasetContext): void;
}

export const datasets = new Registry<DatasetEntry<any>>("dataset type"); // eslint-disable-line @typescript-eslint/no-explicit-any

export function registerDataset<O>(name: string, entry: DatasetEntry<O>, aliases: readonly string[] = []): void {
  datasets.register(name, entry, aliases);
}

export function datasetTypes(): string[] {
  return datasets.names();
}

function where(ctx: DatasetContext, key?: string): ConfigWhere {
  const keyPath = ctx.keyPath ?? "";
  return { file: ctx.file ?? "<dataset>", keyPath: key === undefined ? keyPath : keyPath ? `${keyPath}.${key}` : key };
}

/** Creates the dataset named by `options.type`. */
export async function createDataset(options: Record<string, unknown>, ctx: DatasetContext = {}): Promise<PairDataset> {
  const entry = datasets.get(options.type, where(ctx, "type"));
  return entry.create(parseOptions(entry, options, where(ctx)), ctx);
}

/** Checks a dataset mapping without reading data: its type, its options and its transforms. */
export function checkDataset(options: Record<string, unknown>, ctx: DatasetContext = {}): void {
  const entry = datasets.get(options.type, where(ctx, "type"));
  const parsed = parseOptions(entry, options, where(ctx)); // not inside `check?.(...)`: that skips its arguments when check is absent
  entry.check?.(parsed, ctx);
}

// ---------------------------------------------------------------------------------------------

const isMapping = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
const percentRange = optional(
  satisfies<[number, number]>(
    "[start%, end%] with 0 <= start <= end <= 100",
    (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number") && v[0] >= 0 && v[1] <= 100 && v[0] <= v[1],
  ),
);

/** Options every transformed reader reads. */
const commonFields = {
  type: anything(),
  gt_key: withDefaultForNull(string(), "gt"),
  lq_key: withDefaultForNull(string(), "blur"),
  common_transforms_keys: optional(array(string())),
  seed: withDefaultForNull(satisfies<string | number>("a number or a string", (v) => typeof v === "number" || typeof v === "string"), 0),
  frozen_transforms: withDefaultForNull(satisfies<boolean>("true or false", (v) => typeof v === "boolean"), false),
  repeat: withDefaultForNull(number({ min: 0 }), 1),
  split_range: percentRange,
  transforms: optional(satisfies<Record<string, unknown>>("an ordered mapping of transform name -> options", isMapping)),
};
type Common = InferObject<typeof commonFields>;

/** Builds the `transforms` pipeline the config gives, if any (the check of the transformed readers). */
function checkTransforms(o: Common, ctx: DatasetContext): void {
  if (o.transforms !== undefined) pipelineOf(o.transforms, common(o, String(o.type)), ctx);
}

/** A reader's schema: the common options plus its own; other keys are ignored. */
function readerSchema<F extends ObjectShape>(fields: F) {
  return object({ ...commonFields, ...fields }, { unknown: "report" });
}

function common(o: Common, type: string) {
  return { type, gtKey: o.gt_key, lqKey: o.lq_key, commonKeys: o.common_transforms_keys, seed: o.seed, frozenTransforms: o.frozen_transforms, repeat: o.repeat, rangePercent: o.split_range };
}

function pipelineOf(spec: Record<string, unknown> | undefined, c: ReturnType<typeof common>, ctx: DatasetContext): TransformPipeline {
  return TransformPipeline.fromConfig(spec, {
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

const split = withDefaultForNull(string(), "train");

registerDataset(
  "HuggingFaceDataset",
  {
    schema: readerSchema({ name: string(), split, revision: optional(string()) }),
    async create(o, ctx) {
      const c = common(o, "HuggingFaceDataset");
      let root = o.name;
      if (!fs.existsSync(o.name)) {
        if (!/^[\w.-]+\/[\w.-]+$/.test(o.name)) throw new InputFileError(o.name, "dataset folder not found (and not a Hub repo id user/name)");
        root = await downloadHubDataset(o.name, { hubUrl: ctx.hubUrl, cacheDir: ctx.cacheDir, accessToken: ctx.accessToken, revision: o.revision, configKey: where(ctx, "name").keyPath });
      }
      const source = await openLocalHf(root, normalizeSplit(o.split), c.gtKey, c.lqKey);
      return new TransformedDataset(source, { ...c, pipeline: pipelineOf(o.transforms, c, ctx), blur: ctx.blur });
    },
    check: (o, ctx) => checkTransforms(o, ctx),
  },
  ["hf", "parquet"],
);

registerDataset(
  "ImagePairDataset",
  {
    // gt_folder / lq_folder default to gt_key / lq_key
    schema: readerSchema({ data_dir: string(), split, gt_folder: optional(string()), lq_folder: optional(string()) }),
    async create(o, ctx) {
      const c = common(o, "ImagePairDataset");
      const dir = splitFolder(o.data_dir, normalizeSplit(o.split));
      const source = new FolderPairSource(dir, o.gt_folder ?? c.gtKey, o.lq_folder ?? c.lqKey, c.gtKey, c.lqKey);
      return new TransformedDataset(source, { ...c, pipeline: pipelineOf(o.transforms, c, ctx), blur: ctx.blur });
    },
    check: (o, ctx) => checkTransforms(o, ctx),
  },
  ["image_pairs", "folders"],
);

registerDataset(
  "OnlineBlurDataset",
  {
    schema: readerSchema({
      // required unless the caller hands a blur operator (DatasetContext.blur)
      basis_file: optional(string()),
      blur: optional(record()),
      gt_dataset_path: optional(string()),
      data_percent: percentRange,
      scenes: withDefaultForNull(array(string()), ["dead_leaves", "natural"]),
      size: withDefaultForNull(integer({ min: 0 }), 64),
    }),
    async create(o, ctx) {
      const c = common(o, "OnlineBlurDataset");
      let maybeBlur = ctx.blur;
      if (!maybeBlur) {
        const basis = o.basis_file;
        if (basis === undefined) throw new ConfigError(where(ctx, "basis_file").file, where(ctx, "basis_file").keyPath, "a string", basis, "required");
        if (!fs.existsSync(basis)) throw new InputFileError(basis, "basis file not found");
        const factory = ctx.blurFactory ?? createBasisBlur;
        maybeBlur = await factory(basis, o.blur ?? {});
      }
      const blur: BlurOperator = maybeBlur;
      let source: ImageSource;
      if (o.gt_dataset_path !== undefined) source = new FolderSource({ path: o.gt_dataset_path, dataPercent: o.data_percent });
      else source = new SyntheticSource({ scenes: o.scenes, count: o.size, height: blur.height, width: blur.width, channels: blur.channels }, where(ctx, "scenes"));
      const spec = o.transforms ?? defaultOnlineTransforms(blur.height, blur.width);
      return new TransformedDataset(new SourcePairSource(source, c.gtKey, c.seed), { ...c, pipeline: pipelineOf(spec, c, ctx), blur });
    },
    // the default transforms depend on the basis size; a given pipeline is checked here
    check: (o, ctx) => checkTransforms(o, ctx),
  },
  ["SVBDataset", "online"],
);

registerDataset(
  "DummyDataset",
  {
    schema: object({ type: anything(), size: integer({ min: 0 }) }, { unknown: "report" }),
    async create(o) {
      const empty = () => makeImage(1, 1, 1);
      return {
        type: "DummyDataset",
        gtKey: "gt",
        lqKey: "blur",
        length: o.size,
        async get(index: number) {
          return { index, gt: empty(), blur: empty(), meta: { x: index } };
        },
      };
    },
  },
  ["dummy"],
);

registerDataset("SyntheticBlur", { schema: syntheticBlurSchema, create: async (o) => syntheticFromOptions(o) });
