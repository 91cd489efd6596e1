/**
 * WebAssembly SIMD (f64x2) versions of the radix-2/3/4/5 Stockham butterflies of axis-fft.ts, and
 * the memory they work in.
 *
 * Why: the butterflies are the render engine's hot loop; in plain JS every typed-array access is
 * bounds-checked and scalar. Here two columns go through each instruction. The module is assembled
 * at load time by the small encoder below (no binary blob, no toolchain); each kernel is written once
 * as an expression over column pairs, mirroring the scalar JS kernel it replaces (same operations in
 * the same order, so both give identical float64 results).
 *
 * Kernel signature (all pointers in bytes, rows of the source at src + q sIn, of the destination at
 * dst + q sOut): (srcRe, srcIm, dstRe, dstIm, sIn, sOut, nBytes, w1r, w1i, ..., w(r-1)i, sign).
 * nBytes must be a multiple of 16 (an even number of columns; the caller does an odd last column).
 */
import type { Planes } from "./axis-fft";

type Code = number[];
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function str(s: string): Code {
  return [...uleb(s.length), ...Buffer.from(s, "utf8")];
}

function f64const(v: number): Code {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [0x44, ...b];
}

/** One function under construction: typed locals and a body. */
class FnBuilder {
  readonly locals: number[] = [];
  readonly body: Code = [];
  /** Loop invariants (constants, sign products) set before the loop: code and local per key. */
  readonly hoisted: Code = [];
  private readonly hoistedKeys = new Map<string, number>();
  constructor(readonly params: number[]) {}
  /** A v128 local holding `e`, computed once before the loop (memoised by key). */
  pre(key: string, e: Code): number {
    const known = this.hoistedKeys.get(key);
    if (known !== undefined) return known;
    const l = this.local(V128);
    this.hoisted.push(...set(l, e));
    this.hoistedKeys.set(key, l);
    return l;
  }
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
  emit(...c: Code[]): void {
    for (const x of c) this.body.push(...x);
  }
}

const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number, e: Code): Code => [...e, 0x21, ...uleb(i)];
const simd = (op: number): Code => [0xfd, ...uleb(op)];
const add = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf0)];
const sub = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf1)];
const mul = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf2)];
const splat = (e: Code): Code => [...e, ...simd(0x14)];
const i32add = (a: Code, b: Code): Code => [...a, ...b, 0x6a];
const i32mul = (a: Code, b: Code): Code => [...a, ...b, 0x6c];
const i32const = (v: number): Code => [0x41, ...sleb(v)];

