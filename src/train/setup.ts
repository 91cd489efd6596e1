/**
 * Everything a training or evaluation run needs before its first step: the backend, the network
 * (seeded init, then pretrained weights), the datasets (checked against the network's channels),
 * AdamW and the EMA copies, and the state of a resumed checkpoint.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import "../backend/wasm-kernels";
import type { PairDataset } from "../data/readers/dataset";
import { createDataset } from "../data/readers/registry";
import { loadNetworkWeights, type LoadedWeights } from "../models/weights";
import type { Network } from "../models/network";
import { createNetwork } from "../models/registry";
import { ConfigError } from "../util/errors";
import { Rng } from "../util/rng";
import { AdamW } from "./adamw";
import { loadCheckpoint, resolveCheckpoint } from "./checkpoint";
import type { TrainConfig } from "./config";
import type { EmaWeights } from "./train-step";

export interface TrainingState {
  tf: typeof tfTypes;
  network: Network;
  /** Present when is_train. */
  trainSet: PairDataset | null;
  valSet: PairDataset | null;
  /** Present when is_train. */
  optimizer: AdamW | null;
  ema: EmaWeights | null;
  /** Optimiser steps already done (from a resumed checkpoint, else 0). */
  globalStep: number;
  /** What `path.pretrained` held (format, naming convention found), when set. */
  pretrained?: LoadedWeights;
}

/** A clear error when the data do not fit the network (channels). */
async function checkChannels(cfg: TrainConfig, file: string, ds: PairDataset, key: string): Promise<void> {
  const s = await ds.get(0, 0);
  const net = cfg.network as { in_channels?: number; out_channels?: number };
  const cin = net.in_channels ?? 3, cout = net.out_channels ?? 3;
  if (s.blur.channels !== cin) throw new ConfigError(file, "network.in_channels", `the ${s.blur.channels} channels of ${key}'s ${ds.lqKey} images`, cin, "wrong shape");
  if (s.gt.channels !== cout) throw new ConfigError(file, "network.out_channels", `the ${s.gt.channels} channels of ${key}'s ${ds.gtKey} images`, cout, "wrong shape");
}

/** Builds the state of a Simple_model run from config `cfg` (read from `file`, named in errors). */
export async function prepareTraining(cfg: TrainConfig, file: string, experimentsRoot: string): Promise<TrainingState> {
  const { tf } = await initBackend();
  const network = createNetwork(tf, cfg.network, new Rng(cfg.seed).fork("init"), file, "network");
  const state: TrainingState = { tf, network, trainSet: null, valSet: null, optimizer: null, ema: null, globalStep: 0 };
  try {
    await completeState(state, cfg, file, experimentsRoot);
  } catch (err) {
    disposeTrainingState(state);
    throw err;
  }
  return state;
}

/** Frees the network's, optimiser's and EMA's tensors. */
export function disposeTrainingState(state: TrainingState): void {
  state.network.params.dispose();
  state.optimizer?.dispose();
  if (state.ema) for (const [, v] of state.ema) v.dispose();
}

async function completeState(state: TrainingState, cfg: TrainConfig, file: string, experimentsRoot: string): Promise<void> {
  const { tf, network } = state;
  if (cfg.is_train) {
    if (!cfg.datasets.train) throw new ConfigError(file, "datasets.train", "a dataset mapping with a 'type' (training needs a training set)", undefined);
    state.trainSet = await createDataset(cfg.datasets.train, { file, keyPath: "datasets.train" });
    if (state.trainSet.length === 0) throw new ConfigError(file, "datasets.train", "a non-empty dataset", cfg.datasets.train);
    await checkChannels(cfg, file, state.trainSet, "datasets.train");
  }
  if (cfg.datasets.val) {
    state.valSet = await createDataset(cfg.datasets.val, { file, keyPath: "datasets.val" });
    await checkChannels(cfg, file, state.valSet, "datasets.val");
  }
  if (!cfg.is_train && !state.valSet) throw new ConfigError(file, "datasets.val", "a dataset mapping with a 'type' (inference runs the validation set)", undefined);
  const entries = network.params.entries();
  if (cfg.is_train) {
    const o = cfg.train.optim;
    state.optimizer = new AdamW(tf, entries, { beta1: o.adam_beta1, beta2: o.adam_beta2, eps: o.adam_epsilon, weightDecay: o.adam_weight_decay });
    if (cfg.train.ema_decay !== undefined) state.ema = entries.map((e) => [e.name, tf.variable(e.variable.clone(), false)]);
  }
  if (cfg.path.pretrained) {
    state.pretrained = loadNetworkWeights(network, cfg.path.pretrained);
  }
  if (cfg.path.resume_from_checkpoint) {
    const dir = cfg.path.resume_from_path ?? experimentsRoot;
    const ckpt = resolveCheckpoint(dir, cfg.path.resume_from_checkpoint);
    state.globalStep = loadCheckpoint(tf, ckpt, network, state.optimizer, state.ema).global_step;
  }
}
