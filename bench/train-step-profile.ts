/**
 * Per-kernel time of one NAFNet training step on the active tfjs backend (tf.profile), summed by
 * kernel name and by kernel+shape; for finding what to speed up in src/backend/wasm-kernels.
 *
 * With --repeat N the step is profiled N times and each row is the median over those runs (one
 * profiled step on a shared machine is dominated by whichever kernels another job preempted).
 *
 *   npx tsx bench/train-step-profile.ts [--width 32] [--enc 1,1,1,28] [--batch 4] [--size 64] [--top 25] [--repeat 1]
 */
import * as os from "node:os";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../src/backend";
import { createNetwork } from "../src/models";
import { AdamW } from "../src/train/adamw";
import { Rng } from "../src/util/rng";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}
const width = Number(arg("width", "32"));
const enc = arg("enc", "1,1,1,28").split(",").map(Number);
const B = Number(arg("batch", "4"));
const S = Number(arg("size", "64"));
const top = Number(arg("top", "25"));
const repeat = Number(arg("repeat", "1"));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

(async () => {
  const { tf } = await initBackend();
  const net = createNetwork(tf, { type: "NAFNet", width, enc_blk_nums: enc, middle_blk_num: 1, dec_blk_nums: enc.map(() => 1) }, new Rng(0));
  const entries = net.params.entries();
  const opt = new AdamW(tf, entries, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  const x = tf.randomUniform([B, S, S, 3]) as tfTypes.Tensor4D, y = tf.randomUniform([B, S, S, 3]) as tfTypes.Tensor4D;
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), y))) as tfTypes.Scalar, entries.map((e) => e.variable));
    const byName: Record<string, tfTypes.Tensor> = {};
    for (const e of entries) byName[e.name] = grads[e.variable.name]!;
    opt.apply(byName, 1e-4);
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  // Per run: ms and call count per kernel name and per kernel+shapes; rows report medians over runs.
  const runs: Array<{ wall: number; total: number; count: number; byName: Map<string, [number, number]>; byShape: Map<string, [number, number]> }> = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    const prof = await tf.profile(step);
    const wall = performance.now() - t0;
    const byName = new Map<string, [number, number]>();
    const byShape = new Map<string, [number, number]>();
    let total = 0;
    for (const k of prof.kernels) {
      const ms = k.kernelTimeMs as number;
      // tf.customGrad ops (the fused layers) show up as "forward", timing the kernels inside them again.
      if (k.name !== "forward") total += ms;
      const key2 = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(" ")}`;
      for (const [m, key] of [[byName, k.name], [byShape, key2]] as const) {
        const e = m.get(key) ?? [0, 0];
        e[0] += ms; e[1]++;
        m.set(key, e);
      }
    }
    runs.push({ wall, total, count: prof.kernels.length, byName, byShape });
  }
  const medianOf = (pick: (r: (typeof runs)[number]) => Map<string, [number, number]>) => {
    const m = new Map<string, [number, number]>();
    for (const key of new Set(runs.flatMap((r) => [...pick(r).keys()]))) m.set(key, [median(runs.map((r) => pick(r).get(key)?.[0] ?? 0)), pick(runs[0]!).get(key)?.[1] ?? 0]);
    return m;
  };
  console.log(`profiled step (median of ${repeat}): wall ${median(runs.map((r) => r.wall)).toFixed(0)} ms (profiling overhead included); kernel sum ${median(runs.map((r) => r.total)).toFixed(0)} ms (customGrad "forward" wrappers left out); ${runs[0]!.count} kernels; load ${os.loadavg()[0]!.toFixed(2)}`);
  const show = (m: Map<string, [number, number]>, title: string) => {
    console.log(`-- ${title}`);
    for (const [k, [ms, n]] of [...m].sort((a, b) => b[1][0] - a[1][0]).slice(0, top)) console.log(`${ms.toFixed(1).padStart(8)} ms ${String(n).padStart(5)}x  ${k}`);
  };
  show(medianOf((r) => r.byName), "by kernel");
  show(medianOf((r) => r.byShape), "by kernel and input shapes");
})();
