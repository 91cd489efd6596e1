/**
 * Chooses the tfjs backend every stage uses: tfjs-node-gpu > tfjs-node > wasm > cpu. Each faster
 * candidate that is not used is recorded with the reason, which `svd doctor` prints.
 * tfjs-node(-gpu) cannot be installed on a machine without access to its binary host, so it is
 * never a dependency: it is used when the user has installed it.
 */
import * as os from "node:os";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";

export type BackendName = "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

export interface BackendCandidate {
  name: BackendName;
  package: string;
  available: boolean;
  reason: string;
}

export interface BackendInfo {
  /** The tfjs backend name in use (tf.getBackend()). */
  active: string;
  /** Why each candidate was or was not chosen, fastest first. */
  candidates: BackendCandidate[];
  tfjsVersion: string;
  threads: number;
}

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

/** The wasm backend's thread count: its pthread build is only used where SharedArrayBuffer workers exist. */
function wasmThreads(): number {
  return Math.max(1, Math.min(os.cpus().length, 8));
}

/**
 * Initializes tfjs with the best available backend (once per process). `prefer` forces one
 * (e.g. "cpu" in tests that compare against the reference kernels); env SVD_BACKEND does the same.
 */
export async function initBackend(prefer?: BackendName | "auto"): Promise<{ tf: typeof tfTypes; info: BackendInfo }> {
  const want = prefer ?? ((process.env.SVD_BACKEND as BackendName | undefined) || "auto");
  if (current && (want === "auto" || current.info.active === tfName(want))) return current;
  const candidates: BackendCandidate[] = [];
  let chosen: BackendName | null = null;

  for (const [name, pkg] of [
    ["tensorflow-gpu", "@tensorflow/tfjs-node-gpu"],
    ["tensorflow", "@tensorflow/tfjs-node"],
  ] as const) {
    if (want !== "auto" && want !== name) {
      candidates.push({ name, package: pkg, available: false, reason: `not requested (backend '${want}' was asked for)` });
      continue;
    }
    if (chosen) {
      candidates.push({ name, package: pkg, available: true, reason: "a faster backend is in use" });
      continue;
    }
    const r = tryRequire(pkg);
    if (r.mod) chosen = name;
    candidates.push({ name, package: pkg, available: !!r.mod, reason: r.mod ? "in use" : (r.error as string) });
  }

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require("@tensorflow/tfjs") as typeof tfTypes;
  if (!chosen && (want === "auto" || want === "wasm")) {
    const r = tryRequire("@tensorflow/tfjs-backend-wasm");
    if (r.mod) {
      const wasm = r.mod as { setWasmPaths: (p: string) => void; setThreadsCount?: (n: number) => void };
      const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
      wasm.setWasmPaths(path.join(dir, "dist") + path.sep);
      try {
        if (await tf.setBackend("wasm")) chosen = "wasm";
        candidates.push({ name: "wasm", package: "@tensorflow/tfjs-backend-wasm", available: true, reason: chosen ? "in use" : "setBackend('wasm') failed" });
      } catch (err) {
        candidates.push({ name: "wasm", package: "@tensorflow/tfjs-backend-wasm", available: false, reason: (err as Error).message });
      }
    } else candidates.push({ name: "wasm", package: "@tensorflow/tfjs-backend-wasm", available: false, reason: r.error as string });
  } else {
    candidates.push({ name: "wasm", package: "@tensorflow/tfjs-backend-wasm", available: false, reason: chosen ? "a faster backend is in use" : `not requested (backend '${want}' was asked for)` });
  }
  if (!chosen) {
    await tf.setBackend("cpu");
    chosen = "cpu";
  }
  candidates.push({ name: "cpu", package: "@tensorflow/tfjs-backend-cpu", available: true, reason: chosen === "cpu" ? "in use" : "a faster backend is in use" });
  if (chosen === "tensorflow" || chosen === "tensorflow-gpu") await tf.setBackend("tensorflow");
  await tf.ready();
  // Let later issues hook in kernels the backend lacks (src/backend/kernels).
  for (const hook of afterInitHooks) await hook(tf, tf.getBackend());
  current = {
    tf,
    info: {
      active: tf.getBackend(),
      candidates,
      tfjsVersion: tf.version.tfjs,
      threads: chosen === "wasm" ? wasmThreads() : os.cpus().length,
    },
  };
  return current;
}

function tfName(b: BackendName | "auto"): string {
  return b === "tensorflow-gpu" ? "tensorflow" : b;
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
