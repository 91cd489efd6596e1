/**
 * ms per training step (forward, L1 loss, backward, AdamW) of NAFNet, ours on the active tfjs
 * backend (wasm + src/backend/wasm-kernels unless tfjs-node is installed), with the native oneDNN
 * kernels (src/backend/native) at 1 and 2 threads and without them (the wasm fallback), next to
 * Debian's python3-torch at 1 and 2 threads running the same architecture (the reference NAFNet of
 * test/fixtures/nafnet/make_fixture.py) in the same run; prints medians, ratios and the load average.
 * The configurations are interleaved: each round times one step of every configuration (ours in
 * this process, PyTorch in one persistent child switching torch.set_num_threads), in an order that
 * rotates each round, so load from other jobs on the shared machine hits all of them alike.
 *
 *   npx tsx bench/train-step.ts [--width 32] [--enc 1,1,1,28] [--dec 1,1,1,1] [--batch 4] [--size 64] [--steps 5]
 *                               [--backend auto|webgpu|wasm|cpu]   (as SVD_BACKEND; webgpu takes a software adapter too)
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
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

/** Our network and optimizer, built once; step() times one training step on the kernels registered now. */
async function oursSetup(tf: typeof tfTypes) {
  const net = createNetwork(tf, { type: "NAFNet", width, enc_blk_nums: enc, middle_blk_num: 1, dec_blk_nums: dec }, new Rng(0));
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
  return { step, params: net.params.count() };
}

/** PyTorch in one child process: each line "n" on stdin runs one step on n threads and prints "ms threads". */
function torchWorker() {
  const py = `
import sys, time, torch
sys.path.insert(0, sys.argv[1])
from make_fixture import NAFNet
net = NAFNet(3, 3, ${width}, 1, [${enc}], [${dec}])
opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=0.01)
x = torch.rand(${B}, 3, ${S}, ${S}); y = torch.rand(${B}, 3, ${S}, ${S})
print(sum(p.numel() for p in net.parameters()), flush=True)
for line in sys.stdin:
    torch.set_num_threads(int(line))
    t0 = time.perf_counter()
    opt.zero_grad(); loss = (net(x) - y).abs().mean(); loss.backward(); opt.step()
    print((time.perf_counter() - t0) * 1000, torch.get_num_threads(), flush=True)
`;
  const child = spawn("/usr/bin/python3", ["-c", py, path.join(__dirname, "../test/fixtures/nafnet")], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.on("error", (e) => (stderr += e.message)); // e.g. no /usr/bin/python3: reported by next()
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error((stderr || "PyTorch exited").trim().split("\n").pop());
    return r.value as string;
  };
  return {
    child,
    params: async () => Number(await next()),
    step: async (n: number) => {
      child.stdin.write(`${n}\n`);
      const [ms, threads] = (await next()).split(/\s+/).map(Number);
      return { ms: ms!, threads: threads! };
    },
    close: () => child.stdin.end(),
  };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

(async () => {
  console.log(`NAFNet width ${width}, enc [${enc}], middle 1, dec [${dec}]; batch ${B} x ${S}x${S}x3; median of ${steps} interleaved steps; ${os.cpus().length} cores`);
  console.log(`  load average at start (1/5/15 min): ${load()}`);
  const { tf, info } = await initBackend(backend);
  tf.setBackend(info.active);
  const native = info.active === "wasm" && installNativeKernels(tf);
  if (!native && info.active === "wasm") console.log(`  native kernels not in use: ${nativeStatus().reason}`);
  const ours = await oursSetup(tf);
  // A configuration: its label, how to switch to it, and how to time one step there.
  type Config = { name: string; select: () => void; step: () => Promise<number> };
  const configs: Config[] = [];
  for (const n of native ? [1, 2] : []) {
    configs.push({ name: `ours (wasm + native oneDNN, ${n} thread(s))`, select: () => (installNativeKernels(tf), setNativeThreads(n)), step: ours.step });
  }
  configs.push({
    name: `ours (tfjs ${info.active}${info.active === "wasm" ? ", wasm kernels only" : ""})`,
    select: () => native && uninstallNativeKernels(),
    step: ours.step,
  });
  const torch = torchWorker();
  let torchParams: number | null = null;
  try {
    torchParams = await torch.params();
    for (const n of [1, 2]) configs.push({ name: `PyTorch ${n} thread(s)`, select: () => {}, step: async () => (await torch.step(n)).ms });
  } catch (err) {
    console.log(`  PyTorch: not run (${(err as Error).message}); install python3-torch`);
  }
  if (torchParams !== null && torchParams !== ours.params) console.log(`  warning: PyTorch has ${torchParams} parameters, ours ${ours.params}`);
  const times = configs.map(() => [] as number[]);
  for (const c of configs) (c.select(), await c.step()); // warm-up: primitives built, heaps grown
  for (let r = 0; r < steps; r++) {
    for (let i = 0; i < configs.length; i++) {
      const k = (i + r) % configs.length;
      configs[k]!.select();
      times[k]!.push(await configs[k]!.step());
    }
  }
  torch.close();
  if (native) installNativeKernels(tf);
  const rows = configs.map((c, k) => [c.name, median(times[k]!)] as const);
  const torch2 = rows.find(([name]) => name.startsWith("PyTorch 2"))?.[1];
  for (const [name, ms] of rows)
    console.log(`  ${name.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms/step${torch2 ? `  (${(ms / torch2).toFixed(2)}x PyTorch 2 threads)` : ""}`);
  console.log(`  ${ours.params} parameters; load average at end (1/5/15 min): ${load()}`);
})();
