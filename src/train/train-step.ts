/**
 * One optimiser step of the trainer (spec §4-§5): gradient accumulation over micro-batches,
 * global-norm clipping (train.optim.max_grad_norm), AdamW at the scheduled learning rate, then the
 * optional EMA of the weights. Stateless: the trainer owns the network, optimiser and step count.
 * With `train.patched` (spec §5) the batch is cut into patches and every minibatch of
 * `max_minibatch` patch positions (all images of the batch) gets its own optimiser update at the
 * step's learning rate; the step count still advances by one per batch, as in the original.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { PairDataset } from "../data/readers/dataset";
import type { Network } from "../models/network";
import type { AdamW } from "./adamw";
import { loadBatch } from "./batch";
import type { TrainConfig } from "./config";
import { evalLoss, type LossTerm } from "./losses";
import type { SampleOrder } from "./sample-order";
import { patchStarts } from "./patched";
import { lrMultiplier } from "./schedule";

/** One JSONL line of train_log.jsonl: step (after the update), lr, gradient norm, wall ms, `loss_<term>`. */
export interface StepRecord {
  step: number;
  lr: number;
  grad_norm: number;
  ms: number;
  [loss: string]: number;
}

/** EMA copies of the parameters, by parameter name, in the order of `network.params.entries()`. */
export type EmaWeights = Array<[string, tfTypes.Variable]>;

export interface StepContext {
  tf: typeof tfTypes;
  train: TrainConfig["train"];
  network: Network;
  trainSet: PairDataset;
  order: SampleOrder;
  terms: LossTerm[];
  optimizer: AdamW;
  ema: EmaWeights | null;
}

/** The learning rate at optimiser step `step` (0-based): base rate (scaled by batch x accumulation if scale_lr) x schedule. */
export function learningRate(train: TrainConfig["train"], step: number): number {
  const o = train.optim, s = train.scheduler;
  let lr = o.learning_rate;
  if (o.scale_lr) lr *= train.gradient_accumulation_steps * train.batch_size;
  return lr * lrMultiplier({ type: s.type, warmup: s.lr_warmup_steps, total: train.max_train_steps, numCycles: s.lr_num_cycles, power: s.lr_power, lr }, step);
}

/** Gradients of `scale`·loss (keyed by tf variable name) on one batch, and the unscaled loss terms. */
async function lossGradients(ctx: StepContext, lq: tfTypes.Tensor4D, gt: tfTypes.Tensor4D, scale: number): Promise<{ grads: Record<string, tfTypes.Tensor>; parts: Record<string, number> }> {
  const { tf, network, terms } = ctx;
  const kept: Record<string, tfTypes.Scalar> = {};
  const { grads } = tf.variableGrads(() => {
    const l = evalLoss(tf, terms, network.apply(lq), gt);
    for (const [k, v] of Object.entries(l)) kept[k] = tf.keep(v);
    return (scale !== 1 ? tf.mul(l.all!, scale) : l.all!) as tfTypes.Scalar;
  }, network.params.variables());
  const parts: Record<string, number> = {};
  for (const [k, v] of Object.entries(kept)) parts[k] = (await v.data())[0]!;
  tf.dispose(Object.values(kept));
  return { grads, parts };
}

/** Gradients keyed by tf variable name -> by parameter name (what the optimiser takes). */
function byParameterName(ctx: StepContext, grads: Record<string, tfTypes.Tensor>): Record<string, tfTypes.Tensor> {
  const out: Record<string, tfTypes.Tensor> = {};
  for (const v of ctx.network.params.entries()) if (grads[v.variable.name]) out[v.name] = grads[v.variable.name]!;
  return out;
}

/** Mean loss terms and summed gradients (keyed by parameter name) over the micro-batches of step `step`. */
async function accumulateGradients(ctx: StepContext, step: number): Promise<{ grads: Record<string, tfTypes.Tensor>; losses: Record<string, number> }> {
  const { tf, network } = ctx;
  const accum = ctx.train.gradient_accumulation_steps, B = ctx.train.batch_size;
  const vars = network.params.entries();
  let sum: Record<string, tfTypes.Tensor> | null = null;
  const losses: Record<string, number> = {};
  for (let m = 0; m < accum; m++) {
    const base = (step * accum + m) * B;
    const picks = Array.from({ length: B }, (_, i) => ctx.order.index(base + i));
    const { lq, gt } = await loadBatch(tf, ctx.trainSet, picks.map((p) => p.index), picks[0]!.epoch);
    const { grads, parts } = await lossGradients(ctx, lq, gt, 1 / accum);
    for (const [k, v] of Object.entries(parts)) losses[k] = (losses[k] ?? 0) + v / accum;
    tf.dispose([lq, gt]);
    if (!sum) sum = grads;
    else {
      const prev: Record<string, tfTypes.Tensor> = sum;
      sum = {};
      for (const k of Object.keys(grads)) sum[k] = tf.add(prev[k]!, grads[k]!);
      tf.dispose([...Object.values(prev), ...Object.values(grads)]);
    }
  }
  // variableGrads keys by the tf variable name; the optimiser by parameter name.
  return { grads: byParameterName(ctx, sum!), losses };
}

