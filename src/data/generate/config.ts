/**
 * The generation config (configs/dataset/*.yml). Every key is documented in
 * configs/dataset/README.md; unknown keys are errors naming the key and the known ones.
 */
import { schema as s, loadConfig, type LoadedConfig } from "../../config";
import type { ConfigTree } from "../../config/load";
import { ConfigError } from "../../util/errors";

/** A fixed number or a [min, max) range drawn uniformly per sample. */
const numOrRange = (min = 0) => {
  const list = s.array(s.number({ min }), { length: 2 });
  const one = s.number({ min });
  return {
    expected: `a number >= ${min} or a [min, max] list`,
    parse: (v: unknown, p: string, c: Parameters<typeof one.parse>[2]): [number, number] => {
      if (Array.isArray(v)) {
        const [a, b] = list.parse(v, p, c) as [number, number];
        if (a > b) throw new ConfigError(c.file, p, "[min, max] with min <= max", v);
        return [a, b];
      }
      const x = one.parse(v, p, c);
      return [x, x];
    },
  } satisfies s.Schema<[number, number]>;
};

/** Integer or string seed, kept as its string form (the Rng hashes it). */
const seedSchema: s.Schema<string> = {
  expected: "an integer or a string",
  parse: (v, p, c) => {
    if (typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return String(v);
    throw new ConfigError(c.file, p, "an integer or a string", v);
  },
};

export const sourceSchema = s.tagged<SourceConfig>("type", {
  synthetic: s.object({
    type: s.oneOf("synthetic"),
    scenes: s.withDefault(s.array(s.string(), { minLength: 1 }), ["dead_leaves", "natural", "siemens_star", "slanted_edge"]),
    count: s.integer({ min: 1 }),
  }) as s.Schema<SourceConfig>,
  folder: s.object({
    type: s.oneOf("folder"),
    path: s.string(),
    data_percent: s.withDefault(s.array(s.number({ min: 0, max: 100 }), { length: 2 }), [0, 100]),
    repeat: s.withDefault(s.integer({ min: 1 }), 1),
  }) as s.Schema<SourceConfig>,
});

export type SourceConfig =
  | { type: "synthetic"; scenes: string[]; count: number }
  | { type: "folder"; path: string; data_percent: number[]; repeat: number };

const qisSchema = s.object({
  lux: s.withDefault(numOrRange(0), [0.1, 0.1] as [number, number]),
  pixel_size_um: s.withDefault(s.number({ min: 0 }), 1.2),
  exposure_s: s.withDefault(s.number({ min: 0 }), 1 / 120),
  qe: s.withDefault(s.number({ min: 0, max: 1 }), 0.8),
  theta_dark: s.withDefault(s.number({ min: 0 }), 1.6),
  sigma_read: s.withDefault(s.number({ min: 0 }), 0.2),
  frames: s.withDefault(s.integer({ min: 1 }), 1),
  bits: s.withDefault(s.integer({ min: 1, max: 16 }), 1),
  full_well: s.withDefault(s.number({ min: 1 }), 200),
});

export const noiseSchema = s.object({
  type: s.withDefault(s.oneOf("none", "gaussian", "poisson_gaussian", "qis"), "none"),
  /** gaussian: σ in [0,1] units */
  sigma: s.withDefault(numOrRange(0), [0.005, 0.025] as [number, number]),
  /** poisson_gaussian: photons at value 1 */
  peak: s.withDefault(numOrRange(1e-6), [50, 1050] as [number, number]),
  read_sigma: s.withDefault(numOrRange(0), [0, 0] as [number, number]),
  qis: s.withDefault(qisSchema, () => qisSchema.parse({}, "noise.qis", { file: "", unknownKeys: [] })),
});

export const generationSchema = s.object({
  name: s.withDefault(s.string(), "synthetic_dataset"),
  seed: s.withDefault(seedSchema, "0"),
  val_perc: s.withDefault(s.number({ min: 0, max: 100 }), 10),
  source: sourceSchema,
  sample: s.withDefault(
    s.object({
      crop: s.withDefault(s.oneOf("center", "random"), "center"),
      resize: s.optional(s.number({ min: 0 })),
      small_images: s.withDefault(s.oneOf("error", "pad"), "error"),
      channels: s.withDefault(s.integer({ min: 1, max: 3 }), 3),
      linearize: s.withDefault(s.boolean(), false),
    }),
    { crop: "center", resize: undefined, small_images: "error", channels: 3, linearize: false },
  ),
  noise: s.withDefault(noiseSchema, () => noiseSchema.parse({}, "noise", { file: "", unknownKeys: [] })),
  output: s.withDefault(
    s.object({
      format: s.withDefault(s.oneOf("parquet", "folders", "both"), "parquet"),
      bits: s.withDefault(s.integer({ min: 8, max: 16 }), 8),
      shard_size: s.withDefault(s.integer({ min: 1 }), 32),
      row_group_size: s.withDefault(s.integer({ min: 1 }), 8),
      gt_key: s.withDefault(s.string(), "gt"),
      lq_key: s.withDefault(s.string(), "blur"),
      copy_basis: s.withDefault(s.boolean(), true),
    }),
    { format: "parquet", bits: 8, shard_size: 32, row_group_size: 8, gt_key: "gt", lq_key: "blur", copy_basis: true },
  ),
  blur: s.withDefault(s.record(), {}),
  workers: s.withDefault(s.integer({ min: 0 }), 2),
});

export type GenerationConfig = s.Infer<typeof generationSchema>;

export function loadGenerationConfig(source: string | { tree: ConfigTree; name: string }, overrides: readonly string[] = []): LoadedConfig<GenerationConfig> {
  const loaded = loadConfig(source, generationSchema, overrides);
  if (loaded.value.output.bits !== 8 && loaded.value.output.bits !== 16)
    throw new ConfigError(loaded.file, "output.bits", "8 or 16", loaded.value.output.bits);
  return loaded;
}
