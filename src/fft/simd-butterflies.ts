/**
 * WebAssembly SIMD (f64x2) versions of the radix-2/3/4/5 Stockham butterflies of axis-fft.ts, plus
 * the complex multiply-accumulate and the 2 x 2 block transpose of the FFT render engine, assembled
 * with the shared encoder (src/wasm).
 *
 * Why: the butterflies are the render engine's hot loop; in plain JS every typed-array access is
 * bounds-checked and scalar. Here two columns go through each instruction. Each butterfly is written
 * once as an expression over column pairs, mirroring the scalar JS butterfly it replaces (same
 * operations in the same order, so both give identical float64 results).
 *
 * Butterfly signature (all pointers in bytes, rows of the source at src + q sIn, of the destination at
 * dst + q sOut): (srcRe, srcIm, dstRe, dstIm, sIn, sOut, nBytes, w1r, w1i, ..., w(r-1)i, sign).
 * nBytes must be a multiple of 16 (an even number of columns; the caller does an odd last column).
 */
import { F64, I32, V128, blockLoop, br, brIf, encodeModule, f64, f64x2, forUp, get, i32, i8x16Shuffle, set, v128, type Code, type ValType, type WasmFunction } from "../wasm";

/** The module imports its memory as e.m (see simd-arena.ts). */
export const FFT_MEMORY_IMPORT = { module: "e", field: "m" } as const;

/** Planes are 16-byte aligned float64 data: promise 8-byte alignment (log2 3). */
const ALIGNED = { alignLog2: 3 };

/** One function under construction: typed locals, a body, and loop invariants hoisted before the loop. */
class FnBuilder {
  readonly locals: ValType[] = [];
  readonly body: Code = [];
  /** Loop invariants (constants, sign products) set before the loop: code and local per key. */
  readonly hoisted: Code = [];
  private readonly hoistedKeys = new Map<string, number>();
  constructor(readonly params: ValType[]) {}
  /** A v128 local holding `e`, computed once before the loop (memoised by key). */
  pre(key: string, e: Code): number {
    const known = this.hoistedKeys.get(key);
    if (known !== undefined) return known;
    const l = this.local(V128);
    this.hoisted.push(...set(l, e));
    this.hoistedKeys.set(key, l);
    return l;
  }
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
  emit(...c: Code[]): void {
    for (const x of c) this.body.push(...x);
  }
  /** Locals t = expression, returned as its index (for reuse). */
  tmp(e: Code): number {
    const l = this.local(V128);
    this.emit(set(l, e));
    return l;
  }
  done(name: string): WasmFunction {
    return { name, params: this.params, locals: this.locals, body: this.body };
  }
}

const { add, sub, mul, neg, splat } = f64x2;
type Pair = [number, number];

/**
 * A radix-r butterfly loop: `butterfly(f, a, sign)` gets the twiddled inputs (locals holding v128
 * pairs [re, im] per q) and returns the outputs as pairs of expressions, in output order.
 */
function radixLoop(name: string, r: number, twiddled: boolean, butterfly: (f: FnBuilder, a: Pair[], sign: number) => [Code, Code][]): WasmFunction {
  const f = new FnBuilder([I32, I32, I32, I32, I32, I32, I32, ...Array<ValType>(2 * (r - 1)).fill(F64), F64]);
  const [pSr, pSi, pDr, pDi, pSin, pSout, pN] = [0, 1, 2, 3, 4, 5, 6];
  const pSign = 7 + 2 * (r - 1);
  const c = f.local(I32);
  const inR: number[] = [];
  const inI: number[] = [];
  const outR: number[] = [];
  const outI: number[] = [];
  const row = (base: number, stride: number, q: number): Code => i32.add(get(base), i32.mul(get(stride), i32.const(q)));
  for (let q = 0; q < r; q++) {
    inR.push(f.local(I32));
    inI.push(f.local(I32));
    outR.push(f.local(I32));
    outI.push(f.local(I32));
    f.emit(set(inR[q]!, row(pSr, pSin, q)), set(inI[q]!, row(pSi, pSin, q)), set(outR[q]!, row(pDr, pSout, q)), set(outI[q]!, row(pDi, pSout, q)));
  }
  const w: Pair[] = [];
  for (let q = 1; q < r; q++) {
    const wr = f.local(V128);
    const wi = f.local(V128);
    f.emit(set(wr, splat(get(7 + 2 * (q - 1)))), set(wi, splat(get(8 + 2 * (q - 1)))));
    w.push([wr, wi]);
  }
  const sign = f.local(V128);
  f.emit(set(sign, splat(get(pSign))));
  const load = (p: number): Code => v128.load(i32.add(get(p), get(c)), ALIGNED);
  const store = (p: number, v: Code): Code => v128.store(i32.add(get(p), get(c)), v, ALIGNED);
  // The loop body is built into f.body first (butterflies hoist their constants meanwhile).
  const head = f.body.splice(0);
  const a: Pair[] = [];
  for (let q = 0; q < r; q++) {
    const ar = f.local(V128);
    const ai = f.local(V128);
    if (q === 0 || !twiddled) f.emit(set(ar, load(inR[q]!)), set(ai, load(inI[q]!)));
    else {
      const xr = f.local(V128);
      const xi = f.local(V128);
      const [wr, wi] = w[q - 1]!;
      f.emit(set(xr, load(inR[q]!)), set(xi, load(inI[q]!)));
      f.emit(set(ar, sub(mul(get(xr), get(wr)), mul(get(xi), get(wi)))), set(ai, add(mul(get(xr), get(wi)), mul(get(xi), get(wr)))));
    }
    a.push([ar, ai]);
  }
  const outs = butterfly(f, a, sign);
  outs.forEach(([re, im], q) => f.emit(store(outR[q]!, re), store(outI[q]!, im)));
  const loopBody = f.body.splice(0);
  f.emit(head, f.hoisted, forUp(c, pN, 16, loopBody));
  return f.done(name);
}

