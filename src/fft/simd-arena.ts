/**
 * A fixed-size wasm memory with the FFT SIMD loops (simd-butterflies.ts) bound to it, handing out
 * split planes inside it; plain JS planes where WebAssembly SIMD is unavailable (then the scalar
 * butterflies of axis-fft.ts run).
 */
import { webAssembly } from "../wasm";
import type { FftSimdLoops, Planes, WasmPlanes } from "./planes";
import { FFT_MEMORY_IMPORT, fftSimdModuleBytes } from "./simd-butterflies";

let compiled: object | null | undefined;

/** The compiled module (built once per process), or null where WebAssembly SIMD is unavailable. */
function fftSimdModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = fftSimdModuleBytes();
    compiled = webAssembly && webAssembly.validate(bytes) ? new webAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

export class PlaneArena {
  private readonly buffer: ArrayBuffer | null;
  private readonly loops: FftSimdLoops | null;
  private used = 0;

  /** Room for `capacityFloats` float64 in all; `disabled`: plain JS planes even where SIMD works. */
  constructor(
    readonly capacityFloats: number,
    disabled = false,
  ) {
    const mod = disabled ? null : fftSimdModule();
    if (!mod || !webAssembly) {
      this.buffer = null;
      this.loops = null;
      return;
    }
    const pages = Math.ceil((capacityFloats * 8 + 64) / 65536);
    const memory = new webAssembly.Memory({ initial: pages, maximum: pages });
    const inst = new webAssembly.Instance(mod, { [FFT_MEMORY_IMPORT.module]: { [FFT_MEMORY_IMPORT.field]: memory } });
    this.loops = inst.exports as unknown as FftSimdLoops;
    this.buffer = memory.buffer;
  }

  get simd(): boolean {
    return this.loops !== null;
  }

  alloc(n: number): Planes {
    if (!this.buffer || !this.loops) return { re: new Float64Array(n), im: new Float64Array(n) };
    // 16-byte aligned planes (capacity: count 2 (n + 1) floats per allocation).
    const n2 = n + (n & 1);
    if (this.used + 2 * n2 > this.capacityFloats) throw new RangeError(`plane arena full (${this.capacityFloats} floats)`);
    const reOff = this.used * 8;
    const imOff = (this.used + n2) * 8;
    this.used += 2 * n2;
    const p: WasmPlanes = { re: new Float64Array(this.buffer, reOff, n), im: new Float64Array(this.buffer, imOff, n), reOff, imOff, loops: this.loops };
    return p;
  }
}
