/**
 * The trainer (spec §3-§7): `Simple_model` restoration training from a YAML config. Per optimiser
 * step: gradient accumulation over micro-batches, global-norm clipping (train.optim.max_grad_norm),
 * AdamW with the configured LR schedule, optional EMA; every step a JSONL record; validation every
 * `validation_steps`; checkpoints every `checkpointing_steps` (keeping `checkpoints_total_limit`),
 * resumable from `latest` with identical subsequent losses (data order depends only on seed and step).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import "../backend/wasm-kernels";
import { createDataset } from "../data/readers/registry";
import type { PairDataset } from "../data/readers/dataset";
import { writeImage } from "../io/image";
import { readSafetensors } from "../io/safetensors";
import { isTrainableModelType, modelTypeEntry } from "../models/model-types";
import { createNetwork } from "../models/registry";
import type { Network } from "../models/network";
import { ConfigError } from "../util/errors";
import { createProgress } from "../util/progress";
import { Rng } from "../util/rng";
import { AdamW } from "./adamw";
import { listCheckpoints, loadCheckpoint, pruneCheckpoints, resolveCheckpoint, saveCheckpoint } from "./checkpoint";
import { loadTrainConfig, type TrainConfig } from "./config";
import { evalLoss, parseLoss, type LossTerm } from "./losses";
import { runNonBlind } from "./nonblind-run";
import { patchedInference } from "./patched";
import { lrMultiplier } from "./schedule";
import "./synthetic";
import { psnrMse } from "./fidelity";

type T4 = tfTypes.Tensor4D;

export interface StepRecord {
  step: number;
  lr: number;
  grad_norm: number;
  ms: number;
  [loss: string]: number;
}

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
}

/** Stacks samples [i..] of a dataset into NHWC batches of (lq, gt). */
async function loadBatch(tf: typeof tfTypes, ds: PairDataset, indices: number[], epoch: number): Promise<{ lq: T4; gt: T4 }> {
  const samples = await Promise.all(indices.map((i) => ds.get(i, epoch)));
  const { height: H, width: W, channels: C } = samples[0]!.gt;
  const lq = new Float32Array(indices.length * H * W * C), gt = new Float32Array(lq.length);
  samples.forEach((s, k) => {
    if (s.gt.height !== H || s.gt.width !== W || s.blur.height !== H || s.blur.width !== W)
      throw new Error(`dataset ${ds.type}: samples of one batch differ in size (${H}x${W} vs ${s.gt.height}x${s.gt.width}); crop them to one size`);
    gt.set(s.gt.data, k * H * W * C);
    lq.set(s.blur.data, k * H * W * C);
  });
  return { lq: tf.tensor4d(lq, [indices.length, H, W, s0(samples[0]!.blur.channels)]), gt: tf.tensor4d(gt, [indices.length, H, W, C]) };
}
const s0 = (x: number) => x;

