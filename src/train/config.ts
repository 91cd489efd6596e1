/**
 * The training config schema (spec §11): the original's keys, validated with file/key errors. Keys
 * the original has but this trainer does not use (report_to, num_gpu, ...) are accepted and listed
 * as unused; `network` and `datasets.*` are checked by their registries.
 */
import * as s from "../config/schema";
import { applyOverrides, interpolate, loadConfig, readYamlFile, type ConfigTree, type LoadedConfig } from "../config/load";
import { ConfigError } from "../util/errors";
import { interpolationVariables, screenOriginalKeys, type ConfigFinding } from "./original-keys";
import { scheduleTypes } from "./schedule";

/** A mapping whose absence means "all defaults". */
function defaulted<T>(schema: s.Schema<T>): s.Schema<T> {
  return s.withDefault(schema, () => schema.parse({}, "", { file: "<defaults>", unknownKeys: [] }));
}

const optim = s.object(
  {
    learning_rate: s.withDefault(s.number({ min: 0 }), 1e-4),
    adam_beta1: s.withDefault(s.number({ min: 0, max: 1 }), 0.9),
    adam_beta2: s.withDefault(s.number({ min: 0, max: 1 }), 0.999),
    adam_weight_decay: s.withDefault(s.number({ min: 0 }), 0.01),
    adam_epsilon: s.withDefault(s.number({ min: 0 }), 1e-8),
    // Honoured here (the original hard-codes a clip norm of 0.01 and ignores this); 0 disables clipping.
    max_grad_norm: s.withDefault(s.number({ min: 0 }), 1.0),
    scale_lr: s.withDefault(s.boolean(), false),
    use_8bit_adam: s.withDefault(s.boolean(), false),
  },
  { unknown: "report" },
);

const scheduler = s.object(
  {
    type: s.withDefault(s.oneOf(...scheduleTypes), "constant"),
    lr_warmup_steps: s.withDefault(s.integer({ min: 0 }), 0),
    lr_num_cycles: s.withDefault(s.number({ min: 0 }), 1),
    lr_power: s.withDefault(s.number({ min: 0 }), 1),
  },
  { unknown: "report" },
);

const metric = s.object({ crop: s.optional(s.integer({ min: 0 })) }, { unknown: "report" });