function sleb(v: number): Code {
  const out: Code = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/**
 * A radix-r butterfly kernel: `butterfly(a)` gets the twiddled inputs (locals holding v128 pairs
 * [re, im] per q) and returns the outputs as pairs of expressions, in output order.
 */
function radixKernel(r: number, twiddled: boolean, butterfly: (f: FnBuilder, a: [number, number][], sign: number) => [Code, Code][]): FnBuilder {
  // params: srcRe, srcIm, dstRe, dstIm, sIn, sOut, nBytes, w1r, w1i, ..., sign
  const params = [I32, I32, I32, I32, I32, I32, I32, ...Array<number>(2 * (r - 1)).fill(F64), F64];
  const f = new FnBuilder(params);
  const [pSr, pSi, pDr, pDi, pSin, pSout, pN] = [0, 1, 2, 3, 4, 5, 6];
  const pSign = 7 + 2 * (r - 1);
  const c = f.local(I32);
  const inR: number[] = [];
  const inI: number[] = [];
  const outR: number[] = [];
  const outI: number[] = [];
  for (let q = 0; q < r; q++) {
    inR.push(f.local(I32));
    inI.push(f.local(I32));
    outR.push(f.local(I32));
    outI.push(f.local(I32));
    f.emit(
      set(inR[q] as number, i32add(get(pSr), i32mul(get(pSin), i32const(q)))),
      set(inI[q] as number, i32add(get(pSi), i32mul(get(pSin), i32const(q)))),
      set(outR[q] as number, i32add(get(pDr), i32mul(get(pSout), i32const(q)))),
      set(outI[q] as number, i32add(get(pDi), i32mul(get(pSout), i32const(q)))),
    );
  }
  const w: [number, number][] = [];
  for (let q = 1; q < r; q++) {
    const wr = f.local(V128);
    const wi = f.local(V128);
    f.emit(set(wr, splat(get(7 + 2 * (q - 1)))), set(wi, splat(get(8 + 2 * (q - 1)))));
    w.push([wr, wi]);
  }
  const sign = f.local(V128);
  f.emit(set(sign, splat(get(pSign))));
  const load = (p: number): Code => [...i32add(get(p), get(c)), ...simd(0x00), 0x03, 0x00];
  const store = (p: number, v: Code): Code => [...i32add(get(p), get(c)), ...v, ...simd(0x0b), 0x03, 0x00];
  f.emit(i32const(0), [0x21, ...uleb(c)]);
  const loopStart = f.body.length;
  f.emit([0x02, 0x40, 0x03, 0x40]); // block, loop
  f.emit(get(c), get(pN), [0x4f, 0x0d, 0x01]); // br_if 1 when c >= nBytes
  const a: [number, number][] = [];
  for (let q = 0; q < r; q++) {
    const ar = f.local(V128);
    const ai = f.local(V128);
    if (q === 0 || !twiddled) f.emit(set(ar, load(inR[q] as number)), set(ai, load(inI[q] as number)));
    else {
      const xr = f.local(V128);
      const xi = f.local(V128);
      const [wr, wi] = w[q - 1] as [number, number];
      f.emit(set(xr, load(inR[q] as number)), set(xi, load(inI[q] as number)));
      f.emit(set(ar, sub(mul(get(xr), get(wr)), mul(get(xi), get(wi)))), set(ai, add(mul(get(xr), get(wi)), mul(get(xi), get(wr)))));
    }
    a.push([ar, ai]);
  }
  const outs = butterfly(f, a, sign);
  outs.forEach(([re, im], q) => f.emit(store(outR[q] as number, re), store(outI[q] as number, im)));
  f.emit(set(c, i32add(get(c), i32const(16))), [0x0c, 0x00, 0x0b, 0x0b]); // br 0, end loop, end block
  f.body.splice(loopStart, 0, ...f.hoisted);
  return f;
}

/** Locals t = expression, returned as its index (for reuse). */
function tmp(f: FnBuilder, e: Code): number {
  const l = f.local(V128);
  f.emit(set(l, e));
  return l;
}

function radix2(f: FnBuilder, a: [number, number][]): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i]] = a as [[number, number], [number, number]];
  void f;
  return [
    [add(get(a0r), get(a1r)), add(get(a0i), get(a1i))],
    [sub(get(a0r), get(a1r)), sub(get(a0i), get(a1i))],
  ];
}

function radix4(f: FnBuilder, a: [number, number][], sign: number): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i], [a2r, a2i], [a3r, a3i]] = a as [number, number][] as [[number, number], [number, number], [number, number], [number, number]];
  const t0r = tmp(f, add(get(a0r), get(a2r)));
  const t0i = tmp(f, add(get(a0i), get(a2i)));
  const t1r = tmp(f, sub(get(a0r), get(a2r)));
  const t1i = tmp(f, sub(get(a0i), get(a2i)));
  const t2r = tmp(f, add(get(a1r), get(a3r)));
  const t2i = tmp(f, add(get(a1i), get(a3i)));
  const t3r = tmp(f, mul(get(sign), sub(get(a3i), get(a1i))));
  const t3i = tmp(f, mul(get(sign), sub(get(a1r), get(a3r))));
  return [
    [add(get(t0r), get(t2r)), add(get(t0i), get(t2i))],
    [add(get(t1r), get(t3r)), add(get(t1i), get(t3i))],
    [sub(get(t0r), get(t2r)), sub(get(t0i), get(t2i))],
    [sub(get(t1r), get(t3r)), sub(get(t1i), get(t3i))],
  ];
}