/** Per-epoch shuffled order, cached; identity when not shuffling. */
class SampleOrder {
  private readonly cache = new Map<number, Uint32Array>();
  constructor(
    private readonly n: number,
    private readonly seed: number,
    private readonly shuffle: boolean,
  ) {}
  index(position: number): { index: number; epoch: number } {
    const epoch = Math.floor(position / this.n);
    const k = position % this.n;
    if (!this.shuffle) return { index: k, epoch };
    let perm = this.cache.get(epoch);
    if (!perm) {
      perm = new Uint32Array(this.n).map((_, i) => i);
      const rng = new Rng(`${this.seed}/order/${epoch}`);
      for (let i = this.n - 1; i > 0; i--) {
        const j = rng.int(0, i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      this.cache.clear();
      this.cache.set(epoch, perm);
    }
    return { index: perm[k]!, epoch };
  }
}


export class Trainer {
  readonly cfg: TrainConfig;
  readonly file: string;
  readonly experimentsRoot: string;
  private tf!: typeof tfTypes;
  network!: Network;
  private opt: AdamW | null = null;
  private ema: Array<[string, tfTypes.Variable]> | null = null;
  private terms: LossTerm[];
  private trainSet: PairDataset | null = null;
  private valSet: PairDataset | null = null;
  private globalStep = 0;
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
    const { tf } = await initBackend();
    this.tf = tf;
    const c = this.cfg;
    const rng = new Rng(c.seed);
    this.network = createNetwork(tf, c.network, rng.fork("init"), this.file, "network");
    if (c.is_train) {
      if (!c.datasets.train) throw new ConfigError(this.file, "datasets.train", "a dataset mapping with a 'type' (training needs a training set)", undefined);
      this.trainSet = await createDataset(c.datasets.train, { file: this.file, keyPath: "datasets.train" });
      if (this.trainSet.length === 0) throw new ConfigError(this.file, "datasets.train", "a non-empty dataset", c.datasets.train);
      await this.checkShapes(this.trainSet, "datasets.train");
    }
    if (c.datasets.val) {
      this.valSet = await createDataset(c.datasets.val, { file: this.file, keyPath: "datasets.val" });
      await this.checkShapes(this.valSet, "datasets.val");
    }
    if (!c.is_train && !this.valSet) throw new ConfigError(this.file, "datasets.val", "a dataset mapping with a 'type' (inference runs the validation set)", undefined);
    const entries = this.network.params.entries();
    if (c.is_train) {
      const o = c.train.optim;
      this.opt = new AdamW(tf, entries, { beta1: o.adam_beta1, beta2: o.adam_beta2, eps: o.adam_epsilon, weightDecay: o.adam_weight_decay });
      if (c.train.ema_decay !== undefined) this.ema = entries.map((e) => [e.name, tf.variable(e.variable.clone(), false)]);
    }
    if (c.path.pretrained) {
      this.network.params.loadTorchStateDict(readSafetensors(c.path.pretrained).tensors, c.path.pretrained, { rename: this.network.renameTorch });
    }
    if (c.path.resume_from_checkpoint) {
      const dir = c.path.resume_from_path ?? this.experimentsRoot;
      const ckpt = resolveCheckpoint(dir, c.path.resume_from_checkpoint);
      const st = loadCheckpoint(tf, ckpt, this.network, this.opt, this.ema);
      this.globalStep = st.global_step;
    }
  }

  /** A clear error when the data do not fit the network (channels). */
  private async checkShapes(ds: PairDataset, key: string): Promise<void> {
    const s = await ds.get(0, 0);
    const net = this.cfg.network as { in_channels?: number; out_channels?: number };
    const cin = net.in_channels ?? 3, cout = net.out_channels ?? 3;
    if (s.blur.channels !== cin) throw new ConfigError(this.file, "network.in_channels", `the ${s.blur.channels} channels of ${key}'s ${ds.lqKey} images`, cin, "wrong shape");
    if (s.gt.channels !== cout) throw new ConfigError(this.file, "network.out_channels", `the ${s.gt.channels} channels of ${key}'s ${ds.gtKey} images`, cout, "wrong shape");
  }

  private logFile(): string {
    return path.join(this.experimentsRoot, this.cfg.path.logging_dir, "train_log.jsonl");
  }

  /** One optimiser step (with accumulation); returns the record. */
  private async step(order: SampleOrder): Promise<StepRecord> {
    const tf = this.tf, c = this.cfg.train;
    const t0 = Date.now();
    const accum = c.gradient_accumulation_steps;
    const B = c.batch_size;
    const vars = this.network.params.entries();
    const varList = vars.map((v) => v.variable);
    let sum: Record<string, tfTypes.Tensor> | null = null;
    const lossSums: Record<string, number> = {};
    for (let m = 0; m < accum; m++) {
      const base = (this.globalStep * accum + m) * B;
      const picks = Array.from({ length: B }, (_, i) => order.index(base + i));
      const { lq, gt } = await loadBatch(tf, this.trainSet!, picks.map((p) => p.index), picks[0]!.epoch);
      const parts: Record<string, tfTypes.Scalar> = {};
      const { grads } = tf.variableGrads(() => {
        const losses = evalLoss(tf, this.terms, this.network.apply(lq), gt);
        for (const [k, v] of Object.entries(losses)) parts[k] = tf.keep(v);
        return (accum > 1 ? tf.div(losses.all!, accum) : losses.all!) as tfTypes.Scalar;
      }, varList);
      for (const [k, v] of Object.entries(parts)) lossSums[k] = (lossSums[k] ?? 0) + (await v.data())[0]! / accum;
      tf.dispose([lq, gt, ...Object.values(parts)]);
      if (!sum) sum = grads;
      else {
        const prev: Record<string, tfTypes.Tensor> = sum;
        sum = {};
        for (const k of Object.keys(grads)) sum[k] = tf.add(prev[k]!, grads[k]!);
        tf.dispose([...Object.values(prev), ...Object.values(grads)]);
      }
    }
    // variableGrads keys by the tf variable name; the optimiser by parameter name.
    const grads: Record<string, tfTypes.Tensor> = {};
    for (const v of vars) if (sum![v.variable.name]) grads[v.name] = sum![v.variable.name]!;
    // Global-norm clipping as torch.nn.utils.clip_grad_norm_ (coefficient max/(norm+1e-6), capped at 1).
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
    const maxNorm = this.cfg.train.optim.max_grad_norm;
    if (maxNorm > 0 && norm > maxNorm) {
      const coef = maxNorm / (norm + 1e-6);
      for (const k of Object.keys(grads)) {
        const g = grads[k]!;
        grads[k] = tf.mul(g, coef);
        g.dispose();
      }
    }
    const lr = this.learningRate(this.globalStep);
    this.opt!.apply(grads, lr);
    tf.dispose(Object.values(grads));
    if (this.ema) {
      const d = this.cfg.train.ema_decay!;
      tf.tidy(() => {
        for (const [i, [, e]] of this.ema!.entries()) e.assign(tf.add(tf.mul(e, d), tf.mul(vars[i]!.variable, 1 - d)));
      });
    }
    this.globalStep += 1;
    const rec: StepRecord = { step: this.globalStep, lr, grad_norm: norm, ms: Date.now() - t0 };
    for (const [k, v] of Object.entries(lossSums)) rec[`loss_${k}`] = v;
    return rec;
  }

  learningRate(step: number): number {
    const o = this.cfg.train.optim, s = this.cfg.train.scheduler;
    let lr = o.learning_rate;
    if (o.scale_lr) lr *= this.cfg.train.gradient_accumulation_steps * this.cfg.train.batch_size;
    return lr * lrMultiplier({ type: s.type, warmup: s.lr_warmup_steps, total: this.cfg.train.max_train_steps, numCycles: s.lr_num_cycles, power: s.lr_power, lr }, step);
  }

  /** Validation over up to max_val_steps images (all of them in inference); mean metrics. */
  async validate(all = false): Promise<Record<string, number>> {
    const tf = this.tf, v = this.cfg.val;
    if (!this.valSet) return {};
    const [lo, hi] = this.cfg.data_range as [number, number];
    const n = all ? this.valSet.length : Math.min(this.valSet.length, v.max_val_steps);
    const sums: Record<string, number> = {};
    const rows: string[] = [];
    const metricNames = Object.keys(v.metrics);
    for (let i = 0; i < n; i += v.batch_size) {
      const idx = Array.from({ length: Math.min(v.batch_size, n - i) }, (_, k) => i + k);
      const { lq, gt } = await loadBatch(tf, this.valSet, idx, 0);
      const out = v.patched
        ? patchedInference(tf, (x) => this.network.apply(x), lq, {
            patchH: v.patch_size_h,
            patchW: v.patch_size_w,
            overlap: Math.round(v.patch_overlap * Math.min(v.patch_size_h, v.patch_size_w)),
            maxMinibatch: v.max_minibatch,
          })
        : tf.tidy(() => this.network.apply(lq));
      const [B, H, W, C] = out.shape;
      const o = out.dataSync() as Float32Array, g = gt.dataSync() as Float32Array, l = lq.dataSync() as Float32Array;
      for (let b = 0; b < B; b++) {
        const oa = o.subarray(b * H * W * C, (b + 1) * H * W * C), ga = g.subarray(b * H * W * C, (b + 1) * H * W * C);
        const row: string[] = [String(idx[b])];
        for (const name of metricNames) {
          const crop = ((v.metrics[name] as { crop?: number | null } | null)?.crop ?? 0) || 0;
          const r = psnrMse({ data: oa, height: H, width: W, channels: C }, { data: ga, height: H, width: W, channels: C }, { crop, peak: hi - lo });
          const value = name === "psnr" ? r.psnr : name === "mse" ? r.mse : NaN;
          if (Number.isNaN(value)) throw new ConfigError(this.file, `val.metrics.${name}`, "psnr or mse", name);
          sums[name] = (sums[name] ?? 0) + value;
          row.push(value.toPrecision(6));
        }
        rows.push(row.join(","));
        if (v.save_images) {
          const dir = path.join(this.experimentsRoot, "images");
          const k = String(Math.floor(this.globalStep / 1000)).padStart(4, "0");
          const id = String(idx[b]).padStart(4, "0");
          const toUnit = (a: Float32Array) => a.map((x) => (x - lo) / (hi - lo));
          await writeImage(path.join(dir, `out_${id}_${k}k.png`), { data: toUnit(oa), height: H, width: W, channels: C });
          if (!this.wroteInputs || all) {
            await writeImage(path.join(dir, `gt_${id}_${k}k.png`), { data: toUnit(ga), height: H, width: W, channels: C });
            await writeImage(path.join(dir, `lq_${id}_${k}k.png`), { data: toUnit(l.subarray(b * H * W * l.length / (B * H * W), (b + 1) * H * W * l.length / (B * H * W))), height: H, width: W, channels: l.length / (B * H * W) });
          }
        }
      }
      tf.dispose([lq, gt, out]);
    }
    if (v.save_images) this.wroteInputs = true;
    const mean: Record<string, number> = {};
    for (const [k, s] of Object.entries(sums)) mean[k] = s / n;
    if (all) {
      fs.mkdirSync(this.experimentsRoot, { recursive: true });
      fs.writeFileSync(path.join(this.experimentsRoot, "metrics.csv"), ["index," + metricNames.join(","), ...rows, "mean," + metricNames.map((m) => mean[m]!.toPrecision(6)).join(",")].join("\n") + "\n");
    }
    return mean;
  }

  async run(): Promise<TrainResult> {
    if (!isTrainableModelType(this.cfg.model_type)) {
      // Non-blind baselines: no network, no training; one pass over the validation set.
      const mean = await runNonBlind(this.cfg, this.tree, this.file, this.experimentsRoot);
      return { experimentsRoot: this.experimentsRoot, steps: [], validation: [{ step: 0, ...mean }] };
    }
    await this.setup();
    const c = this.cfg, t = c.train;
    fs.mkdirSync(path.dirname(this.logFile()), { recursive: true });
    fs.writeFileSync(path.join(this.experimentsRoot, "config.json"), JSON.stringify(this.cfg, null, 2) + "\n");
    const steps: StepRecord[] = [];
    const validation: Array<Record<string, number>> = [];
    if (!c.is_train) {
      validation.push({ step: this.globalStep, ...(await this.validate(true)) });
      return { experimentsRoot: this.experimentsRoot, steps, validation, network: this.network };
    }
    const shuffle = (c.datasets.train as { use_shuffle?: boolean }).use_shuffle ?? true;
    const order = new SampleOrder(this.trainSet!.length, c.seed, shuffle);
    const progress = createProgress("train", t.max_train_steps, "steps");
    if (this.globalStep) progress.tick(this.globalStep);
    while (this.globalStep < t.max_train_steps) {
      const rec = await this.step(order);
      steps.push(rec);
      fs.appendFileSync(this.logFile(), JSON.stringify(rec) + "\n");
      progress.tick(1, `loss ${rec.loss_all!.toPrecision(4)} lr ${rec.lr.toExponential(2)}`);
      if (this.globalStep % t.checkpointing_steps === 0) {
        if (t.checkpoints_total_limit) pruneCheckpoints(this.experimentsRoot, t.checkpoints_total_limit - 1);
        saveCheckpoint(this.experimentsRoot, this.globalStep, this.network, this.networkConfig, this.opt!, this.ema, { global_step: this.globalStep, optimizer_step: this.opt!.step, ema_decay: t.ema_decay });
      }
      if (this.valSet && this.globalStep % t.validation_steps === 0) {
        const m = { step: this.globalStep, ...(await this.validate()) };
        validation.push(m);
        fs.appendFileSync(this.logFile(), JSON.stringify({ type: "validation", ...m }) + "\n");
      }
      this.options.onStep?.(rec);
    }
    progress.done();
    return { experimentsRoot: this.experimentsRoot, steps, validation, network: this.network };
  }

  dispose(): void {
    this.network?.params.dispose();
    this.opt?.dispose();
    if (this.ema) for (const [, v] of this.ema) v.dispose();
  }
}

export async function train(file: string, options: TrainOptions = {}): Promise<TrainResult> {
  const trainer = new Trainer(file, options);
  return trainer.run();
}

export { listCheckpoints };
