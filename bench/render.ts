/**
 * Render a 1024x1024 RGB image with 16 basis PSFs of 64x64 (scatter form, zero-padded canvas, same-size
 * output) with the FFT engine (1 thread, and FftRenderPool on all cores), and the same computation in PyTorch (torch.fft, rfft2 on a
 * 1088^2 canvas, basis spectra precomputed as in our engine) at its default thread count and with all
 * cores, in alternating rounds so both see the same machine load; prints medians, the ratios and the
 * relative difference of the two results.
 *
 *   npx tsx bench/render.ts [--size 1024] [--k 64] [--m 16] [--runs 3] [--rounds 2]
 * PyTorch: Debian python3-torch via /usr/bin/python3 (apt-get install -y python3-torch).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "../src/util/rng";
import { FftRenderer, chooseTileShape } from "../src/render/fft-engine";
import { FftRenderPool } from "../src/render/parallel";
import { meterCpu, type CpuMeter } from "../src/util/thread-usage";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}
const H = Number(arg("size", "1024"));
const W = H;
const k = Number(arg("k", "64"));
const m = Number(arg("m", "16"));
const runs = Number(arg("runs", "3"));
const rounds = Number(arg("rounds", "2"));
const C = 3;

const rng = new Rng("bench-render");
// Inputs live in SharedArrayBuffers so that FftRenderPool uses them without a copy (fixed coefficient
// maps are shared once per basis in a real pipeline; non-shared inputs are copied per call).
const image = new Float32Array(new SharedArrayBuffer(4 * C * H * W));
for (let c = 0; c < C; c++)
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) image[(c * H + y) * W + x] = 0.5 + 0.5 * Math.sin((x * (c + 1)) / 37 + y / 53) * Math.cos(y / 29);
const basis = new Float32Array(C * m * k * k);
for (let i = 0; i < basis.length; i++) basis[i] = rng.normal() / (k * k);
// Smooth coefficient maps (as upsampled PCA maps are).
const coef = new Float32Array(new SharedArrayBuffer(4 * C * m * H * W));
for (let c = 0; c < C; c++)
  for (let j = 0; j < m; j++) {
    const fy = rng.uniform(0.5, 3);
    const fx = rng.uniform(0.5, 3);
    const ph = rng.uniform(0, 6);
    const plane = coef.subarray((c * m + j) * H * W, (c * m + j + 1) * H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) plane[y * W + x] = Math.cos((fy * y) / H * 6.28 + (fx * x) / W * 6.28 + ph);
  }

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)] as number;

// ---- PyTorch script (same data, written once); prints the time of each run as JSON per thread count.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-bench-render-"));
const py = `
import sys, time, json, numpy as np, torch
d, C, m, k, H, W, runs = sys.argv[1], ${C}, ${m}, ${k}, ${H}, ${W}, int(sys.argv[2])
x = torch.from_numpy(np.fromfile(d + '/x.f32', dtype=np.float32).reshape(C, H, W))
A = torch.from_numpy(np.fromfile(d + '/a.f32', dtype=np.float32).reshape(C, m, H, W))
B = torch.from_numpy(np.fromfile(d + '/b.f32', dtype=np.float32).reshape(C, m, k, k))
s = (H + k, W + k)            # >= H + k - 1: no wrap-around
Hf = torch.fft.rfft2(B, s=s)  # basis spectra, computed once (as our engine caches them)
c0 = k // 2
def render():
    U = torch.fft.rfft2(A * x[:, None], s=s)
    y = torch.fft.irfft2((U * Hf).sum(1), s=s)
    return y[:, c0:c0 + H, c0:c0 + W].contiguous()
res = {'version': torch.__version__, 'default_threads': torch.get_num_threads(), 'ms': {}}
with torch.no_grad():
    for th in sorted({torch.get_num_threads(), int(sys.argv[3])}):
        torch.set_num_threads(th)
        y = render()
        ts = []
        for _ in range(runs):
            t = time.perf_counter(); y = render(); ts.append((time.perf_counter() - t) * 1000)
        res['ms'][th] = ts
y.numpy().astype(np.float32).tofile(d + '/y.f32')
print(json.dumps(res))
`;
fs.writeFileSync(path.join(dir, "x.f32"), Buffer.from(image.buffer));
fs.writeFileSync(path.join(dir, "a.f32"), Buffer.from(coef.buffer));
fs.writeFileSync(path.join(dir, "b.f32"), Buffer.from(basis.buffer));
const cores = os.cpus().length;

// ---- rounds of (ours x runs, PyTorch x runs), so that both see the same machine load.
const renderer = new FftRenderer({ data: basis, shape: [C, m, k, k] });
let t = performance.now();
let ours = renderer.render({ data: image, shape: [C, H, W] }, { data: coef, shape: [C, m, H, W] });
const firstMs = performance.now() - t;
const oursMs: number[] = [];
const poolMs: number[] = [];
// CPU time, not only wall time: on a shared machine wall time follows the load (see cpuReport).
const oursCpu: CpuMeter[] = [];
const poolCpu: CpuMeter[] = [];
let poolStartMs = 0;
let poolFirstMs = 0;
let poolSame = true;
const torchMs = new Map<number, number[]>();
let torchInfo: { version: string; default_threads: number } | null = null;
let torchError = "";
async function main(): Promise<void> {
t = performance.now();
const pool = await FftRenderPool.start({ data: basis, shape: [C, m, k, k] }, {}, cores);
poolStartMs = performance.now() - t;
t = performance.now();
await pool.render({ data: image, shape: [C, H, W] }, { data: coef, shape: [C, m, H, W] }); // spectra in each worker
poolFirstMs = performance.now() - t;
for (let round = 0; round < rounds; round++) {
  for (let r = 0; r < runs; r++) {
    const { result: y, meter } = await meterCpu(() => pool.render({ data: image, shape: [C, H, W] }, { data: coef, shape: [C, m, H, W] }));
    poolMs.push(meter.wallMs);
    poolCpu.push(meter);
    if (r === 0) poolSame &&= Buffer.from(y.data.buffer).equals(Buffer.from(ours.data.buffer));
  }
  for (let r = 0; r < runs; r++) {
    const { result, meter } = await meterCpu(() => renderer.render({ data: image, shape: [C, H, W] }, { data: coef, shape: [C, m, H, W] }));
    ours = result;
    oursMs.push(meter.wallMs);
    oursCpu.push(meter);
    if (process.env.BENCH_VERBOSE) console.log(`  ours run: ${oursMs[oursMs.length - 1]!.toFixed(0)} ms`);
  }
  const res = spawnSync("/usr/bin/python3", ["-c", py, dir, String(runs), String(cores)], { encoding: "utf8" });
  if (res.status !== 0) {
    torchError = (res.stderr || res.error?.message || "").trim().split("\n").pop() ?? "";
    break;
  }
  const out = JSON.parse(res.stdout.trim().split("\n").pop() as string) as { version: string; default_threads: number; ms: Record<string, number[]> };
  torchInfo = out;
  for (const [th, ms] of Object.entries(out.ms)) torchMs.set(Number(th), [...(torchMs.get(Number(th)) ?? []), ...ms]);
}

await pool.close();
const [ty, tx] = chooseTileShape(H, W, k, C * Math.ceil(m / 2));
console.log(`render ${H}x${W}x${C}, ${m} basis PSFs of ${k}x${k}, scatter, zero padding (tiles ${ty}x${tx}); ${rounds} rounds x ${runs} runs each, medians; ${cores} cores, load ${os.loadavg()[0]!.toFixed(1)}:`);
const oursMed = median(oursMs);
console.log(`  ours (FFT engine, 1 thread): ${oursMed.toFixed(0)} ms (min ${Math.min(...oursMs).toFixed(0)}; first call incl. basis spectra ${firstMs.toFixed(0)} ms)`);
const poolMed = median(poolMs);
console.log(`  ours (FftRenderPool, ${cores} worker threads): ${poolMed.toFixed(0)} ms (min ${Math.min(...poolMs).toFixed(0)}; bit-identical to 1 thread: ${poolSame}; start-up ${poolStartMs.toFixed(0)} ms, first render incl. basis spectra in every worker ${poolFirstMs.toFixed(0)} ms)`);
console.log(`  CPU, 1 thread: ${cpuReport(oursCpu)}`);
console.log(`  CPU, pool:     ${cpuReport(poolCpu)}`);
console.log(
  "  (cores busy = CPU ms / wall ms. Linux's scheduler autogroups give each session an equal share of the cores " +
    `(sched_autogroup_enabled=${autogroup()}), so under other sessions' load a pool cannot get more CPU than one thread; ` +
    "'allows' is total CPU / busiest thread, the speed-up the band split gives on free cores)",
);
if (!torchInfo) {
  console.log(`  PyTorch: not run (${torchError}); install python3-torch`);
} else {
  for (const [th, ms] of [...torchMs.entries()].sort((a, b) => a[0] - b[0])) {
    const med = median(ms);
    const tag = th === torchInfo.default_threads ? "its default" : "set_num_threads";
    console.log(`  PyTorch ${torchInfo.version} (torch.fft, ${th} thread${th > 1 ? "s" : ""}, ${tag}): ${med.toFixed(0)} ms (min ${Math.min(...ms).toFixed(0)})  ratio ours(1 thread) / PyTorch: ${(oursMed / med).toFixed(2)}, ours(${cores} threads) / PyTorch: ${(poolMed / med).toFixed(2)}`);
  }
  const ty2 = new Float32Array(fs.readFileSync(path.join(dir, "y.f32")).buffer.slice(0));
  let d = 0;
  let s = 0;
  for (let i = 0; i < ty2.length; i++) {
    d += ((ours.data[i] as number) - (ty2[i] as number)) ** 2;
    s += (ty2[i] as number) ** 2;
  }
  console.log(`  relative difference of the outputs: ${Math.sqrt(d / s).toExponential(2)}`);
}
fs.rmSync(dir, { recursive: true, force: true });
}

function cpuReport(ms: CpuMeter[]): string {
  const cpu = median(ms.map((x) => x.cpuMs));
  const busy = median(ms.map((x) => x.cpuMs / x.wallMs));
  const allows = median(ms.map((x) => x.cpuMs / Math.max(1, x.threadCpuMs[0] ?? x.cpuMs)));
  return `${cpu.toFixed(0)} ms CPU per render (median), ${busy.toFixed(2)} cores busy, work split allows ${allows.toFixed(2)}x`;
}

function autogroup(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim();
  } catch {
    return "n/a";
  }
}

void main();