const S3 = Math.sqrt(3) / 2;
const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);
/** A splatted constant, hoisted out of the loop. */
const k2 = (f: FnBuilder, v: number): Code => get(f.pre(`c${v}`, splat(f64const(v))));
/** sign * constant, hoisted. */
const sk = (f: FnBuilder, sign: number, v: number): Code => get(f.pre(`s${v}`, mul(get(sign), splat(f64const(v)))));
const neg = (a: Code): Code => [...a, ...simd(0xed)];

function radix3(f: FnBuilder, a: [number, number][], sign: number): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i], [a2r, a2i]] = a as [[number, number], [number, number], [number, number]];
  const s = sk(f, sign, S3);
  const t1r = tmp(f, add(get(a1r), get(a2r)));
  const t1i = tmp(f, add(get(a1i), get(a2i)));
  const br = tmp(f, sub(get(a0r), mul(k2(f, 0.5), get(t1r))));
  const bi = tmp(f, sub(get(a0i), mul(k2(f, 0.5), get(t1i))));
  // (s * i) * (a1 - a2): re = -s (a1i - a2i), im = s (a1r - a2r)
  const ur = tmp(f, neg(mul(s, sub(get(a1i), get(a2i)))));
  const ui = tmp(f, mul(s, sub(get(a1r), get(a2r))));
  return [
    [add(get(a0r), get(t1r)), add(get(a0i), get(t1i))],
    [add(get(br), get(ur)), add(get(bi), get(ui))],
    [sub(get(br), get(ur)), sub(get(bi), get(ui))],
  ];
}

function radix5(f: FnBuilder, a: [number, number][], sign: number): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i], [a2r, a2i], [a3r, a3i], [a4r, a4i]] = a as [[number, number], [number, number], [number, number], [number, number], [number, number]];
  const s1 = sk(f, sign, S51);
  const s2 = sk(f, sign, S52);
  const c1 = k2(f, C51);
  const c2 = k2(f, C52);
  const t1r = tmp(f, add(get(a1r), get(a4r)));
  const t1i = tmp(f, add(get(a1i), get(a4i)));
  const t3r = tmp(f, sub(get(a1r), get(a4r)));
  const t3i = tmp(f, sub(get(a1i), get(a4i)));
  const t2r = tmp(f, add(get(a2r), get(a3r)));
  const t2i = tmp(f, add(get(a2i), get(a3i)));
  const t4r = tmp(f, sub(get(a2r), get(a3r)));
  const t4i = tmp(f, sub(get(a2i), get(a3i)));
  const b1r = tmp(f, add(add(get(a0r), mul(c1, get(t1r))), mul(c2, get(t2r))));
  const b1i = tmp(f, add(add(get(a0i), mul(c1, get(t1i))), mul(c2, get(t2i))));
  const b2r = tmp(f, add(add(get(a0r), mul(c2, get(t1r))), mul(c1, get(t2r))));
  const b2i = tmp(f, add(add(get(a0i), mul(c2, get(t1i))), mul(c1, get(t2i))));
  const u1r = tmp(f, neg(add(mul(s1, get(t3i)), mul(s2, get(t4i)))));
  const u1i = tmp(f, add(mul(s1, get(t3r)), mul(s2, get(t4r))));
  const u2r = tmp(f, neg(sub(mul(s2, get(t3i)), mul(s1, get(t4i)))));
  const u2i = tmp(f, sub(mul(s2, get(t3r)), mul(s1, get(t4r))));
  return [
    [add(add(get(a0r), get(t1r)), get(t2r)), add(add(get(a0i), get(t1i)), get(t2i))],
    [add(get(b1r), get(u1r)), add(get(b1i), get(u1i))],
    [add(get(b2r), get(u2r)), add(get(b2i), get(u2i))],
    [sub(get(b2r), get(u2r)), sub(get(b2i), get(u2i))],
    [sub(get(b1r), get(u1r)), sub(get(b1i), get(u1i))],
  ];
}

