/**
 * A/B of the native fused kernels on the NAFNet training step, in one process: each round times one
 * step per configuration (all native kernels; then with one group put back to the wasm kernels it
 * replaced), in an order that rotates each round, so load from other jobs hits every configuration
 * alike. Prints medians per config.
 *
 *   npx tsx bench/native-fusion-ab.ts [--width 32] [--enc 1,1,1,28] [--batch 4] [--size 64] [--rounds 5] [--threads 2]
 */
import * as os from "node:os";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend, installNativeKernels, setNativeThreads } from "../src/backend";
import { denseBackwardKernelName, denseKernelName, uninstallNativeKernels } from "../src/backend/native";
import { adamwKernelName } from "../src/backend/wasm-kernels";
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
const rounds = Number(arg("rounds", "5"));
const threads = Number(arg("threads", "2"));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** Kernel groups switched off one at a time ('absent' kernels are unregistered, so layers fall back to tf ops). */
const groups: Record<string, { restore: string[]; absent: string[] }> = {
  "dense (1x1 conv + bias fused)": { restore: [], absent: [denseKernelName, denseBackwardKernelName] },
  "Sum over axis blocks": { restore: ["Sum"], absent: [] },
  "AdamW step": { restore: [adamwKernelName], absent: [] },
};
// Every group at once: the native kernels as they were before these (conv, depthwise, BatchMatMul only).
groups["any of the above"] = { restore: Object.values(groups).flatMap((g) => g.restore), absent: Object.values(groups).flatMap((g) => g.absent) };

(async () => {
  const { tf } = await initBackend("wasm");
  uninstallNativeKernels();
  const kernelOf = (name: string) => tf.getKernel(name, "wasm");
  const names = [...new Set(Object.values(groups).flatMap((g) => [...g.restore, ...g.absent]))];
  const before = new Map(names.map((n) => [n, kernelOf(n)]));
  if (!installNativeKernels(tf)) throw new Error("native-fusion-ab: the native kernels are not in use (npm run build:native)");
  setNativeThreads(threads);
  const after = new Map(names.map((n) => [n, kernelOf(n)]));
  const use = (table: Map<string, tfTypes.KernelConfig | undefined>, except: string[] = []) => {
    for (const n of names) {
      if (kernelOf(n)) tf.unregisterKernel(n, "wasm");
      const k = except.includes(n) ? undefined : table.get(n);
      if (k) tf.registerKernel(k);
    }
  };
  const configure = (group: string | null) => {
    use(after);
    if (group === null) return;
    const g = groups[group]!;
    for (const n of [...g.restore, ...g.absent]) tf.unregisterKernel(n, "wasm");
    for (const n of g.restore) tf.registerKernel(before.get(n)!);
  };

  const net = createNetwork(tf, { type: "NAFNet", width, enc_blk_nums: enc, middle_blk_num: 1, dec_blk_nums: enc.map(() => 1) }, new Rng(0));
  const entries = net.params.entries();
  const opt = new AdamW(tf, entries, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  const x = tf.randomUniform([B, S, S, 3]) as tfTypes.Tensor4D, y = tf.randomUniform([B, S, S, 3]) as tfTypes.Tensor4D;
  const step = async () => {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), y))) as tfTypes.Scalar, entries.map((e) => e.variable));
    const byName: Record<string, tfTypes.Tensor> = {};
    for (const e of entries) byName[e.name] = grads[e.variable.name]!;
    opt.apply(byName, 1e-4);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    await entries[0]!.variable.data();
    return performance.now() - t0;
  };
  const configs: Array<string | null> = [null, ...Object.keys(groups)];
  const times = new Map(configs.map((c) => [c, [] as number[]]));
  console.log(`NAFNet width ${width}, enc [${enc}]; batch ${B} x ${S}x${S}; ${threads} native thread(s); ${rounds} rounds; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const c of configs) (configure(c), await step()); // warm-up: primitives built, heap grown
  // The order rotates each round, so no configuration always follows the same one.
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + r) % configs.length]!;
      configure(c);
      times.get(c)!.push(await step());
    }
  }
  configure(null);
  const all = median(times.get(null)!);
  console.log(`  all native kernels${" ".repeat(26)} ${all.toFixed(0).padStart(6)} ms/step`);
  for (const c of configs.slice(1)) {
    const ms = median(times.get(c)!);
    console.log(`  without ${c!.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms/step  (the group saves ${(ms - all).toFixed(0)} ms)`);
  }
  console.log(`  load at end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
})();
