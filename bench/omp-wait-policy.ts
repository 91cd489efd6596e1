/**
 * Does OMP_WAIT_POLICY matter for the native kernels? libgomp reads it once when the addon loads, so
 * each policy runs in its own child process; children alternate (passive, active, passive, ...) so
 * load from other jobs hits both alike. Each child times NAFNet training steps with the native
 * kernels on 2 threads; prints the median per policy.
 *
 *   npx tsx bench/omp-wait-policy.ts [--pairs 2] [--steps 4] [--enc 1,1,1,28] [--batch 4] [--size 64]
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend, installNativeKernels, nativeStatus, setNativeThreads } from "../src/backend";
import { createNetwork } from "../src/models";
import { AdamW } from "../src/train/adamw";
import { Rng } from "../src/util/rng";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}
const enc = arg("enc", "1,1,1,28");
const B = arg("batch", "4"), S = arg("size", "64"), steps = arg("steps", "4");
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function child(): Promise<void> {
  const { tf } = await initBackend("wasm");
  if (!installNativeKernels(tf)) throw new Error(`omp-wait-policy: native kernels not in use (${nativeStatus().reason})`);
  setNativeThreads(2);
  const e = enc.split(",").map(Number);
  const net = createNetwork(tf, { type: "NAFNet", width: 32, enc_blk_nums: e, middle_blk_num: 1, dec_blk_nums: e.map(() => 1) }, new Rng(0));
  const entries = net.params.entries();
  const opt = new AdamW(tf, entries, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  const x = tf.randomUniform([+B, +S, +S, 3]) as tfTypes.Tensor4D, y = tf.randomUniform([+B, +S, +S, 3]) as tfTypes.Tensor4D;
  const times: number[] = [];
  for (let i = 0; i <= +steps; i++) {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), y))) as tfTypes.Scalar, entries.map((v) => v.variable));
    const byName: Record<string, tfTypes.Tensor> = {};
    for (const v of entries) byName[v.name] = grads[v.variable.name]!;
    opt.apply(byName, 1e-4);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    await entries[0]!.variable.data();
    if (i > 0) times.push(performance.now() - t0);
  }
  console.log(JSON.stringify(times));
}

function parent(): void {
  const pairs = Number(arg("pairs", "2"));
  const times: Record<string, number[]> = { passive: [], active: [] };
  console.log(`OMP_WAIT_POLICY A/B: NAFNet enc [${enc}], batch ${B} x ${S}x${S}, 2 native threads, ${steps} steps per child, ${pairs} pairs; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (let p = 0; p < pairs; p++) {
    for (const policy of p % 2 ? ["active", "passive"] : ["passive", "active"]) {
      const r = spawnSync(process.execPath, ["--require", "tsx/cjs", __filename, "--child", "--enc", enc, "--batch", B, "--size", S, "--steps", steps], {
        encoding: "utf8",
        env: { ...process.env, OMP_WAIT_POLICY: policy },
      });
      if (r.status !== 0) throw new Error(`child (${policy}) failed: ${r.stderr}`);
      times[policy]!.push(...(JSON.parse(r.stdout.trim().split("\n").pop()!) as number[]));
    }
  }
  for (const [policy, t] of Object.entries(times)) console.log(`  ${policy.padEnd(8)} ${median(t).toFixed(0).padStart(6)} ms/step (median of ${t.length})`);
  console.log(`  load at end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

if (process.argv.includes("--child")) void child();
else parent();
