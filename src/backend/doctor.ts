/** `svd doctor`: what this installation can do and why. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nativeStatus } from "./native/addon";
import { initBackend, type BackendInfo } from "./select";
import type * as tfTypes from "@tensorflow/tfjs";
import { measureThreadUsage, type ThreadUsage } from "../util/thread-usage";
import { adapterLabel, probeWebGPU, type WebGPUProbe } from "./webgpu";

export interface DoctorReport {
  backend: BackendInfo;
  /** Always probed here (selection skips it on machines without GPU device nodes). */
  webgpu: WebGPUProbe;
  measured: ThreadUsage | null;
  /** The native oneDNN kernels (src/backend/native/addon.ts nativeStatus()). */
  native: { ok: boolean; detail: string };
  versions: Record<string, string | null>;
  cpu: { model: string; cores: number; memoryGiB: number };
  jupyter: Record<string, { ok: boolean; detail: string }>;
}

const repoRoot = path.resolve(__dirname, "../..");

function pkgVersion(name: string): string | null {
  const direct = path.join(repoRoot, "node_modules", name, "package.json");
  if (fs.existsSync(direct)) return (JSON.parse(fs.readFileSync(direct, "utf8")) as { version: string }).version;
  try {
    const p = require.resolve(`${name}/package.json`, { paths: [repoRoot] });
    return (JSON.parse(fs.readFileSync(p, "utf8")) as { version: string }).version;
  } catch {
    // Packages whose exports hide package.json: walk up from the resolved entry.
    try {
      let dir = path.dirname(require.resolve(name, { paths: [repoRoot] }));
      while (dir !== path.dirname(dir)) {
        const pj = path.join(dir, "package.json");
        if (fs.existsSync(pj)) {
          const j = JSON.parse(fs.readFileSync(pj, "utf8")) as { name?: string; version: string };
          if (j.name === name) return j.version;
        }
        dir = path.dirname(dir);
      }
    } catch {
      /* not installed */
    }
    return null;
  }
}

function check(cmd: string, args: string[]): { ok: boolean; detail: string } {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20000 });
    return { ok: true, detail: out.trim().split("\n")[0] ?? "" };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, detail: (e.stderr || e.message).trim().split("\n").pop() ?? "failed" };
  }
}

/** Matrix products on the active backend while the threads doing the work are counted. */
export function measureBackendThreads(tf: typeof tfTypes, n = 512): Promise<ThreadUsage | null> {
  const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n]);
  return measureThreadUsage(async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }, `matMul ${n}x${n} on ${tf.getBackend()}`).finally(() => tf.dispose([a, b]));
}

/** The native oneDNN kernels (src/backend/native): whether they are in use, on how many threads, or why not. */
function nativeReport(): DoctorReport["native"] {
  const s = nativeStatus();
  if (s.installed) return { ok: true, detail: `in use: oneDNN ${s.dnnlVersion ?? "?"} on ${s.threads} thread${s.threads === 1 ? "" : "s"} (${s.addonPath})` };
  return { ok: false, detail: s.reason ?? (s.loaded ? "loaded, not installed (the wasm backend is not active)" : "not loaded") };
}

export async function runDoctor(opts: { measure?: boolean } = {}): Promise<DoctorReport> {
  const { tf, info } = await initBackend();
  const webgpu = await probeWebGPU();
  const measured = opts.measure === false ? null : await measureBackendThreads(tf);
  const names = ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs-backend-webgpu", "webgpu", "h5wasm", "sharp", "fft.js", "vega", "vega-lite", "tslab", "playwright-core"];
  const versions: Record<string, string | null> = { node: process.versions.node };
  for (const n of names) versions[n] = pkgVersion(n);
  const kernelJson = path.join(repoRoot, ".jupyter-local", "kernels", "tslab", "kernel.json");
  const jupyter: DoctorReport["jupyter"] = {
    tslab: versions.tslab ? { ok: true, detail: `tslab ${versions.tslab}` } : { ok: false, detail: "tslab is not installed (npm install)" },
    kernelspec: fs.existsSync(kernelJson) ? { ok: true, detail: kernelJson } : { ok: false, detail: "not installed (npm run kernel:install)" },
    "jupyter-server": check("/usr/bin/python3", ["-c", "import jupyter_server, jupyterlab_server; print('jupyter_server', jupyter_server.__version__, 'jupyterlab_server', jupyterlab_server.__version__)"]),
    "lab-build": fs.existsSync(path.join(repoRoot, "environment", "lab", "build", "bundle.js"))
      ? { ok: true, detail: "environment/lab/build/bundle.js" }
      : { ok: false, detail: "not built (npm run lab builds it)" },
    chromium: fs.existsSync("/usr/bin/chromium") ? { ok: true, detail: "/usr/bin/chromium" } : { ok: false, detail: "not installed (environment/setup.sh)" },
  };
  return {
    backend: info,
    webgpu,
    measured,
    native: nativeReport(),
    versions,
    cpu: { model: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    jupyter,
  };
}

export function formatDoctor(r: DoctorReport): string {
  const lines: string[] = [];
  const b = r.backend;
  const threads = (n: number) => `${n} thread${n === 1 ? "" : "s"}`;
  lines.push(`tfjs backend: ${b.active} (tfjs ${b.tfjsVersion}, ${threads(b.threads.count)}: ${b.threads.basis})`);
  const m = r.measured;
  if (m)
    lines.push(
      `  measured: ${threads(m.busyThreads)} busy during ${m.work} (${m.wallMs.toFixed(0)} ms; CPU ms per thread ${m.threadCpuMs.slice(0, 6).join(", ")}; ${m.coresBusy.toFixed(2)} cores busy with this machine's load)`,
    );
  for (const c of b.candidates)
    lines.push(`  ${c.name === b.chosen ? "*" : " "} ${c.name.padEnd(15)} ${c.reason}${c.threads && c.name !== b.chosen ? ` [${threads(c.threads.count)}: ${c.threads.basis}]` : ""}`);
  lines.push(`webgpu adapter: ${r.webgpu.ok ? adapterLabel(r.webgpu.adapter) : `none (${r.webgpu.reason})`}`);
  lines.push(`native kernels: ${r.native.ok ? "" : "unavailable: "}${r.native.detail}`);
  lines.push(`cpu: ${r.cpu.model}, ${r.cpu.cores} cores, ${r.cpu.memoryGiB} GiB`);
  lines.push("versions:");
  for (const [k, v] of Object.entries(r.versions)) lines.push(`  ${k.padEnd(30)} ${v ?? "not installed"}`);
  lines.push("jupyter:");
  for (const [k, v] of Object.entries(r.jupyter)) lines.push(`  ${v.ok ? "ok " : "no "} ${k.padEnd(15)} ${v.detail}`);
  return lines.join("\n") + "\n";
}
