/**
 * Chooses the tfjs backend every stage uses. Automatic order: tfjs-node-gpu > WebGPU on a hardware
 * adapter > tfjs-node > wasm > cpu. Each candidate not used is recorded with the reason, which
 * `svd doctor` prints. `SVD_BACKEND` (or initBackend's argument) forces one and fails with the
 * reason when it is unavailable.
 *  - tfjs-node(-gpu) cannot be installed on a machine without access to its binary host, so it is
 *    never a dependency: it is used when the user has installed it.
 *  - WebGPU (src/backend/webgpu.ts) is skipped automatically on a software adapter (lavapipe):
 *    a NAFNet step there is ~35x slower than PyTorch and ~8x slower than wasm. Forcing still works.
 */
import * as os from "node:os";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { nativeStatus } from "./native/addon";
import { activateWebGPU, adapterLabel, gpuDeviceNodes, llvmpipeThreads, probeWebGPU, type AdapterReport, type WebGPUProbe } from "./webgpu";

export const backendNames = ["tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"] as const;
export type BackendName = (typeof backendNames)[number];

/** CPU threads a backend computes on, and how that number is known. */
export interface ThreadReport {
  count: number;
  basis: string;
}

export interface BackendCandidate {
  name: BackendName;
  package: string;
  available: boolean;
  reason: string;
  /** Set for the candidate in use (and for others where it is known without starting them). */
  threads?: ThreadReport;
}

export interface BackendInfo {
  /** The tfjs backend name in use (tf.getBackend()). */
  active: string;
  /** Which candidate is in use ("tensorflow-gpu" and "tensorflow" are both tfjs's "tensorflow"). */
  chosen: BackendName;
  /** Why each candidate was or was not chosen, in automatic order. */
  candidates: BackendCandidate[];
  tfjsVersion: string;
  /** CPU threads the backend in use computes on. */
  threads: ThreadReport;
  /** The WebGPU adapter, or why there is none (or why it was not looked for; doctor always looks). */
  webgpu: { adapter: AdapterReport } | { adapter: null; reason: string };
}

const packages: Record<BackendName, string> = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  tensorflow: "@tensorflow/tfjs-node",
  webgpu: "@tensorflow/tfjs-backend-webgpu + webgpu (dawn.node)",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
};

let current: { tf: typeof tfTypes; info: BackendInfo } | null = null;

function tryRequire(name: string): { mod: unknown; error?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { mod: require(name) };
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0] ?? String(err);
    return { mod: null, error: /Cannot find module/.test(msg) ? `${name} is not installed` : msg };
  }
}

/**
 * The requested backend: the argument, else SVD_BACKEND, else "auto"; anything else is an error
 * naming `source` (where the value came from, e.g. a command-line option).
 */
export function requestedBackend(prefer?: string, source = prefer === undefined ? "SVD_BACKEND" : "backend"): BackendName | "auto" {
  const raw = prefer ?? (process.env.SVD_BACKEND || "auto");
  if (raw === "auto" || (backendNames as readonly string[]).includes(raw)) return raw as BackendName | "auto";
  throw new Error(`${source}: expected one of auto, ${backendNames.join(", ")}; found '${raw}'`);
}

/**
 * tfjs-backend-wasm only starts its pthread build where its WASM_HAS_MULTITHREAD_SUPPORT flag is
 * true, and the flag is hard-wired to false under Node (tfjs issue 3830): kernels run on the main
 * thread whatever setThreadsCount says.
 */
