/**
 * Calls wasm kernels directly from inside other kernels. A registered kernel receives the backend
 * and must return a TensorInfo; the intermediates it creates through other kernels are released
 * here (`dispose`) so a gradient step leaks no wasm heap.
 */
import type * as tfTypes from "@tensorflow/tfjs";

export type TensorInfo = tfTypes.TensorInfo;
export type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => TensorInfo | TensorInfo[];

/** The subset of the wasm backend object these kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/** The stock wasm kernels, captured before any override so overrides can fall back to them. */
export class KernelTable {
  private readonly funcs = new Map<string, KernelFunc>();
  constructor(private readonly tf: typeof tfTypes) {}
  get(name: string): KernelFunc {
    let f = this.funcs.get(name);
    if (!f) {
      const cfg = this.tf.getKernel(name, "wasm");
      if (!cfg) throw new Error(`wasm kernel '${name}' is not registered`);
      f = cfg.kernelFunc as unknown as KernelFunc;
      this.funcs.set(name, f);
    }
    return f;
  }
  /** Remembers the stock kernel of `name` (call before unregistering it). */
  capture(name: string): void {
    this.get(name);
  }
}

/** A scope of kernel calls: every output is an intermediate unless kept. */
export class Ops {
  private readonly temps: TensorInfo[] = [];
  constructor(
    private readonly table: KernelTable,
    readonly backend: WasmBackend,
  ) {}

  run(name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const out = this.table.get(name)({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`kernel ${name} returned several outputs`);
    this.temps.push(out);
    return out;
  }
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }
  /** Plain GEMM per batch: a [b,m,k] x b [b,k,n] -> [b,m,n] (no transpose flags: those are slow in wasm). */
  matmul(a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
  }
  /** Zero padding with per-axis [before, after]; negative amounts crop. */
  padOrCrop(x: TensorInfo, pads: Array<[number, number]>): TensorInfo {
    let t = x;
    if (pads.some(([a, b]) => a < 0 || b < 0)) {
      const begin = pads.map(([a]) => Math.max(0, -a));
      const size = pads.map(([a, b], i) => t.shape[i]! - Math.max(0, -a) - Math.max(0, -b));
      t = this.run("Slice", { x: t }, { begin, size });
    }
    if (pads.some(([a, b]) => a > 0 || b > 0)) {
      t = this.run("PadV2", { x: t }, { paddings: pads.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]), constantValue: 0 });
    }
    return t;
  }
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }
  /** Removes `t` from the intermediates so it survives `dispose` (the kernel's result). */
  keep(t: TensorInfo): TensorInfo {
    // A result that is an input's data (e.g. a no-op reshape) must still be a distinct reference.
    const i = this.temps.lastIndexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    return t;
  }
  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Runs `body` in a scope and returns its kept result. */
export function withOps(table: KernelTable, backend: unknown, body: (ops: Ops) => TensorInfo): TensorInfo {
  const ops = new Ops(table, backend as WasmBackend);
  try {
    return ops.keep(body(ops));
  } finally {
    ops.dispose();
  }
}