/** s += z * w over nBytes (complex, split planes): (zr, zi, wr, wi, sr, si, nBytes). */
function macKernel(): FnBuilder {
  const f = new FnBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const c = f.local(I32);
  const [ar, ai, br, bi] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const load = (p: number): Code => [...i32add(get(p), get(c)), ...simd(0x00), 0x03, 0x00];
  const store = (p: number, v: Code): Code => [...i32add(get(p), get(c)), ...v, ...simd(0x0b), 0x03, 0x00];
  f.emit(i32const(0), [0x21, ...uleb(c)], [0x02, 0x40, 0x03, 0x40], get(c), get(6), [0x4f, 0x0d, 0x01]);
  f.emit(set(ar, load(0)), set(ai, load(1)), set(br, load(2)), set(bi, load(3)));
  f.emit(store(4, add(load(4), sub(mul(get(ar), get(br)), mul(get(ai), get(bi))))));
  f.emit(store(5, add(load(5), add(mul(get(ar), get(bi)), mul(get(ai), get(br))))));
  f.emit(set(c, i32add(get(c), i32const(16))), [0x0c, 0x00, 0x0b, 0x0b]);
  return f;
}

/**
 * dst[c][r] = src[r][c] for even row and column counts, in 2 x 2 blocks (two loads, two shuffles,
 * two stores): (sRe, sIm, dRe, dIm, rows, cols, sStrideBytes, dStrideBytes).
 */
