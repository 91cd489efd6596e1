/**
 * The trainer (spec §3-§7): `Simple_model` restoration training from a YAML config. The loop lives
 * here: every step a JSONL record; validation every `validation_steps`; checkpoints every
 * `checkpointing_steps` (keeping `checkpoints_total_limit`), resumable from `latest` with identical
 * subsequent losses (data order depends only on seed and step). One step is train-step.ts, the
 * run's setup setup.ts, validation evaluation.ts and validation-output.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isTrainableModelType, modelTypeEntry } from "../models/model-types";
import type { Network } from "../models/network";
import type { LoadedWeights } from "../models/weights";
import { createProgress } from "../util/progress";
import { listCheckpoints, pruneCheckpoints, saveCheckpoint } from "./checkpoint";
import { loadTrainConfig, type TrainConfig } from "./config";
import { restoreValidationSet, ValidationMetrics } from "./evaluation";
import { parseLoss, type LossTerm } from "./losses";
import { runNonBlind } from "./nonblind-run";
import { SampleOrder } from "./sample-order";
import { disposeTrainingState, prepareTraining, type TrainingState } from "./setup";
import { learningRate, trainStep, type StepRecord } from "./train-step";
import { toUnitRange, writeMetricsCsv, writeValidationImages } from "./validation-output";

export type { StepRecord } from "./train-step";

export interface TrainOptions {
  /** `--set k=v` overrides. */
  overrides?: string[];
  /** The original's -test flag: run name "test". */
  test?: boolean;
  /** Called after every optimiser step (tests use it to stop a run part-way, like a kill). */
  onStep?: (r: StepRecord) => void;
}

export interface TrainResult {
  experimentsRoot: string;
  steps: StepRecord[];
  validation: Array<Record<string, number>>;
  /** Absent for the non-blind model types. */
  network?: Network;
  /** What `path.pretrained` held (format and naming convention found), when set. */
  pretrained?: LoadedWeights;
}

export class Trainer {
  readonly cfg: TrainConfig;
  readonly file: string;
  readonly experimentsRoot: string;
  network!: Network;
  private state: TrainingState | null = null;
  private readonly terms: LossTerm[];
  /** gt/lq validation PNGs are written once per run (they do not change); outputs every validation. */
  private wroteInputs = false;
  readonly unknownKeys: string[];
  private readonly networkConfig: Record<string, unknown>;
  private readonly tree: Record<string, unknown>;

  constructor(file: string, private readonly options: TrainOptions = {}) {
    const loaded = loadTrainConfig(file, options.overrides ?? []);
    this.cfg = loaded.value;
    this.file = file;
    this.unknownKeys = loaded.unknownKeys;
    this.networkConfig = structuredClone(loaded.value.network);
    this.tree = loaded.tree as Record<string, unknown>;
    modelTypeEntry(this.cfg.model_type, file);
    this.terms = parseLoss(this.cfg.train.loss, file);
    const name = options.test ? "test" : this.cfg.name;
    this.experimentsRoot = this.cfg.path.experiments_root ?? path.join(this.cfg.path.root, name, this.cfg.experiment_key);
  }

  async setup(): Promise<void> {
    this.state = await prepareTraining(this.cfg, this.file, this.experimentsRoot);
    this.network = this.state.network;
  }

  private get ready(): TrainingState {
    if (!this.state) throw new Error("Trainer: call setup() (or run()) first");
    return this.state;
  }

  private logFile(): string {
    return path.join(this.experimentsRoot, this.cfg.path.logging_dir, "train_log.jsonl");
  }

  learningRate(step: number): number {
    return learningRate(this.cfg.train, step);
  }

