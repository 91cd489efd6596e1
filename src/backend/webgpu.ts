/**
 * The WebGPU route: tfjs-backend-webgpu on Dawn's Node binding (the `webgpu` npm package, an
 * optional dependency that ships a prebuilt dawn.node). Dawn talks to Vulkan here, so an adapter
 * exists when a Vulkan driver does: a real GPU's, or Mesa's software lavapipe (llvmpipe) device,
 * which Dawn only accepts from Mesa 25 on (shared/notes/compute-backends.md, section 2).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import type * as tfTypes from "@tensorflow/tfjs";

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (llvmpipe/lavapipe, SwiftShader): ~35x slower than PyTorch for training. */
  software: boolean;
}

export type WebGPUProbe = { ok: true; adapter: AdapterReport } | { ok: false; reason: string };

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(opts?: Record<string, unknown>): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Partial<Record<"vendor" | "architecture" | "device" | "description", string>> & { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

const softwareAdapter = /llvmpipe|lavapipe|swiftshader|software/i;

let dawn: { gpu: GpuLike; globals: Record<string, unknown> } | null = null;
let probed: Promise<WebGPUProbe> | null = null;

function loadDawn(): { gpu: GpuLike; globals: Record<string, unknown> } {
  if (dawn) return dawn;
  // Dawn prints "XDG_RUNTIME_DIR is invalid or not set" to stderr on every start without it.
  process.env.XDG_RUNTIME_DIR ??= os.tmpdir();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require("webgpu") as DawnModule;
  dawn = { gpu: mod.create([]), globals: mod.globals };
  return dawn;
}

export function describeAdapter(adapter: AdapterLike): AdapterReport {
  const i = adapter.info ?? {};
  const r = { vendor: i.vendor ?? "", architecture: i.architecture ?? "", device: i.device ?? "", description: i.description ?? "" };
  const fallback = adapter.isFallbackAdapter === true || i.isFallbackAdapter === true;
  return { ...r, software: fallback || softwareAdapter.test(`${r.architecture} ${r.device} ${r.description}`) };
}

/** Loads dawn.node and asks for an adapter (once per process); says why when there is none. */
export function probeWebGPU(): Promise<WebGPUProbe> {
  probed ??= (async (): Promise<WebGPUProbe> => {
    let gpu: GpuLike;
    try {
      gpu = loadDawn().gpu;
    } catch (err) {
      const msg = (err as Error).message.split("\n")[0] ?? String(err);
      return { ok: false, reason: /Cannot find module/.test(msg) ? "the webgpu package (dawn.node) is not installed" : `dawn.node does not load: ${msg}` };
    }
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
      if (!adapter)
        return {
          ok: false,
          reason:
            "no WebGPU adapter: Dawn found no usable Vulkan device (no GPU driver; Mesa's lavapipe before 25 lacks the features Dawn needs - bash environment/setup.sh installs 25.x from bookworm-backports)",
        };
      return { ok: true, adapter: describeAdapter(adapter) };
    } catch (err) {
      return { ok: false, reason: `requestAdapter failed: ${(err as Error).message}` };
    }
  })();
  return probed;
}

export function adapterLabel(a: AdapterReport): string {
  const fields = [["vendor", a.vendor], ["device", a.device], ["architecture", a.architecture]].filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
  return `'${a.description || a.device || "unnamed adapter"}' (${[...fields, a.software ? "software" : "hardware"].join(", ")})`;
}

/**
 * GPU device nodes a hardware adapter would need (DRM render nodes, NVIDIA's, WSL's). Without
 * any, Dawn can at most find a software adapter, which automatic selection does not use; checking
 * first spares every process loading dawn.node and its driver warnings on stderr.
 */
export function gpuDeviceNodes(): string[] {
  const found: string[] = [];
  try {
    for (const f of fs.readdirSync("/dev/dri")) if (f.startsWith("renderD")) found.push(`/dev/dri/${f}`);
  } catch {
    /* no DRM */
  }
  for (const f of ["/dev/nvidia0", "/dev/dxg"]) if (fs.existsSync(f)) found.push(f);
  return found;
}

/**
 * Makes tfjs's webgpu backend active. tfjs-backend-webgpu registers itself only when
 * `navigator.gpu` exists at import, so Dawn's GPU object and WebGPU globals go in first.
 */
export async function activateWebGPU(tf: typeof tfTypes): Promise<void> {
  const { gpu, globals } = loadDawn();
  const g = globalThis as Record<string, unknown>;
  for (const [k, v] of Object.entries(globals)) if (!(k in g)) g[k] = v;
  const nav = (g.navigator ?? {}) as Record<string, unknown>;
  if (!nav.gpu) {
    if (g.navigator) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
    else g.navigator = { gpu };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend("webgpu"))) throw new Error("tf.setBackend('webgpu') failed (see the warning tfjs printed above)");
}

/** CPU threads a software adapter computes on: llvmpipe starts LP_NUM_THREADS, else one per core. */
export function llvmpipeThreads(): number {
  const env = Number(process.env.LP_NUM_THREADS);
  return Number.isInteger(env) && env >= 0 ? Math.max(1, env) : os.cpus().length;
}