export const trainConfigSchema = s.object(
  {
    name: s.withDefault(s.string(), "SVD"),
    model_type: s.withDefault(s.string(), "Simple_model"),
    is_train: s.withDefault(s.boolean(), true),
    experiment_key: s.withDefault(s.string(), "run"),
    seed: s.withDefault(s.integer(), 0),
    // [lo, hi] of the data: PSNR uses hi - lo as the peak; saved images map it to [0, 1].
    data_range: s.withDefault(s.array(s.number(), { length: 2 }), [0, 1]),
    // Required by Simple_model (createNetwork names the missing type); the non-blind models have none.
    network: s.withDefault(s.record(), {}),
    datasets: s.object({ train: s.optional(s.record()), val: s.optional(s.record()) }, { unknown: "report" }),
    path: defaulted(
      s.object(
        {
          root: s.withDefault(s.string(), "runs"),
          logging_dir: s.withDefault(s.string(), "logs"),
          experiments_root: s.optional(s.string()),
          resume_from_path: s.optional(s.string()),
          resume_from_checkpoint: s.optional(s.string()),
          pretrained: s.optional(s.string()),
        },
        { unknown: "report" },
      ),
    ),
    train: defaulted(
      s.object(
        {
          optim: defaulted(optim),
          scheduler: defaulted(scheduler),
          loss: s.withDefault(s.string(), "1*L1"),
          gradient_accumulation_steps: s.withDefault(s.integer({ min: 1 }), 1),
          batch_size: s.withDefault(s.integer({ min: 1 }), 4),
          max_train_steps: s.withDefault(s.integer({ min: 0 }), 1000),
          num_train_epochs: s.optional(s.integer({ min: 0 })),
          validation_steps: s.withDefault(s.integer({ min: 1 }), 1000),
          checkpointing_steps: s.withDefault(s.integer({ min: 1 }), 1000),
          checkpoints_total_limit: s.optional(s.integer({ min: 1 })),
          ema_decay: s.optional(s.number({ min: 0, max: 1 })),
          // Patched training (spec §5): one optimiser update per minibatch of patches (src/train/train-step.ts).
          patched: s.withDefault(s.boolean(), false),
          patch_size_h: s.withDefault(s.integer({ min: 1 }), 256),
          patch_size_w: s.withDefault(s.integer({ min: 1 }), 256),
          patch_overlap: s.withDefault(s.number({ min: 0, max: 0.9 }), 0.2),
          max_minibatch: s.withDefault(s.integer({ min: 1 }), 8),
        },
        { unknown: "report" },
      ),
    ),
    val: defaulted(
      s.object(
        {
          batch_size: s.withDefault(s.integer({ min: 1 }), 1),
          max_val_steps: s.withDefault(s.integer({ min: 1 }), 10),
          save_images: s.withDefault(s.boolean(), false),
          metrics: s.withDefault(s.record(), { psnr: { crop: null }, mse: { crop: null } }),
          // Patched inference (spec §5; src/train/patched.ts blends overlaps, no zeroed last row/column).
          patched: s.withDefault(s.boolean(), false),
          patch_size_h: s.withDefault(s.integer({ min: 1 }), 256),
          patch_size_w: s.withDefault(s.integer({ min: 1 }), 256),
          patch_overlap: s.withDefault(s.number({ min: 0, max: 0.9 }), 0.2),
          max_minibatch: s.withDefault(s.integer({ min: 1 }), 8),
        },
        { unknown: "report" },
      ),
    ),
  },
  { unknown: "report" },
);

export type TrainConfig = s.Infer<typeof trainConfigSchema>;
export { metric as metricSchema };

export interface ScreenedTrainConfig {
  /** After overrides and interpolation, before screening (what gets saved beside outputs). */
  tree: ConfigTree;
  /** With the original's cluster keys taken out and its cluster paths replaced. */
  screened: ConfigTree;
  findings: ConfigFinding[];
  /** Top-level keys that `${...}` references use (free variables such as dataset_1_name). */
  variables: Set<string>;
}

/** Reads `file`, applies `--set` overrides and `${...}` interpolation, and screens the original's keys. */
export function screenTrainConfigFile(file: string, overrides: readonly string[] = []): ScreenedTrainConfig {
  const raw = readYamlFile(file);
  applyOverrides(raw, overrides);
  const tree = interpolate(raw, file);
  const { tree: screened, findings } = screenOriginalKeys(tree);
  return { tree, screened, findings, variables: interpolationVariables(raw) };
}

/**
 * Loads and validates a training config. The original's cluster keys are taken out first (listed in
 * `findings`); the first unsupported key is a ConfigError (checkOriginalConfig lists them all).
 */
export function loadTrainConfig(file: string, overrides: readonly string[] = []): LoadedConfig<TrainConfig> & { findings: ConfigFinding[] } {
  const s = screenTrainConfigFile(file, overrides);
  const bad = s.findings.find((f) => f.kind === "unsupported");
  if (bad) throw new ConfigError(file, bad.keyPath, bad.text, bad.found, bad.detail);
  const loaded = loadConfig({ tree: s.screened, name: file }, trainConfigSchema);
  const t = loaded.value.train;
  if (t.patched && t.gradient_accumulation_steps > 1)
    throw new ConfigError(file, "train.gradient_accumulation_steps", "1 with train.patched (each patch minibatch is its own optimiser update)", t.gradient_accumulation_steps);
  return { ...loaded, tree: s.tree, findings: s.findings };
}