  /** Validation over up to max_val_steps images (all of them, plus metrics.csv, in inference); mean metrics. */
  async validate(all = false): Promise<Record<string, number>> {
    if (!this.state?.valSet) return {};
    const { tf, network, valSet, globalStep } = this.state;
    const v = this.cfg.val;
    const range = this.cfg.data_range as [number, number];
    const n = all ? valSet.length : Math.min(valSet.length, v.max_val_steps);
    const metrics = new ValidationMetrics(v.metrics, range[1] - range[0], this.file);
    for await (const r of restoreValidationSet(tf, network, valSet, n, v)) {
      metrics.add(r.index, r.out, r.gt);
      if (!v.save_images) continue;
      const withInputs = !this.wroteInputs || all;
      await writeValidationImages(this.experimentsRoot, r.index, globalStep, {
        out: toUnitRange(r.out, range),
        ...(withInputs ? { gt: toUnitRange(r.gt, range), lq: toUnitRange(r.lq, range) } : {}),
      });
    }
    if (v.save_images) this.wroteInputs = true;
    if (all) writeMetricsCsv(this.experimentsRoot, metrics);
    return metrics.mean();
  }

  async run(): Promise<TrainResult> {
    if (!isTrainableModelType(this.cfg.model_type)) {
      // Non-blind baselines: no network, no training; one pass over the validation set.
      const mean = await runNonBlind(this.cfg, this.tree, this.file, this.experimentsRoot);
      return { experimentsRoot: this.experimentsRoot, steps: [], validation: [{ step: 0, ...mean }] };
    }
    await this.setup();
    const st = this.ready;
    const c = this.cfg, t = c.train;
    fs.mkdirSync(path.dirname(this.logFile()), { recursive: true });
    fs.writeFileSync(path.join(this.experimentsRoot, "config.json"), JSON.stringify(this.cfg, null, 2) + "\n");
    const steps: StepRecord[] = [];
    const validation: Array<Record<string, number>> = [];
    if (!c.is_train) {
      validation.push({ step: st.globalStep, ...(await this.validate(true)) });
      return { experimentsRoot: this.experimentsRoot, steps, validation, network: this.network, pretrained: st.pretrained };
    }
    const shuffle = (c.datasets.train as { use_shuffle?: boolean }).use_shuffle ?? true;
    const order = new SampleOrder(st.trainSet!.length, c.seed, shuffle);
    const stepContext = { tf: st.tf, train: t, network: st.network, trainSet: st.trainSet!, order, terms: this.terms, optimizer: st.optimizer!, ema: st.ema };
    const progress = createProgress("train", t.max_train_steps, "steps");
    if (st.globalStep) progress.tick(st.globalStep);
    while (st.globalStep < t.max_train_steps) {
      const rec = await trainStep(stepContext, st.globalStep);
      st.globalStep = rec.step;
      steps.push(rec);
      fs.appendFileSync(this.logFile(), JSON.stringify(rec) + "\n");
      progress.tick(1, `loss ${rec.loss_all!.toPrecision(4)} lr ${rec.lr.toExponential(2)}`);
      if (st.globalStep % t.checkpointing_steps === 0) {
        if (t.checkpoints_total_limit) pruneCheckpoints(this.experimentsRoot, t.checkpoints_total_limit - 1);
        saveCheckpoint(this.experimentsRoot, st.globalStep, st.network, this.networkConfig, st.optimizer!, st.ema, { global_step: st.globalStep, optimizer_step: st.optimizer!.step, ema_decay: t.ema_decay });
      }
      if (st.valSet && st.globalStep % t.validation_steps === 0) {
        const m = { step: st.globalStep, ...(await this.validate()) };
        validation.push(m);
        fs.appendFileSync(this.logFile(), JSON.stringify({ type: "validation", ...m }) + "\n");
      }
      this.options.onStep?.(rec);
    }
    progress.done();
    return { experimentsRoot: this.experimentsRoot, steps, validation, network: this.network, pretrained: st.pretrained };
  }

  dispose(): void {
    if (this.state) disposeTrainingState(this.state);
  }
}

export async function train(file: string, options: TrainOptions = {}): Promise<TrainResult> {
  const trainer = new Trainer(file, options);
  return trainer.run();
}

export { listCheckpoints };
