/**
 * Checkpoints in the original's layout (spec §7): `checkpoint-<N>/<ClassName>_1/{config.json,
 * model.safetensors}` with keys `model.<parameter>` in PyTorch layout, plus our optimizer state
 * (`optimizer.safetensors`, `trainer_state.json`) and optional `ema.safetensors`. A checkpoint is
 * written into a temporary folder and renamed when complete, so a killed run never leaves a
 * partial `checkpoint-N`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { readSafetensors, writeSafetensors, type NamedTensor } from "../io/safetensors";
import type { Network } from "../models/network";
import { loadNetworkWeights } from "../models/weights";
import { InputFileError } from "../util/errors";
import type { AdamW } from "./adamw";

export interface TrainerState {
  global_step: number;
  optimizer_step: number;
  ema_decay?: number;
}

export function listCheckpoints(dir: string): Array<{ step: number; path: string }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((n) => /^checkpoint-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ step: Number(m[1]), path: path.join(dir, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

/** Deletes the oldest checkpoints so at most `keep` remain. */
export function pruneCheckpoints(dir: string, keep: number): void {
  const all = listCheckpoints(dir);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) fs.rmSync(c.path, { recursive: true, force: true });
}

function tensorsOf(vars: Array<[string, tfTypes.Variable]>): Array<[string, NamedTensor]> {
  return vars.map(([n, v]) => [n, { shape: v.shape, data: v.dataSync() as Float32Array }]);
}

export function saveCheckpoint(
  dir: string,
  step: number,
  net: Network,
  networkConfig: Record<string, unknown>,
  opt: AdamW,
  ema: Array<[string, tfTypes.Variable]> | null,
  state: TrainerState,
): string {
  const final = path.join(dir, `checkpoint-${step}`);
  const tmp = path.join(dir, `.checkpoint-${step}.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const modelDir = path.join(tmp, `${net.className}_1`);
  fs.mkdirSync(modelDir, { recursive: true });
  fs.writeFileSync(path.join(modelDir, "config.json"), JSON.stringify({ ...networkConfig, architectures: [net.className] }, null, 2) + "\n");
  writeSafetensors(path.join(modelDir, "model.safetensors"), net.params.toTorchStateDict("model."), { format: "pt" });
  writeSafetensors(path.join(tmp, "optimizer.safetensors"), tensorsOf(opt.state()));
  if (ema) writeSafetensors(path.join(tmp, "ema.safetensors"), tensorsOf(ema));
  fs.writeFileSync(path.join(tmp, "trainer_state.json"), JSON.stringify(state, null, 2) + "\n");
  fs.rmSync(final, { recursive: true, force: true });
  fs.renameSync(tmp, final);
  return final;
}

/** Resolves `latest` (newest checkpoint-N in `dir`) or a checkpoint name/path. */
export function resolveCheckpoint(dir: string, which: string): string {
  if (which === "latest") {
    const all = listCheckpoints(dir);
    if (!all.length) throw new InputFileError(dir, "resume_from_checkpoint is 'latest' but the folder holds no checkpoint-N");
    return all[all.length - 1]!.path;
  }
  const p = path.isAbsolute(which) || fs.existsSync(which) ? which : path.join(dir, which);
  if (!fs.existsSync(p)) throw new InputFileError(p, "checkpoint folder not found");
  return p;
}

export function loadCheckpoint(tf: typeof tfTypes, ckpt: string, net: Network, opt: AdamW | null, ema: Array<[string, tfTypes.Variable]> | null): TrainerState {
  // save_pretrained output, else the original's fallback state dict (spec §7)
  const modelDir = path.join(ckpt, `${net.className}_1`);
  const weights = ["model.safetensors", "pytorch_model.bin"].map((f) => path.join(modelDir, f)).find((f) => fs.existsSync(f));
  if (!weights) throw new InputFileError(ckpt, `no ${net.className}_1/model.safetensors (or pytorch_model.bin) in the checkpoint`);
  loadNetworkWeights(net, weights);
  const stateFile = path.join(ckpt, "trainer_state.json");
  const state: TrainerState = fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, "utf8")) as TrainerState) : { global_step: Number(/checkpoint-(\d+)/.exec(ckpt)?.[1] ?? 0), optimizer_step: 0 };
  const optFile = path.join(ckpt, "optimizer.safetensors");
  if (opt && fs.existsSync(optFile)) opt.loadState(readSafetensors(optFile).tensors, state.optimizer_step);
  const emaFile = path.join(ckpt, "ema.safetensors");
  if (ema && fs.existsSync(emaFile)) {
    const t = readSafetensors(emaFile).tensors;
    for (const [n, v] of ema) {
      const e = t.get(n);
      if (!e || e.data.length !== v.size) continue;
      const value = tf.tensor(e.data, v.shape);
      v.assign(value);
      value.dispose();
    }
  }
  return state;
}
