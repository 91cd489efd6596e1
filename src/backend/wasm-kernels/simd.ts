/**
 * WebAssembly SIMD (f32x4) loops that run directly on the tfjs wasm backend's heap: the module
 * imports the backend's own WebAssembly.Memory, so tensors are read and written in place (no copy).
 * Assembled with the shared encoder (src/wasm). Used by the fused kernels for their elementwise
 * passes; every caller falls back to plain JS when the backend's memory cannot be reached.
 *
 * Exports (pointers are byte offsets into the heap, counts are 4-float vectors):
 * - mulRows(a, b, out, rows, n4, strideA, strideB, strideOut): out[r] = a[r] * b[r], row strides in bytes.
 * - dotRows(a, b, acc, rows, n4, strideA, strideB): acc[k] = sum over rows r of a[r][k] * b[r][k] (float32).
 * - sumRows(a, _, acc, rows, n4, strideA, _): acc[k] = sum over rows r of a[r][k] (float32).
 * - layerNorm / layerNormGrad: channel LayerNorm rows (see SimdKernels).
 * - adamw(p, m, v, g, p2, m2, v2, n4, b1, ob1, b2, ob2, eps, decay, stepSize, invSqrtC2):
 *   m2 = b1 m + ob1 g; v2 = b2 v + ob2 g^2; p2 = decay p - stepSize m2 / (sqrt(v2) invSqrtC2 + eps) (float32).
 */
import { F32, I32, V128, countdown, encodeModule, f32, f32x4, get, i32, set, v128, webAssembly, type Code, type ValType, type WasmFunction } from "../../wasm";

/** tfjs tensors in the heap carry no alignment promise beyond 1 byte (log2 0). */
const UNALIGNED = { alignLog2: 0 };
const load = (addr: Code): Code => v128.load(addr, UNALIGNED);
const store = (addr: Code, val: Code): Code => v128.store(addr, val, UNALIGNED);
const { add, sub, mul, div, sqrt, splat } = f32x4;
const iadd = i32.add;
const i32c = i32.const;
/** `count` locals of one type. */
const many = (count: number, type: ValType): ValType[] => Array<ValType>(count).fill(type);

function mulRows(): WasmFunction {
  // params: a0 b1 out2 rows3 n4_4 sa5 sb6 so7; locals: k8 o9 (i32)
  const [A, B, O, ROWS, N4, SA, SB, SO, K, OFF] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const inner = countdown(K, [
    ...store(iadd(get(O), get(OFF)), mul(load(iadd(get(A), get(OFF))), load(iadd(get(B), get(OFF))))),
    ...set(OFF, iadd(get(OFF), i32c(16))),
  ]);
  const body = countdown(ROWS, [
    ...set(K, get(N4)), ...set(OFF, i32c(0)),
    ...inner,
    ...set(A, iadd(get(A), get(SA))),
    ...set(B, iadd(get(B), get(SB))),
    ...set(O, iadd(get(O), get(SO))),
  ]);
  return { name: "mulRows", params: many(8, I32), locals: many(2, I32), body };
}

