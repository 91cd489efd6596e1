/**
 * Split-plane complex data of the batched FFT (axis-fft.ts), and the shape of the same planes when
 * they live in a wasm memory with the SIMD loops bound to it (simd-arena.ts). Own module so that the
 * scalar and SIMD halves share the types without importing each other.
 */

/** Complex data as two planes of float64 (re, im), same layout in each. */
export interface Planes {
  re: Float64Array;
  im: Float64Array;
}

export function allocPlanes(n: number): Planes {
  return { re: new Float64Array(n), im: new Float64Array(n) };
}

/** A SIMD loop exported by the FFT module (arguments: byte pointers, byte counts, f64 coefficients). */
export type SimdLoop = (...args: number[]) => void;

/** The exports of the FFT SIMD module (simd-butterflies.ts documents each signature). */
export interface FftSimdLoops {
  r2: SimdLoop;
  r3: SimdLoop;
  r4: SimdLoop;
  r4plain: SimdLoop;
  r5: SimdLoop;
  mac: SimdLoop;
  tr2: SimdLoop;
}

/** Planes inside a wasm memory: byte offsets of the re and im planes, and the loops bound to it. */
export interface WasmPlanes extends Planes {
  reOff: number;
  imOff: number;
  loops: FftSimdLoops;
}

/** The wasm view of `p` when it has one (then the SIMD loops can run on it), else undefined. */
export function wasmPlanes(p: Planes): WasmPlanes | undefined {
  return (p as Partial<WasmPlanes>).loops !== undefined ? (p as WasmPlanes) : undefined;
}