/**
 * Global-norm clipping as torch.nn.utils.clip_grad_norm_ (coefficient max/(norm+1e-6), capped at 1),
 * in place; returns the norm before clipping. `maxNorm` 0 disables clipping.
 */
function clipGlobalNorm(tf: typeof tfTypes, grads: Record<string, tfTypes.Tensor>, maxNorm: number): number {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
  if (maxNorm > 0 && norm > maxNorm) {
    const coef = maxNorm / (norm + 1e-6);
    for (const k of Object.keys(grads)) {
      const g = grads[k]!;
      grads[k] = tf.mul(g, coef);
      g.dispose();
    }
  }
  return norm;
}

/** ema <- decay * ema + (1 - decay) * weights. */
function updateEma(tf: typeof tfTypes, ema: EmaWeights, network: Network, decay: number): void {
  const vars = network.params.entries();
  tf.tidy(() => {
    for (const [i, [, e]] of ema.entries()) e.assign(tf.add(tf.mul(e, decay), tf.mul(vars[i]!.variable, 1 - decay)));
  });
}

/**
 * The patch minibatches of a batch (spec §5): patches of patch_size_h × patch_size_w (clamped to the
 * image) at stride ⌊size·(1 − patch_overlap)⌋, the last one flush with the image end (the original's
 * patchify drops the last row/column); successive groups of `max_minibatch` positions, each with the
 * patches of every image of the batch ([B·m, ph, pw, C]).
 */
export function patchMinibatches(tf: typeof tfTypes, lq: tfTypes.Tensor4D, gt: tfTypes.Tensor4D, train: TrainConfig["train"]): Array<{ lq: tfTypes.Tensor4D; gt: tfTypes.Tensor4D }> {
  const [, H, W] = gt.shape;
  const ph = Math.min(train.patch_size_h, H), pw = Math.min(train.patch_size_w, W);
  const ys = patchStarts(H, ph, Math.max(1, Math.floor(ph * (1 - train.patch_overlap))));
  const xs = patchStarts(W, pw, Math.max(1, Math.floor(pw * (1 - train.patch_overlap))));
  const positions = ys.flatMap((y) => xs.map((x) => [y, x] as const));
  const out: Array<{ lq: tfTypes.Tensor4D; gt: tfTypes.Tensor4D }> = [];
  for (let i = 0; i < positions.length; i += train.max_minibatch) {
    const group = positions.slice(i, i + train.max_minibatch);
    const cut = (t: tfTypes.Tensor4D) => tf.tidy(() => tf.concat(group.map(([y, x]) => tf.slice(t, [0, y, x, 0], [-1, ph, pw, -1])), 0) as tfTypes.Tensor4D);
    out.push({ lq: cut(lq), gt: cut(gt) });
  }
  return out;
}

/** A patched step: one optimiser update per patch minibatch; losses and gradient norms are their means. */
async function patchedTrainStep(ctx: StepContext, step: number): Promise<StepRecord> {
  const t0 = Date.now();
  const { tf } = ctx;
  const B = ctx.train.batch_size;
  const picks = Array.from({ length: B }, (_, i) => ctx.order.index(step * B + i));
  const batch = await loadBatch(tf, ctx.trainSet, picks.map((p) => p.index), picks[0]!.epoch);
  const minibatches = patchMinibatches(tf, batch.lq, batch.gt, ctx.train);
  tf.dispose([batch.lq, batch.gt]);
  const lr = learningRate(ctx.train, step);
  const losses: Record<string, number> = {};
  let normSum = 0;
  for (const mb of minibatches) {
    const { grads, parts } = await lossGradients(ctx, mb.lq, mb.gt, 1);
    tf.dispose([mb.lq, mb.gt]);
    const named = byParameterName(ctx, grads);
    normSum += clipGlobalNorm(tf, named, ctx.train.optim.max_grad_norm);
    ctx.optimizer.apply(named, lr);
    tf.dispose(Object.values(named));
    if (ctx.ema) updateEma(tf, ctx.ema, ctx.network, ctx.train.ema_decay!);
    for (const [k, v] of Object.entries(parts)) losses[k] = (losses[k] ?? 0) + v / minibatches.length;
  }
  const rec: StepRecord = { step: step + 1, lr, grad_norm: normSum / minibatches.length, ms: Date.now() - t0 };
  for (const [k, v] of Object.entries(losses)) rec[`loss_${k}`] = v;
  return rec;
}

/** Runs optimiser step `step` (0-based, the number of steps done before it) and returns its record. */
export async function trainStep(ctx: StepContext, step: number): Promise<StepRecord> {
  if (ctx.train.patched) return patchedTrainStep(ctx, step);
  const t0 = Date.now();
  const { tf } = ctx;
  const { grads, losses } = await accumulateGradients(ctx, step);
  const norm = clipGlobalNorm(tf, grads, ctx.train.optim.max_grad_norm);
  const lr = learningRate(ctx.train, step);
  ctx.optimizer.apply(grads, lr);
  tf.dispose(Object.values(grads));
  if (ctx.ema) updateEma(tf, ctx.ema, ctx.network, ctx.train.ema_decay!);
  const rec: StepRecord = { step: step + 1, lr, grad_norm: norm, ms: Date.now() - t0 };
  for (const [k, v] of Object.entries(losses)) rec[`loss_${k}`] = v;
  return rec;
}
