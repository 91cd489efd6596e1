/**
 * Child process of test/backend/webgpu.test.ts: a few NAFNet training steps (small width, fixed
 * seed) on the backend SVD_BACKEND forces; prints one JSON line {backend, fused, losses}, where
 * fused lists the custom fused kernels the backend has (wasm: all; others: none, so layers and
 * AdamW take their plain tf-op paths). A separate
 * process keeps dawn.node and the WebGPU globals out of the mocha process.
 *
 *   SVD_BACKEND=webgpu npx tsx test/backend/train-losses-child.ts [steps]
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { createNetwork } from "../../src/models";
import { AdamW } from "../../src/train/adamw";
import { Rng } from "../../src/util/rng";

const steps = Number(process.argv[2] ?? "3");
const [B, S, C] = [2, 16, 3];

(async () => {
  const { tf, info } = await initBackend();
  const net = createNetwork(tf, { type: "NAFNet", width: 8, enc_blk_nums: [1], middle_blk_num: 1, dec_blk_nums: [1] }, new Rng(7));
  const entries = net.params.entries();
  const opt = new AdamW(tf, entries, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  const rng = new Rng(11);
  const pixels = () => Float32Array.from({ length: B * S * S * C }, () => rng.random());
  const x = tf.tensor4d(pixels(), [B, S, S, C]), y = tf.tensor4d(pixels(), [B, S, S, C]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), y))) as tfTypes.Scalar, entries.map((e) => e.variable));
    const byName: Record<string, tfTypes.Tensor> = {};
    for (const e of entries) byName[e.name] = grads[e.variable.name]!;
    opt.apply(byName, 1e-3);
    losses.push((await value.data())[0]!);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const fused = ["SvdChannelLayerNorm", "SvdSimpleGate", "SvdAdamWStep"].filter((k) => tf.getKernel(k, info.active));
  process.stdout.write(JSON.stringify({ backend: info.active, fused, losses }) + "\n");
})().catch((err: Error) => {
  process.stderr.write(`train-losses-child: ${err.message}\n`);
  process.exitCode = 1;
});