function radix2(_f: FnBuilder, a: Pair[]): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i]] = a as [Pair, Pair];
  return [
    [add(get(a0r), get(a1r)), add(get(a0i), get(a1i))],
    [sub(get(a0r), get(a1r)), sub(get(a0i), get(a1i))],
  ];
}

function radix4(f: FnBuilder, a: Pair[], sign: number): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i], [a2r, a2i], [a3r, a3i]] = a as [Pair, Pair, Pair, Pair];
  const t0r = f.tmp(add(get(a0r), get(a2r)));
  const t0i = f.tmp(add(get(a0i), get(a2i)));
  const t1r = f.tmp(sub(get(a0r), get(a2r)));
  const t1i = f.tmp(sub(get(a0i), get(a2i)));
  const t2r = f.tmp(add(get(a1r), get(a3r)));
  const t2i = f.tmp(add(get(a1i), get(a3i)));
  const t3r = f.tmp(mul(get(sign), sub(get(a3i), get(a1i))));
  const t3i = f.tmp(mul(get(sign), sub(get(a1r), get(a3r))));
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
const k2 = (f: FnBuilder, v: number): Code => get(f.pre(`c${v}`, splat(f64.const(v))));
/** sign * constant, hoisted. */
const sk = (f: FnBuilder, sign: number, v: number): Code => get(f.pre(`s${v}`, mul(get(sign), splat(f64.const(v)))));

function radix3(f: FnBuilder, a: Pair[], sign: number): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i], [a2r, a2i]] = a as [Pair, Pair, Pair];
  const s = sk(f, sign, S3);
  const t1r = f.tmp(add(get(a1r), get(a2r)));
  const t1i = f.tmp(add(get(a1i), get(a2i)));
  const br_ = f.tmp(sub(get(a0r), mul(k2(f, 0.5), get(t1r))));
  const bi = f.tmp(sub(get(a0i), mul(k2(f, 0.5), get(t1i))));
  // (s * i) * (a1 - a2): re = -s (a1i - a2i), im = s (a1r - a2r)
  const ur = f.tmp(neg(mul(s, sub(get(a1i), get(a2i)))));
  const ui = f.tmp(mul(s, sub(get(a1r), get(a2r))));
  return [
    [add(get(a0r), get(t1r)), add(get(a0i), get(t1i))],
    [add(get(br_), get(ur)), add(get(bi), get(ui))],
    [sub(get(br_), get(ur)), sub(get(bi), get(ui))],
  ];
}

function radix5(f: FnBuilder, a: Pair[], sign: number): [Code, Code][] {
  const [[a0r, a0i], [a1r, a1i], [a2r, a2i], [a3r, a3i], [a4r, a4i]] = a as [Pair, Pair, Pair, Pair, Pair];
  const s1 = sk(f, sign, S51);
  const s2 = sk(f, sign, S52);
  const c1 = k2(f, C51);
  const c2 = k2(f, C52);
  const t1r = f.tmp(add(get(a1r), get(a4r)));
  const t1i = f.tmp(add(get(a1i), get(a4i)));
  const t3r = f.tmp(sub(get(a1r), get(a4r)));
  const t3i = f.tmp(sub(get(a1i), get(a4i)));
  const t2r = f.tmp(add(get(a2r), get(a3r)));
  const t2i = f.tmp(add(get(a2i), get(a3i)));
  const t4r = f.tmp(sub(get(a2r), get(a3r)));
  const t4i = f.tmp(sub(get(a2i), get(a3i)));
  const b1r = f.tmp(add(add(get(a0r), mul(c1, get(t1r))), mul(c2, get(t2r))));
  const b1i = f.tmp(add(add(get(a0i), mul(c1, get(t1i))), mul(c2, get(t2i))));
  const b2r = f.tmp(add(add(get(a0r), mul(c2, get(t1r))), mul(c1, get(t2r))));
  const b2i = f.tmp(add(add(get(a0i), mul(c2, get(t1i))), mul(c1, get(t2i))));
  const u1r = f.tmp(neg(add(mul(s1, get(t3i)), mul(s2, get(t4i)))));
  const u1i = f.tmp(add(mul(s1, get(t3r)), mul(s2, get(t4r))));
  const u2r = f.tmp(neg(sub(mul(s2, get(t3i)), mul(s1, get(t4i)))));
  const u2i = f.tmp(sub(mul(s2, get(t3r)), mul(s1, get(t4r))));
  return [
    [add(add(get(a0r), get(t1r)), get(t2r)), add(add(get(a0i), get(t1i)), get(t2i))],
    [add(get(b1r), get(u1r)), add(get(b1i), get(u1i))],
    [add(get(b2r), get(u2r)), add(get(b2i), get(u2i))],
    [sub(get(b2r), get(u2r)), sub(get(b2i), get(u2i))],
    [sub(get(b1r), get(u1r)), sub(get(b1i), get(u1i))],
  ];
}

