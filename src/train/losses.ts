/**
 * Loss strings as the original's configs write them (spec §6.1): `weight*Name` terms separated by
 * `|`, e.g. `1*MSE|0.5*L1`. Names come from a whitelist (the original evaluates arbitrary Python).
 * The result maps every term to its weighted value plus `all`, their sum.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { Registry } from "../config/registry";
import { ConfigError } from "../util/errors";

type Tf = typeof tfTypes;
type T = tfTypes.Tensor;
export type LossFn = (tf: Tf, pred: T, target: T) => tfTypes.Scalar;

/** Losses by config name. They take no options, so entries are the loss functions themselves. */
export const losses = new Registry<LossFn>("loss");
losses.register("MSE", (tf, p, t) => tf.mean(tf.squaredDifference(p, t)) as tfTypes.Scalar);
losses.register("L1", (tf, p, t) => tf.mean(tf.abs(tf.sub(p, t))) as tfTypes.Scalar);
losses.register("Huber", (tf, p, t) => tf.losses.huberLoss(t, p, undefined, 1, tf.Reduction.MEAN) as tfTypes.Scalar);
// mean_b 10*log10(MSE_b + 1e-8): minus the PSNR for unit peak.
losses.register("PSNR_loss", (tf, p, t) => {
  const perImage = tf.mean(tf.squaredDifference(p, t), [1, 2, 3]);
  return tf.mul(10 / Math.LN10, tf.mean(tf.log(tf.add(perImage, 1e-8)))) as tfTypes.Scalar;
});
const charbonnier: LossFn = (tf, p, t) => tf.mean(tf.sqrt(tf.add(tf.squaredDifference(p, t), 1e-6))) as tfTypes.Scalar;
losses.register("L1_Charbonnier_loss", charbonnier);
losses.register("L1_Charbonnier_loss_color", (tf, p, t) => tf.mean(tf.sqrt(tf.add(tf.mean(tf.squaredDifference(p, t), -1), 1e-6))) as tfTypes.Scalar);
losses.register("Charbonnier", charbonnier); // a friendlier alias

export function knownLosses(): string[] {
  return losses.names();
}

export interface LossTerm {
  name: string;
  weight: number;
  fn: LossFn;
}

export function parseLoss(spec: string, file = "<config>", keyPath = "train.loss"): LossTerm[] {
  const terms: LossTerm[] = [];
  for (const raw of spec.split("|")) {
    const m = /^\s*(?:([0-9.eE+-]+)\s*\*\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(raw);
    if (!m) throw new ConfigError(file, keyPath, "terms 'weight*Name' separated by '|' (e.g. 1*MSE|0.5*L1)", spec, `cannot read term '${raw.trim()}'`);
    const weight = m[1] === undefined ? 1 : Number(m[1]);
    if (!Number.isFinite(weight)) throw new ConfigError(file, keyPath, "a numeric weight", spec, `term '${raw.trim()}'`);
    const fn = losses.get(m[2], { file, keyPath }, spec);
    terms.push({ name: m[2]!, weight, fn });
  }
  return terms;
}

/** Weighted terms and their sum `all` (scalars; the caller owns them). */
export function evalLoss(tf: Tf, terms: LossTerm[], pred: T, target: T): Record<string, tfTypes.Scalar> {
  const out: Record<string, tfTypes.Scalar> = {};
  let all: tfTypes.Scalar | null = null;
  for (const t of terms) {
    const v = tf.mul(t.fn(tf, pred, target), t.weight) as tfTypes.Scalar;
    out[t.name] = v;
    all = all ? (tf.add(all, v) as tfTypes.Scalar) : v;
  }
  out.all = all!;
  return out;
}
