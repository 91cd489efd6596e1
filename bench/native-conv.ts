/**
 * GFLOP/s of one 3x3 'same' conv (forward, backprop-input, backprop-filter), NHWC [4,64,64,64] with a
 * 64->64 filter: the native oneDNN kernels (src/backend/native) at 1 and 2 threads, the wasm kernels
 * alone, and PyTorch (Debian python3-torch, NCHW) at 1 and 2 threads in the same run. Medians of 7
 * after warm-up; prints the load average (other jobs on the machine make timings noisy).
 *
 *   npx tsx bench/native-conv.ts [--size 64] [--channels 64] [--batch 4]
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend, installNativeKernels, nativeStatus, setNativeThreads } from "../src/backend";
import { uninstallNativeKernels } from "../src/backend/native";

function arg(name: string, def: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 ? process.argv[i + 1] : def);
}
const S = arg("size", "64"), C = arg("channels", "64"), B = arg("batch", "4");
const flop = 2 * B * S * S * C * C * 9;
const REPEATS = 7;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const gflops = (ms: number) => (flop / ms / 1e6).toFixed(0).padStart(5);

function ours(tf: typeof tfTypes): number[] {
  const x = tf.randomUniform([B, S, S, C]), w = tf.randomUniform([3, 3, C, C]), dy = tf.randomUniform([B, S, S, C]);
  const attrs = { strides: 1, pad: "same", dataFormat: "NHWC" };
  const ops = [
    () => tf.conv2d(x as tfTypes.Tensor4D, w as tfTypes.Tensor4D, 1, "same"),
    () => tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, { ...attrs, inputShape: [B, S, S, C] }) as tfTypes.Tensor,
    () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...attrs, filterShape: [3, 3, C, C] }) as tfTypes.Tensor,
  ];
  const ms = ops.map((f) => {
    for (let i = 0; i < 2; i++) f().dispose();
    const ts: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      const y = f();
      y.dataSync();
      ts.push(performance.now() - t0);
      y.dispose();
    }
    return median(ts);
  });
  tf.dispose([x, w, dy]);
  return ms;
}

function torch(threads: number): number[] | string {
  const py = `
import time, torch
torch.set_num_threads(${threads})
x = torch.rand(${B}, ${C}, ${S}, ${S}, requires_grad=True); w = torch.rand(${C}, ${C}, 3, 3, requires_grad=True); dy = torch.rand(${B}, ${C}, ${S}, ${S})
ops = [lambda: torch.nn.functional.conv2d(x, w, padding=1),
       lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=1),
       lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=1)]
out = []
with torch.no_grad():
    for f in ops:
        for _ in range(2): f()
        ts = []
        for _ in range(${REPEATS}):
            t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
        ts.sort(); out.append(ts[len(ts) // 2])
print(*out)
`;
  const r = spawnSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" });
  if (r.status !== 0) return (r.stderr || r.error?.message || "failed").trim().split("\n").pop()!;
  return r.stdout.trim().split(/\s+/).map(Number);
}

(async () => {
  console.log(`conv 3x3 same, [${B},${S},${S},${C}] ${C}->${C}, GFLOP/s (fwd, backprop-input, backprop-filter), median of ${REPEATS}; ${os.cpus().length} cores`);
  console.log(`  load average at start (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const { tf } = await initBackend("wasm");
  const row = (name: string, ms: number[]) => console.log(`  ${name.padEnd(34)} ${ms.map(gflops).join("  ")}`);
  if (installNativeKernels(tf)) {
    for (const n of [1, 2]) {
      setNativeThreads(n);
      row(`ours native oneDNN, ${nativeStatus().threads} thread(s)`, ours(tf));
    }
    uninstallNativeKernels();
  } else console.log(`  native kernels not in use: ${nativeStatus().reason}`);
  row("ours wasm kernels", ours(tf));
  for (const n of [1, 2]) {
    const t = torch(n);
    if (typeof t === "string") {
      console.log(`  PyTorch: not run (${t})`);
      break;
    }
    row(`PyTorch ${n} thread(s)`, t);
  }
  console.log(`  load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
})();
