/**
 * ms per training step (forward, L1 loss, backward, AdamW) of NAFNet, ours on the active tfjs
 * backend (wasm + src/backend/wasm-kernels unless tfjs-node is installed), with the native oneDNN
 * kernels (src/backend/native) at 1 and 2 threads and without them (the wasm fallback), next to
 * Debian's python3-torch at 1 and 2 threads running the same architecture (the reference NAFNet of
 * test/fixtures/nafnet/make_fixture.py) in the same run; prints medians, ratios and the load average
 * (other jobs on the machine make timings noisy).
 *
 *   npx tsx bench/train-step.ts [--width 32] [--enc 1,1,1,28] [--dec 1,1,1,1] [--batch 4] [--size 64] [--steps 5]
 *                               [--backend auto|webgpu|wasm|cpu]   (as SVD_BACKEND; webgpu takes a software adapter too)
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend, installNativeKernels, nativeStatus, requestedBackend, setNativeThreads } from "../src/backend";
import { uninstallNativeKernels } from "../src/backend/native";
import { createNetwork } from "../src/models";
import { AdamW } from "../src/train/adamw";
import { Rng } from "../src/util/rng";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}
const width = Number(arg("width", "32"));
const enc = arg("enc", "1,1,1,28").split(",").map(Number);
const dec = arg("dec", "1,1,1,1").split(",").map(Number);
const B = Number(arg("batch", "4"));
const S = Number(arg("size", "64"));
const steps = Number(arg("steps", "5"));
const backend = requestedBackend(arg("backend", process.env.SVD_BACKEND || "auto"), "--backend");
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function ours(): Promise<{ ms: number; backend: string; params: number }> {
  const { tf, info } = await initBackend(backend);
  tf.setBackend(info.active);
  const net = createNetwork(tf, { type: "NAFNet", width, enc_blk_nums: enc, middle_blk_num: 1, dec_blk_nums: dec }, new Rng(0));
  const entries = net.params.entries();
  const opt = new AdamW(tf, entries, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
  const x = tf.randomUniform([B, S, S, 3]) as tfTypes.Tensor4D, y = tf.randomUniform([B, S, S, 3]) as tfTypes.Tensor4D;
  const times: number[] = [];
  for (let i = 0; i < steps + 1; i++) {
    const t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), y))) as tfTypes.Scalar, entries.map((e) => e.variable));
    const byName: Record<string, tfTypes.Tensor> = {};
    for (const e of entries) byName[e.name] = grads[e.variable.name]!;
    opt.apply(byName, 1e-4);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    await entries[0]!.variable.data();
    if (i > 0) times.push(performance.now() - t0); // the first step includes warm-up
  }
  return { ms: median(times), backend: info.active, params: net.params.count() };
}

function torch(nThreads: number): { ms: number; threads: number; params: number } | string {
  const py = `
import sys, time, os, torch
sys.path.insert(0, sys.argv[1])
from make_fixture import NAFNet
torch.set_num_threads(${nThreads})
net = NAFNet(3, 3, ${width}, 1, [${enc}], [${dec}])
opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=0.01)
x = torch.rand(${B}, 3, ${S}, ${S}); y = torch.rand(${B}, 3, ${S}, ${S})
ts = []
for i in range(${steps} + 1):
    t0 = time.perf_counter()
    opt.zero_grad(); loss = (net(x) - y).abs().mean(); loss.backward(); opt.step()
    if i > 0: ts.append((time.perf_counter() - t0) * 1000)
ts.sort()
print(ts[len(ts) // 2], torch.get_num_threads(), sum(p.numel() for p in net.parameters()))
`;
  const r = spawnSync("/usr/bin/python3", ["-c", py, path.join(__dirname, "../test/fixtures/nafnet")], { encoding: "utf8" });
  if (r.status !== 0) return (r.stderr || r.error?.message || "failed").trim().split("\n").pop()!;
  const [ms, threads, params] = r.stdout.trim().split(/\s+/).map(Number);
  return { ms: ms!, threads: threads!, params: params! };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

(async () => {
  console.log(`NAFNet width ${width}, enc [${enc}], middle 1, dec [${dec}]; batch ${B} x ${S}x${S}x3; median of ${steps} steps; ${os.cpus().length} cores`);
  console.log(`  load average at start (1/5/15 min): ${load()}`);
  const rows: Array<[string, number]> = [];
  const { tf, info } = await initBackend(backend);
  const native = info.active === "wasm" && installNativeKernels(tf);
  let params = 0;
  if (native) {
    for (const n of [1, 2]) {
      setNativeThreads(n);
      const o = await ours();
      params = o.params;
      rows.push([`ours (wasm + native oneDNN, ${nativeStatus().threads} thread(s))`, o.ms]);
    }
    uninstallNativeKernels();
  } else console.log(`  native kernels not in use: ${nativeStatus().reason}`);
  const o = await ours();
  params = o.params;
  rows.push([`ours (tfjs ${o.backend}${o.backend === "wasm" ? ", wasm kernels only" : ""})`, o.ms]);
  for (const n of [1, 2]) {
    const t = torch(n);
    if (typeof t === "string") {
      console.log(`  PyTorch: not run (${t}); install python3-torch`);
      break;
    }
    if (t.params !== params) console.log(`  warning: PyTorch has ${t.params} parameters, ours ${params}`);
    rows.push([`PyTorch ${t.threads} thread(s)`, t.ms]);
  }
  const torch2 = rows.find(([name]) => name.startsWith("PyTorch 2"))?.[1];
  for (const [name, ms] of rows)
    console.log(`  ${name.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms/step${torch2 ? `  (${(ms / torch2).toFixed(2)}x PyTorch 2 threads)` : ""}`);
  console.log(`  ${params} parameters; load average at end (1/5/15 min): ${load()}`);
})();