function transposeKernel(): FnBuilder {
  const f = new FnBuilder([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [pSr, pSi, pDr, pDi, pRows, pCols, pSs, pDs] = [0, 1, 2, 3, 4, 5, 6, 7];
  const r = f.local(I32);
  const off = f.local(I32);
  const doff = f.local(I32);
  const endOff = f.local(I32);
  const a0 = f.local(I32);
  const b0 = f.local(I32);
  const d0 = f.local(I32);
  const e0 = f.local(I32);
  const x = f.local(V128);
  const y = f.local(V128);
  const ld = (base: number, extra: Code | null): Code => [...i32add(i32add(get(base), get(off)), extra ?? i32const(0)), ...simd(0x00), 0x03, 0x00];
  const st = (base: number, extra: Code | null, v: Code): Code => [...i32add(i32add(get(base), get(doff)), extra ?? i32const(0)), ...v, ...simd(0x0b), 0x03, 0x00];
  const shuffle = (hi: boolean): Code => {
    const lanes: number[] = [];
    for (let i = 0; i < 8; i++) lanes.push((hi ? 8 : 0) + i);
    for (let i = 0; i < 8; i++) lanes.push((hi ? 24 : 16) + i);
    return [...get(x), ...get(y), ...simd(0x0d), ...lanes];
  };
  f.emit(set(endOff, i32mul(get(pCols), i32const(8))));
  f.emit(i32const(0), [0x21, ...uleb(r)], [0x02, 0x40, 0x03, 0x40], get(r), get(pRows), [0x4f, 0x0d, 0x01]);
  f.emit(set(a0, i32add(get(pSr), i32mul(get(r), get(pSs)))), set(b0, i32add(get(pSi), i32mul(get(r), get(pSs)))));
  f.emit(set(d0, i32add(get(pDr), i32mul(get(r), i32const(8)))), set(e0, i32add(get(pDi), i32mul(get(r), i32const(8)))));
  f.emit(i32const(0), [0x21, ...uleb(off)], i32const(0), [0x21, ...uleb(doff)]);
  f.emit([0x02, 0x40, 0x03, 0x40], get(off), get(endOff), [0x4f, 0x0d, 0x01]);
  for (const [src, dst] of [
    [a0, d0],
    [b0, e0],
  ] as const) {
    f.emit(set(x, ld(src, null)), set(y, ld(src, get(pSs))));
    f.emit(st(dst, null, shuffle(false)), st(dst, get(pDs), shuffle(true)));
  }
  f.emit(set(off, i32add(get(off), i32const(16))), set(doff, i32add(get(doff), i32mul(get(pDs), i32const(2)))));
  f.emit([0x0c, 0x00, 0x0b, 0x0b]);
  f.emit(set(r, i32add(get(r), i32const(2))), [0x0c, 0x00, 0x0b, 0x0b]);
  return f;
}

/** Kernel names in export order. */
const KERNELS: [string, FnBuilder][] = [];
function buildModuleBytes(): Uint8Array {
  KERNELS.length = 0;
  KERNELS.push(["r2", radixKernel(2, true, radix2)], ["r3", radixKernel(3, true, radix3)], ["r4", radixKernel(4, true, radix4)], ["r4plain", radixKernel(4, false, radix4)], ["r5", radixKernel(5, true, radix5)], ["mac", macKernel()], ["tr2", transposeKernel()]);
  const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];
  const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
  const types = vec(KERNELS.map(([, f]) => [0x60, ...vec(f.params.map((t) => [t])), 0x00]));
  const imports = vec([[...str("e"), ...str("m"), 0x02, 0x00, ...uleb(1)]]);
  const funcs = vec(KERNELS.map((_, i) => uleb(i)));
  const exports = vec(KERNELS.map(([name], i) => [...str(name), 0x00, ...uleb(i)]));
  const codes = vec(
    KERNELS.map(([, f]) => {
      const locals = vec(f.locals.map((t) => [0x01, t]));
      const body = [...locals, ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, codes)]);
}

export type RadixKernel = (...args: number[]) => void;
export interface KernelSet {
  r2: RadixKernel;
  r3: RadixKernel;
  r4: RadixKernel;
  r4plain: RadixKernel;
  r5: RadixKernel;
  mac: RadixKernel;
  tr2: RadixKernel;
}

/** The WebAssembly API (not in this project's TS libs: ES2022 without DOM). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (the JS kernels are used). */
function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = buildModuleBytes();
    compiled = WA && WA.validate(bytes) ? new WA.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Planes inside a wasm memory: byte offsets of the re and im planes. */
export interface WasmPlanes extends Planes {
  reOff: number;
  imOff: number;
  kernels: KernelSet;
}

/**
 * A fixed-size wasm memory with the kernels bound to it; hands out planes in it. Returns plain JS
 * planes when wasm SIMD is unavailable or `disabled`.
 */
export class PlaneArena {
  private readonly buffer: ArrayBuffer | null;
  private readonly kernels: KernelSet | null;
  private used = 0;

  constructor(
    readonly capacityFloats: number,
    disabled = false,
  ) {
    const mod = disabled ? null : wasmModule();
    if (!mod || !WA) {
      this.buffer = null;
      this.kernels = null;
      return;
    }
    const pages = Math.ceil((capacityFloats * 8 + 64) / 65536);
    const memory = new WA.Memory({ initial: pages, maximum: pages });
    const inst = new WA.Instance(mod, { e: { m: memory } });
    this.kernels = inst.exports as unknown as KernelSet;
    this.buffer = memory.buffer;
  }

  get simd(): boolean {
    return this.kernels !== null;
  }

  alloc(n: number): Planes {
    if (!this.buffer || !this.kernels) return { re: new Float64Array(n), im: new Float64Array(n) };
    // 16-byte aligned planes (capacity: count 2 (n + 1) floats per allocation).
    const n2 = n + (n & 1);
    if (this.used + 2 * n2 > this.capacityFloats) throw new RangeError(`plane arena full (${this.capacityFloats} floats)`);
    const reOff = this.used * 8;
    const imOff = (this.used + n2) * 8;
    this.used += 2 * n2;
    const p: WasmPlanes = { re: new Float64Array(this.buffer, reOff, n), im: new Float64Array(this.buffer, imOff, n), reOff, imOff, kernels: this.kernels };
    return p;
  }
}