/** s += z * w over nBytes (complex, split planes): (zr, zi, wr, wi, sr, si, nBytes). */
function macLoop(): WasmFunction {
  const f = new FnBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const c = f.local(I32);
  const [ar, ai, br_, bi] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const load = (p: number): Code => v128.load(i32.add(get(p), get(c)), ALIGNED);
  const store = (p: number, v: Code): Code => v128.store(i32.add(get(p), get(c)), v, ALIGNED);
  f.emit(
    forUp(c, 6, 16, [
      ...set(ar, load(0)),
      ...set(ai, load(1)),
      ...set(br_, load(2)),
      ...set(bi, load(3)),
      ...store(4, add(load(4), sub(mul(get(ar), get(br_)), mul(get(ai), get(bi))))),
      ...store(5, add(load(5), add(mul(get(ar), get(bi)), mul(get(ai), get(br_))))),
    ]),
  );
  return f.done("mac");
}

/**
 * dst[c][r] = src[r][c] for even row and column counts, in 2 x 2 blocks (two loads, two shuffles,
 * two stores): (sRe, sIm, dRe, dIm, rows, cols, sStrideBytes, dStrideBytes).
 */
function transposeLoop(): WasmFunction {
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
  const ld = (base: number, extra: Code | null): Code => v128.load(i32.add(i32.add(get(base), get(off)), extra ?? i32.const(0)), ALIGNED);
  const st = (base: number, extra: Code | null, v: Code): Code => v128.store(i32.add(i32.add(get(base), get(doff)), extra ?? i32.const(0)), v, ALIGNED);
  /** The low (or high) float64 of x next to the same one of y. */
  const shuffle = (hi: boolean): Code => {
    const lanes: number[] = [];
    for (let i = 0; i < 8; i++) lanes.push((hi ? 8 : 0) + i);
    for (let i = 0; i < 8; i++) lanes.push((hi ? 24 : 16) + i);
    return i8x16Shuffle(get(x), get(y), lanes);
  };
  const inner: Code = [];
  for (const [src, dst] of [
    [a0, d0],
    [b0, e0],
  ] as const) {
    inner.push(...set(x, ld(src, null)), ...set(y, ld(src, get(pSs))));
    inner.push(...st(dst, null, shuffle(false)), ...st(dst, get(pDs), shuffle(true)));
  }
  inner.push(...set(off, i32.add(get(off), i32.const(16))), ...set(doff, i32.add(get(doff), i32.mul(get(pDs), i32.const(2)))));
  f.emit(set(endOff, i32.mul(get(pCols), i32.const(8))));
  f.emit(
    forUp(r, pRows, 2, [
      ...set(a0, i32.add(get(pSr), i32.mul(get(r), get(pSs)))),
      ...set(b0, i32.add(get(pSi), i32.mul(get(r), get(pSs)))),
      ...set(d0, i32.add(get(pDr), i32.mul(get(r), i32.const(8)))),
      ...set(e0, i32.add(get(pDi), i32.mul(get(r), i32.const(8)))),
      ...set(off, i32.const(0)),
      ...set(doff, i32.const(0)),
      ...blockLoop([...brIf(1, i32.geU(get(off), get(endOff))), ...inner, ...br(0)]),
    ]),
  );
  return f.done("tr2");
}

/** The FFT SIMD module: exports in the order and under the names of FftSimdLoops (planes.ts). */
export function fftSimdModuleBytes(): Uint8Array {
  return encodeModule({ ...FFT_MEMORY_IMPORT, minPages: 1 }, [
    radixLoop("r2", 2, true, radix2),
    radixLoop("r3", 3, true, radix3),
    radixLoop("r4", 4, true, radix4),
    radixLoop("r4plain", 4, false, radix4),
    radixLoop("r5", 5, true, radix5),
    macLoop(),
    transposeLoop(),
  ]);
}
