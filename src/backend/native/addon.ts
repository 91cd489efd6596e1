/**
 * Loads the oneDNN addon (native/build/svd_dnnl.node, built by `npm run build:native`) once and
 * records why it is or is not in use, for `svd doctor` (nativeStatus()).
 *
 * Env: SVD_NATIVE=0 disables it (the wasm kernels stay); SVD_NATIVE_THREADS sets its OpenMP thread
 * count (default: all cores).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The addon's functions (native/svd_dnnl.cc). Buffers are float32 views, geometry integer arrays. */
export interface DnnlAddon {
  /** mode 0: forward (x, filter -> y); 1: backward data (dy, filter -> dx); 2: backward weights (x, dy -> dw). */
  conv(mode: 0 | 1 | 2, a: Float32Array, b: Float32Array, out: Float32Array, geom: number[]): void;
  /** geom [batchA, batchB, M, K, N, transA, transB]; bias [N] added to every row when given. */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, geom: number[], bias?: Float32Array | null): void;
  /** y = x w + b backward, x [M,K], w [K,N]: dx = dy w^T, dw = x^T dy, db = column sums of dy (skipped when null). */
  denseBackward(x: Float32Array, w: Float32Array, dy: Float32Array, dx: Float32Array, dw: Float32Array, db: Float32Array | null, geom: [M: number, K: number, N: number]): void;
  /** out[o, c] = sum over r of x[o, r, c] (float64 accumulation). */
  sumMiddle(x: Float32Array, out: Float32Array, geom: [outer: number, rows: number, inner: number]): void;
  /** The AdamW step of src/backend/wasm-kernels/adamw.ts; hyper [beta1, beta2, eps, decay, stepSize, sqrtC2]. */
  adamw(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, p2: Float32Array, m2: Float32Array, v2: Float32Array, hyper: number[]): void;
  setThreads(n: number): void;
  /** The OpenMP team size a parallel region really gets. */
  threads(): number;
  version(): string;
}

/** Every function DnnlAddon declares (checked on load). */
const addonFunctions: Array<keyof DnnlAddon> = ["conv", "matmul", "denseBackward", "sumMiddle", "adamw", "setThreads", "threads", "version"];

export interface NativeStatus {
  /** native/build/svd_dnnl.node exists. */
  built: boolean;
  loaded: boolean;
  /** The kernels are registered for the wasm backend. */
  installed: boolean;
  /** OpenMP threads oneDNN runs on (measured from a parallel region), 0 when not loaded. */
  threads: number;
  dnnlVersion: string | null;
  addonPath: string;
  /** Why it is not in use (null when it is). */
  reason: string | null;
}

/** Repository root: this file is src/backend/native/ (tsx) or dist/backend/native/ (built). */
export const addonPath = path.resolve(__dirname, "../../../native/build/svd_dnnl.node");

const status: NativeStatus = { built: false, loaded: false, installed: false, threads: 0, dnnlVersion: null, addonPath, reason: "not loaded yet" };
let addon: DnnlAddon | null | undefined;

/** The thread count asked for by SVD_NATIVE_THREADS, else the core count. */
export function requestedThreads(): number {
  const env = process.env.SVD_NATIVE_THREADS;
  if (env === undefined || env === "") return os.cpus().length;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) throw new Error(`SVD_NATIVE_THREADS: expected a positive integer, found '${env}'`);
  return n;
}

/** The addon, or null (with status.reason saying why). Loads on the first call. */
export function loadAddon(): DnnlAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  status.built = fs.existsSync(addonPath);
  if (process.env.SVD_NATIVE === "0") {
    status.reason = "disabled by SVD_NATIVE=0";
    return null;
  }
  if (!status.built) {
    const skipped = path.join(path.dirname(addonPath), "skipped.txt");
    status.reason = fs.existsSync(skipped)
      ? `not built: ${fs.readFileSync(skipped, "utf8").trim()}`
      : `not built: ${path.relative(process.cwd(), addonPath) || addonPath} is missing (run npm run build:native)`;
    return null;
  }
  try {
    // Idle OpenMP workers must not spin on the cores the single-threaded wasm kernels need between
    // oneDNN calls; libgomp reads this when it is loaded with the addon.
    if (process.env.OMP_WAIT_POLICY === undefined) process.env.OMP_WAIT_POLICY = "passive";
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(addonPath) as DnnlAddon;
    // A build from older sources lacks newer kernels: refuse it rather than fail mid-training.
    const missing = addonFunctions.filter((f) => typeof (mod as unknown as Record<string, unknown>)[f] !== "function");
    if (missing.length) throw new Error(`the build is older than native/ (no ${missing.join(", ")}); run npm run build:native`);
    mod.setThreads(requestedThreads());
    status.threads = mod.threads();
    status.dnnlVersion = mod.version();
    status.loaded = true;
    status.reason = null;
    addon = mod;
  } catch (err) {
    status.reason = `could not load ${addonPath}: ${(err as Error).message.split("\n")[0]}`;
  }
  return addon;
}

/** Sets the addon's thread count (e.g. for benchmarks at 1 and 2 threads). */
export function setNativeThreads(n: number): void {
  const a = loadAddon();
  if (!a) throw new Error(`setNativeThreads: the native addon is not in use (${status.reason})`);
  a.setThreads(n);
  status.threads = a.threads();
}

/** Records that the kernels were installed (reason null) or taken out again (why). */
export function markInstalled(reason: string | null): void {
  status.installed = reason === null;
  status.reason = reason;
}

/** Built? loaded? installed? threads? and why not: for `svd doctor`. */
export function nativeStatus(): NativeStatus {
  if (addon === undefined) loadAddon();
  return { ...status };
}