async function wasmThreads(tf: typeof tfTypes): Promise<ThreadReport> {
  const multi = tf.env().getFlags().WASM_HAS_MULTITHREAD_SUPPORT ?? (await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT").catch(() => false));
  const own: ThreadReport = multi
    ? { count: (tryRequire("@tensorflow/tfjs-backend-wasm").mod as { getThreadsCount(): number }).getThreadsCount(), basis: "tfjs-backend-wasm getThreadsCount() (XNNPACK pool)" }
    : { count: 1, basis: "tfjs-backend-wasm runs single-threaded under Node (WASM_HAS_MULTITHREAD_SUPPORT is false)" };
  // The native oneDNN kernels (src/backend/native) replace wasm's conv/matmul with OpenMP ones.
  const native = nativeStatus();
  if (!native.installed || native.threads <= own.count) return own;
  return { count: native.threads, basis: `native oneDNN conv/matmul kernels on ${native.threads} OpenMP threads; the other kernels: ${own.basis}` };
}

function threadsFor(name: BackendName, adapter: AdapterReport | null): ThreadReport | undefined {
  switch (name) {
    case "cpu":
      return { count: 1, basis: "tfjs cpu kernels are JavaScript on the main thread" };
    case "tensorflow":
    case "tensorflow-gpu":
      return { count: os.cpus().length, basis: "libtensorflow's default intra-op pool, one thread per core (not measured)" };
    case "webgpu":
      if (!adapter) return undefined;
      return adapter.software
        ? { count: llvmpipeThreads() + 1, basis: "llvmpipe's shader threads (LP_NUM_THREADS, else one per core) and the JavaScript thread that submits and waits" }
        : { count: 1, basis: "one JavaScript thread submits work; kernels run on the GPU" };
    default:
      return undefined;
  }
}

/**
 * Initializes tfjs with the best available backend (once per process; again when a different one
 * is forced, while "auto" keeps whatever is active). `prefer` forces one (e.g. "cpu" in tests that compare against the reference
 * kernels); env SVD_BACKEND does the same.
 */
export async function initBackend(prefer?: BackendName | "auto"): Promise<{ tf: typeof tfTypes; info: BackendInfo }> {
  const want = requestedBackend(prefer);
  if (current && (want === "auto" || current.info.chosen === want)) return current;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require("@tensorflow/tfjs") as typeof tfTypes;
  const probe: WebGPUProbe =
    want === "webgpu" || (want === "auto" && gpuDeviceNodes().length)
      ? await probeWebGPU()
      : { ok: false, reason: want === "auto" ? "not probed: no GPU device node (/dev/dri/renderD*, /dev/nvidia0, /dev/dxg), so at most a software adapter exists; SVD_BACKEND=webgpu uses one" : `not probed (backend '${want}' was asked for)` };
  const adapter = probe.ok ? probe.adapter : null;
  const candidates: BackendCandidate[] = [];
  let chosen: BackendName | null = null;
  const skip = (name: BackendName): string | null =>
    want !== "auto" && want !== name ? `not requested (backend '${want}' was asked for)` : chosen ? "a faster backend is in use" : null;

  const tryTfjsNode = (name: "tensorflow-gpu" | "tensorflow") => {
    const skipped = skip(name);
    if (skipped) return candidates.push({ name, package: packages[name], available: false, reason: skipped });
    const r = tryRequire(packages[name]);
    if (r.mod) chosen = name;
    candidates.push({ name, package: packages[name], available: !!r.mod, reason: r.mod ? "in use" : (r.error as string) });
  };

  tryTfjsNode("tensorflow-gpu");

  const webgpuSkipped = skip("webgpu");
  const verdict = webgpuSkipped ? { use: false, reason: webgpuSkipped } : webgpuVerdict(want, probe);
  if (!verdict.use || !probe.ok) candidates.push({ name: "webgpu", package: packages.webgpu, available: probe.ok && !webgpuSkipped, reason: verdict.reason });
  else {
    try {
      await activateWebGPU(tf);
      chosen = "webgpu";
      candidates.push({ name: "webgpu", package: packages.webgpu, available: true, reason: `in use: ${adapterLabel(probe.adapter)}` });
    } catch (err) {
      candidates.push({ name: "webgpu", package: packages.webgpu, available: false, reason: (err as Error).message });
    }
  }

  tryTfjsNode("tensorflow");

  const wasmSkipped = skip("wasm");
  if (wasmSkipped) candidates.push({ name: "wasm", package: packages.wasm, available: false, reason: wasmSkipped });
  else {
    const r = tryRequire(packages.wasm);
    if (r.mod) {
      const wasm = r.mod as { setWasmPaths: (p: string) => void };
      const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
      try {
        wasm.setWasmPaths(path.join(dir, "dist") + path.sep);
        if (await tf.setBackend("wasm")) chosen = "wasm";
        candidates.push({ name: "wasm", package: packages.wasm, available: chosen === "wasm", reason: chosen === "wasm" ? "in use" : "setBackend('wasm') failed" });
      } catch (err) {
        candidates.push({ name: "wasm", package: packages.wasm, available: false, reason: (err as Error).message });
      }
    } else candidates.push({ name: "wasm", package: packages.wasm, available: false, reason: r.error as string });
  }

  const cpuSkipped = skip("cpu");
  if (!chosen && !cpuSkipped) {
    await tf.setBackend("cpu");
    chosen = "cpu";
  }
  candidates.push({ name: "cpu", package: packages.cpu, available: true, reason: chosen === "cpu" ? "in use" : (cpuSkipped ?? "a faster backend is in use") });

  if (!chosen) {
    const failed = candidates.find((c) => c.name === want);
    throw new Error(`SVD_BACKEND=${want}: that backend is unavailable: ${failed?.reason ?? "unknown reason"}`);
  }
  const picked = chosen as BackendName; // narrowed to never by TS: the closures above assign it
  if (picked === "tensorflow" || picked === "tensorflow-gpu") await tf.setBackend("tensorflow");
  await tf.ready();
  // Let later issues hook in kernels the backend lacks (src/backend/wasm-kernels).
  for (const hook of afterInitHooks) await hook(tf, tf.getBackend());
  for (const c of candidates) if (c.available) c.threads = threadsFor(c.name, adapter);
  const wasmCandidate = candidates.find((c) => c.name === "wasm");
  if (wasmCandidate && tf.findBackendFactory("wasm")) wasmCandidate.threads = await wasmThreads(tf);
  const threads = candidates.find((c) => c.name === picked)?.threads ?? threadsFor("cpu", null)!;
  current = {
    tf,
    info: {
      active: tf.getBackend(),
      chosen: picked,
      candidates,
      tfjsVersion: tf.version.tfjs,
      threads,
      webgpu: probe.ok ? { adapter: probe.adapter } : { adapter: null, reason: probe.reason },
    },
  };
  return current;
}

/**
 * Whether WebGPU is used given what was asked for and what the probe found: a forced request
 * takes any adapter; automatic choice refuses software ones (wasm is ~8x faster on the same CPU).
 */
export function webgpuVerdict(want: BackendName | "auto", probe: WebGPUProbe): { use: boolean; reason: string } {
  if (!probe.ok) return { use: false, reason: probe.reason };
  if (want === "auto" && probe.adapter.software)
    return { use: false, reason: `skipped: software adapter ${adapterLabel(probe.adapter)} is slower than wasm (SVD_BACKEND=webgpu forces it)` };
  return { use: true, reason: "in use" };
}

type Hook = (tf: typeof tfTypes, backend: string) => void | Promise<void>;
const afterInitHooks: Hook[] = [];

/** Registers work to run once the backend is ready (e.g. the wasm training kernels). */
export function onBackendReady(hook: Hook): void {
  afterInitHooks.push(hook);
}

export function backendInfo(): BackendInfo | null {
  return current?.info ?? null;
}