function dotRows(name: string, withB = true): WasmFunction {
  // params: a0 b1 acc2 rows3 n4_4 sa5 sb6; locals: r7 pa8 pb9 (i32), s10 (v128). Without b: a[r][k] summed.
  const [A, B, ACC, ROWS, N4, SA, SB, R, PA, PB, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const inner = countdown(R, [
    ...set(S, add(get(S), withB ? mul(load(get(PA)), load(get(PB))) : load(get(PA)))),
    ...set(PA, iadd(get(PA), get(SA))),
    ...set(PB, iadd(get(PB), get(SB))),
  ]);
  const body = countdown(N4, [
    ...set(S, ZERO4),
    ...set(PA, get(A)), ...set(PB, get(B)), ...set(R, get(ROWS)),
    ...inner,
    ...store(get(ACC), get(S)),
    ...set(ACC, iadd(get(ACC), i32c(16))),
    ...set(A, iadd(get(A), i32c(16))),
    ...set(B, iadd(get(B), i32c(16))),
  ]);
  return { name, params: many(7, I32), locals: [...many(3, I32), V128], body };
}

/** Horizontal sum of the four lanes, left to right. */
const hsum = (v: Code): Code => f32.add(f32.add(f32.add(f32x4.extractLane(v, 0), f32x4.extractLane(v, 1)), f32x4.extractLane(v, 2)), f32x4.extractLane(v, 3));
const ZERO4: Code = splat(f32.const(0));
const times16 = (a: Code): Code => i32.shl(a, i32c(4));
/** for (K = n4, OFF = 0; K; K--, OFF += 16) body */
const overRow = (K: number, N4: number, OFF: number, body: Code): Code => [...set(K, get(N4)), ...set(OFF, i32c(0)), ...countdown(K, [...body, ...set(OFF, iadd(get(OFF), i32c(16)))])];

/** Per row: mean and 1/sqrt(var + eps) over C4 vectors at X (two passes), into MEAN/INV and their splats VM/VI. */
function rowStats(X: number, N4: number, K: number, OFF: number, EPS: number, INVC: number, MEAN: number, INV: number, S: number, T: number, VM: number, VI: number): Code {
  const at = iadd(get(X), get(OFF));
  return [
    ...set(S, ZERO4),
    ...overRow(K, N4, OFF, set(S, add(get(S), load(at)))),
    ...set(MEAN, f32.mul(hsum(get(S)), get(INVC))),
    ...set(VM, splat(get(MEAN))),
    ...set(S, ZERO4),
    ...overRow(K, N4, OFF, [...set(T, sub(load(at), get(VM))), ...set(S, add(get(S), mul(get(T), get(T))))]),
    ...set(INV, f32.div(f32.const(1), f32.sqrt(f32.add(f32.mul(hsum(get(S)), get(INVC)), get(EPS))))), // 1 / sqrt(var + eps)
    ...set(VI, splat(get(INV))),
  ];
}

function layerNorm(): WasmFunction {
  // params: x0 w1 b2 y3 rows4 n4_5 (i32) eps6 invC7 (f32); locals: k8 off9 (i32), mean10 inv11 (f32), s12 t13 vm14 vi15 (v128)
  const [X, Wt, Bs, Y, ROWS, N4, EPS, INVC, K, OFF, MEAN, INV, S, T, VM, VI] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const at = (p: number) => iadd(get(p), get(OFF));
  const body = countdown(ROWS, [
    ...rowStats(X, N4, K, OFF, EPS, INVC, MEAN, INV, S, T, VM, VI),
    ...overRow(K, N4, OFF, store(at(Y), add(mul(mul(sub(load(at(X)), get(VM)), get(VI)), load(at(Wt))), load(at(Bs))))),
    ...set(X, iadd(get(X), times16(get(N4)))),
    ...set(Y, iadd(get(Y), times16(get(N4)))),
  ]);
  return { name: "layerNorm", params: [...many(6, I32), F32, F32], locals: [...many(2, I32), ...many(2, F32), ...many(4, V128)], body };
}

function layerNormGrad(): WasmFunction {
  // params: x0 w1 g2 dx3 dw4 db5 rows6 n4_7 (i32) eps8 invC9 (f32)
  // locals: k10 off11 (i32), mean12 inv13 mg14 mgx15 (f32), s16 s2_17 n18 gw19 vm20 vi21 t22 (v128)
  const [X, Wt, G, DX, DW, DB, ROWS, N4, EPS, INVC, K, OFF, MEAN, INV, MG, MGX, S, S2, N, GW, VM, VI, T] = Array.from({ length: 23 }, (_, i) => i) as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const at = (p: number) => iadd(get(p), get(OFF));
  const normed = set(N, mul(sub(load(at(X)), get(VM)), get(VI)));
  const body = countdown(ROWS, [
    ...rowStats(X, N4, K, OFF, EPS, INVC, MEAN, INV, S, T, VM, VI),
    ...set(S, ZERO4), ...set(S2, ZERO4),
    ...overRow(K, N4, OFF, [
      ...normed,
      ...set(T, load(at(G))),
      ...set(GW, mul(get(T), load(at(Wt)))),
      ...set(S, add(get(S), get(GW))),
      ...set(S2, add(get(S2), mul(get(GW), get(N)))),
      ...store(at(DW), add(load(at(DW)), mul(get(T), get(N)))),
      ...store(at(DB), add(load(at(DB)), get(T))),
    ]),
    ...set(MG, f32.mul(hsum(get(S)), get(INVC))),
    ...set(MGX, f32.mul(hsum(get(S2)), get(INVC))),
    ...overRow(K, N4, OFF, [
      ...normed,
      ...store(at(DX), mul(get(VI), sub(sub(mul(load(at(G)), load(at(Wt))), splat(get(MG))), mul(get(N), splat(get(MGX)))))),
    ]),
    ...set(X, iadd(get(X), times16(get(N4)))),
    ...set(G, iadd(get(G), times16(get(N4)))),
    ...set(DX, iadd(get(DX), times16(get(N4)))),
  ]);
  return { name: "layerNormGrad", params: [...many(8, I32), F32, F32], locals: [...many(2, I32), ...many(4, F32), ...many(7, V128)], body };
}

function adamw(): WasmFunction {
  // params: p0 m1 v2 g3 p2_4 m2_5 v2_6 n4_7 (i32); b1 8, ob1 9, b2 10, ob2 11, eps 12, decay 13, step 14, isc 15 (f32)
  // locals: off 16 (i32); G 17, Mn 18, Vn 19 (v128); splats 20..27 (v128)
  const OFF = 16, G = 17, MN = 18, VN = 19, S = (i: number) => 20 + i;
  const at = (base: number) => iadd(get(base), get(OFF));
  const pre: Code = [];
  for (let i = 0; i < 8; i++) pre.push(...set(S(i), splat(get(8 + i))));
  const step: Code = [
    ...set(G, load(at(3))),
    ...set(MN, add(mul(load(at(1)), get(S(0))), mul(get(G), get(S(1))))),
    ...set(VN, add(mul(load(at(2)), get(S(2))), mul(mul(get(G), get(G)), get(S(3))))),
    ...store(at(5), get(MN)),
    ...store(at(6), get(VN)),
    ...store(at(4), sub(mul(load(at(0)), get(S(5))), mul(div(get(MN), add(mul(sqrt(get(VN)), get(S(7))), get(S(4)))), get(S(6))))),
    ...set(OFF, iadd(get(OFF), i32c(16))),
  ];
  return { name: "adamw", params: [...many(8, I32), ...many(8, F32)], locals: [I32, ...many(11, V128)], body: [...pre, ...countdown(7, step)] };
}

/** The module, importing the heap as env.mem; export order and names as in SimdKernels. */
export function trainingSimdModuleBytes(): Uint8Array {
  return encodeModule({ module: "env", field: "mem", minPages: 1 }, [mulRows(), adamw(), dotRows("dotRows"), dotRows("sumRows", false), layerNorm(), layerNormGrad()]);
}

export interface SimdKernels {
  mulRows(a: number, b: number, out: number, rows: number, n4: number, strideA: number, strideB: number, strideOut: number): void;
  dotRows(a: number, b: number, acc: number, rows: number, n4: number, strideA: number, strideB: number): void;
  /** dotRows without b (b and strideB are ignored): acc[k] = sum over rows of a[r][k]. */
  sumRows(a: number, b: number, acc: number, rows: number, n4: number, strideA: number, strideB: number): void;
  /** Rows of C = 4*n4: y = (x - mean) / sqrt(var + eps) * w + b (invC = 1/C). */
  layerNorm(x: number, w: number, b: number, y: number, rows: number, n4: number, eps: number, invC: number): void;
  /** Its gradient: dx per row; dw += dy * xn and db += dy accumulated (float32) into the given rows. */
  layerNormGrad(x: number, w: number, dy: number, dx: number, dw: number, db: number, rows: number, n4: number, eps: number, invC: number): void;
  adamw(p: number, m: number, v: number, g: number, p2: number, m2: number, v2: number, n4: number, b1: number, ob1: number, b2: number, ob2: number, eps: number, decay: number, stepSize: number, invSqrtC2: number): void;
}

const cache = new WeakMap<object, SimdKernels | null>();

/** The SIMD loops bound to this backend's heap, or null (no reachable memory or no SIMD support). */
export function simdKernelsFor(backend: unknown): SimdKernels | null {
  const b = backend as { wasm?: { asm?: { memory?: object } } };
  const memory = b.wasm?.asm?.memory;
  const WA = webAssembly;
  if (!WA || !memory || !(memory instanceof WA.Memory)) return null;
  if (cache.has(memory)) return cache.get(memory)!;
  let k: SimdKernels | null = null;
  try {
    const inst = new WA.Instance(new WA.Module(trainingSimdModuleBytes()), { env: { mem: memory } });
    k = inst.exports as unknown as SimdKernels;
  } catch {
    k = null;
  }
  cache.set(memory, k);
  return k;
}

/** Byte offset of a tensor's data in the heap (from the view tfjs hands out). */
export function heapOffset(view: Float32Array): number {
  return view.byteOffset;
}
