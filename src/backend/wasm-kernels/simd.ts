/**
 * WebAssembly SIMD (f32x4) loops that run directly on the tfjs wasm backend's heap: the module
 * imports the backend's own WebAssembly.Memory, so tensors are read and written in place (no copy).
 * Encoded here byte by byte (no toolchain). Used by the fused kernels for their elementwise passes;
 * every caller falls back to plain JS when the backend's memory cannot be reached.
 *
 * Exports (pointers are byte offsets into the heap, counts are 4-float vectors):
 * - mulRows(a, b, out, rows, n4, strideA, strideB, strideOut): out[r] = a[r] * b[r], row strides in bytes.
 * - dotRows(a, b, acc, rows, n4, strideA, strideB): acc[k] = sum over rows r of a[r][k] * b[r][k] (float32).
 * - sumRows(a, _, acc, rows, n4, strideA, _): acc[k] = sum over rows r of a[r][k] (float32).
 * - layerNorm / layerNormGrad: channel LayerNorm rows (see SimdKernels).
 * - adamw(p, m, v, g, p2, m2, v2, n4, b1, ob1, b2, ob2, eps, decay, stepSize, invSqrtC2):
 *   m2 = b1 m + ob1 g; v2 = b2 v + ob2 g^2; p2 = decay p - stepSize m2 / (sqrt(v2) invSqrtC2 + eps) (float32).
 */
type Code = number[];

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(v: number): Code {
  const out: Code = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const name = (s: string): Code => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number): Code => [0x21, ...uleb(i)];
const i32c = (v: number): Code => [0x41, ...sleb(v)];
const simd = (op: number): Code => [0xfd, ...uleb(op)];
const load = (addr: Code): Code => [...addr, ...simd(0x00), 0x00, 0x00]; // v128.load align=1 offset=0
const store = (addr: Code, val: Code): Code => [...addr, ...val, ...simd(0x0b), 0x00, 0x00];
const add = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe4)];
const sub = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe5)];
const mul = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe6)];
const div = (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe7)];
const sqrt = (a: Code): Code => [...a, ...simd(0xe3)];
const splat = (a: Code): Code => [...a, ...simd(0x13)];
const iadd = (a: Code, b: Code): Code => [...a, ...b, 0x6a];
/** while (counter != 0) { body; counter -= 1 } */
const countdown = (counter: number, body: Code): Code => [
  0x02, 0x40, 0x03, 0x40,
  ...get(counter), 0x45, 0x0d, 0x01, // i32.eqz; br_if 1 (exit)
  ...body,
  ...get(counter), ...i32c(1), 0x6b, ...set(counter),
  0x0c, 0x00, // br 0 (loop)
  0x0b, 0x0b,
];

function mulRowsBody(): { params: number[]; locals: Code; code: Code } {
  // params: a0 b1 out2 rows3 n4_4 sa5 sb6 so7; locals: k8 o9 (i32)
  const [A, B, O, ROWS, N4, SA, SB, SO, K, OFF] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const inner = countdown(K, [
    ...store(iadd(get(O), get(OFF)), mul(load(iadd(get(A), get(OFF))), load(iadd(get(B), get(OFF))))),
    ...iadd(get(OFF), i32c(16)), ...set(OFF),
  ]);
  const code = countdown(ROWS, [
    ...get(N4), ...set(K), ...i32c(0), ...set(OFF),
    ...inner,
    ...iadd(get(A), get(SA)), ...set(A),
    ...iadd(get(B), get(SB)), ...set(B),
    ...iadd(get(O), get(SO)), ...set(O),
  ]);
  return { params: [I32, I32, I32, I32, I32, I32, I32, I32], locals: vec([[2, I32]]), code };
}

function dotRowsBody(withB = true): { params: number[]; locals: Code; code: Code } {
  // params: a0 b1 acc2 rows3 n4_4 sa5 sb6; locals: r7 pa8 pb9 (i32), s10 (v128). Without b: a[r][k] summed.
  const [A, B, ACC, ROWS, N4, SA, SB, R, PA, PB, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const inner = countdown(R, [
    ...add(get(S), withB ? mul(load(get(PA)), load(get(PB))) : load(get(PA))), ...set(S),
    ...iadd(get(PA), get(SA)), ...set(PA),
    ...iadd(get(PB), get(SB)), ...set(PB),
  ]);
  const code = countdown(N4, [
    ...splat([0x43, 0, 0, 0, 0]), ...set(S), // f32.const 0
    ...get(A), ...set(PA), ...get(B), ...set(PB), ...get(ROWS), ...set(R),
    ...inner,
    ...store(get(ACC), get(S)),
    ...iadd(get(ACC), i32c(16)), ...set(ACC),
    ...iadd(get(A), i32c(16)), ...set(A),
    ...iadd(get(B), i32c(16)), ...set(B),
  ]);
  return { params: [I32, I32, I32, I32, I32, I32, I32], locals: vec([[3, I32], [1, V128]]), code };
}

const lane = (v: Code, l: number): Code => [...v, ...simd(0x1f), l]; // f32x4.extract_lane
const hsum = (v: Code): Code => [...lane(v, 0), ...lane(v, 1), 0x92, ...lane(v, 2), 0x92, ...lane(v, 3), 0x92];
const fmul = (a: Code, b: Code): Code => [...a, ...b, 0x94];
const fadd = (a: Code, b: Code): Code => [...a, ...b, 0x92];
const ONE: Code = [0x43, 0x00, 0x00, 0x80, 0x3f];
const ZERO4: Code = splat([0x43, 0, 0, 0, 0]);
const ishl4 = (a: Code): Code => [...a, ...i32c(4), 0x74];
/** for (K = n4, OFF = 0; K; K--, OFF += 16) body */
const overRow = (K: number, N4: number, OFF: number, body: Code): Code => [...get(N4), ...set(K), ...i32c(0), ...set(OFF), ...countdown(K, [...body, ...iadd(get(OFF), i32c(16)), ...set(OFF)])];

/** Per row: mean and 1/sqrt(var + eps) over C4 vectors at X (two passes), into MEAN/INV and their splats VM/VI. */
function rowStats(X: number, N4: number, K: number, OFF: number, EPS: number, INVC: number, MEAN: number, INV: number, S: number, T: number, VM: number, VI: number): Code {
  const at = iadd(get(X), get(OFF));
  return [
    ...ZERO4, ...set(S),
    ...overRow(K, N4, OFF, [...add(get(S), load(at)), ...set(S)]),
    ...fmul(hsum(get(S)), get(INVC)), ...set(MEAN),
    ...splat(get(MEAN)), ...set(VM),
    ...ZERO4, ...set(S),
    ...overRow(K, N4, OFF, [...sub(load(at), get(VM)), ...set(T), ...add(get(S), mul(get(T), get(T))), ...set(S)]),
    ...ONE, ...fadd(fmul(hsum(get(S)), get(INVC)), get(EPS)), 0x91, 0x95, ...set(INV), // 1 / sqrt(var + eps)
    ...splat(get(INV)), ...set(VI),
  ];
}

function layerNormBody(): { params: number[]; locals: Code; code: Code } {
  // params: x0 w1 b2 y3 rows4 n4_5 (i32) eps6 invC7 (f32); locals: k8 off9 (i32), mean10 inv11 (f32), s12 t13 vm14 vi15 (v128)
  const [X, Wt, Bs, Y, ROWS, N4, EPS, INVC, K, OFF, MEAN, INV, S, T, VM, VI] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const at = (p: number) => iadd(get(p), get(OFF));
  const code = countdown(ROWS, [
    ...rowStats(X, N4, K, OFF, EPS, INVC, MEAN, INV, S, T, VM, VI),
    ...overRow(K, N4, OFF, store(at(Y), add(mul(mul(sub(load(at(X)), get(VM)), get(VI)), load(at(Wt))), load(at(Bs))))),
    ...iadd(get(X), ishl4(get(N4))), ...set(X),
    ...iadd(get(Y), ishl4(get(N4))), ...set(Y),
  ]);
  return { params: [I32, I32, I32, I32, I32, I32, F32, F32], locals: vec([[2, I32], [2, F32], [4, V128]]), code };
}

function layerNormGradBody(): { params: number[]; locals: Code; code: Code } {
  // params: x0 w1 g2 dx3 dw4 db5 rows6 n4_7 (i32) eps8 invC9 (f32)
  // locals: k10 off11 (i32), mean12 inv13 mg14 mgx15 (f32), s16 s2_17 n18 gw19 vm20 vi21 t22 (v128)
  const [X, Wt, G, DX, DW, DB, ROWS, N4, EPS, INVC, K, OFF, MEAN, INV, MG, MGX, S, S2, N, GW, VM, VI, T] = Array.from({ length: 23 }, (_, i) => i) as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const at = (p: number) => iadd(get(p), get(OFF));
  const normed = [...mul(sub(load(at(X)), get(VM)), get(VI)), ...set(N)];
  const code = countdown(ROWS, [
    ...rowStats(X, N4, K, OFF, EPS, INVC, MEAN, INV, S, T, VM, VI),
    ...ZERO4, ...set(S), ...ZERO4, ...set(S2),
    ...overRow(K, N4, OFF, [
      ...normed,
      ...load(at(G)), ...set(T),
      ...mul(get(T), load(at(Wt))), ...set(GW),
      ...add(get(S), get(GW)), ...set(S),
      ...add(get(S2), mul(get(GW), get(N))), ...set(S2),
      ...store(at(DW), add(load(at(DW)), mul(get(T), get(N)))),
      ...store(at(DB), add(load(at(DB)), get(T))),
    ]),
    ...fmul(hsum(get(S)), get(INVC)), ...set(MG),
    ...fmul(hsum(get(S2)), get(INVC)), ...set(MGX),
    ...overRow(K, N4, OFF, [
      ...normed,
      ...store(at(DX), mul(get(VI), sub(sub(mul(load(at(G)), load(at(Wt))), splat(get(MG))), mul(get(N), splat(get(MGX)))))),
    ]),
    ...iadd(get(X), ishl4(get(N4))), ...set(X),
    ...iadd(get(G), ishl4(get(N4))), ...set(G),
    ...iadd(get(DX), ishl4(get(N4))), ...set(DX),
  ]);
  return { params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32], locals: vec([[2, I32], [4, F32], [7, V128]]), code };
}

function adamwBody(): { params: number[]; locals: Code; code: Code } {
  // params: p0 m1 v2 g3 p2_4 m2_5 v2_6 n4_7 (i32); b1 8, ob1 9, b2 10, ob2 11, eps 12, decay 13, step 14, isc 15 (f32)
  // locals: off 16 (i32); G 17, Mn 18, Vn 19 (v128); splats 20..27 (v128)
  const OFF = 16, G = 17, MN = 18, VN = 19, S = (i: number) => 20 + i;
  const at = (base: number) => iadd(get(base), get(OFF));
  const pre: Code = [];
  for (let i = 0; i < 8; i++) pre.push(...splat(get(8 + i)), ...set(S(i)));
  const body: Code = [
    ...load(at(3)), ...set(G),
    ...add(mul(load(at(1)), get(S(0))), mul(get(G), get(S(1)))), ...set(MN),
    ...add(mul(load(at(2)), get(S(2))), mul(mul(get(G), get(G)), get(S(3)))), ...set(VN),
    ...store(at(5), get(MN)),
    ...store(at(6), get(VN)),
    ...store(at(4), sub(mul(load(at(0)), get(S(5))), mul(div(get(MN), add(mul(sqrt(get(VN)), get(S(7))), get(S(4)))), get(S(6))))),
    ...iadd(get(OFF), i32c(16)), ...set(OFF),
  ];
  return {
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32],
    locals: vec([[1, I32], [11, V128]]),
    code: [...pre, ...countdown(7, body)],
  };
}

function moduleBytes(): Uint8Array {
  const fns = [
    ["mulRows", mulRowsBody()],
    ["adamw", adamwBody()],
    ["dotRows", dotRowsBody()],
    ["sumRows", dotRowsBody(false)],
    ["layerNorm", layerNormBody()],
    ["layerNormGrad", layerNormGradBody()],
  ] as const;
  const types = vec(fns.map(([, f]) => [0x60, ...vec(f.params.map((t) => [t])), 0x00]));
  const imports = vec([[...name("env"), ...name("mem"), 0x02, 0x00, ...uleb(1)]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map(([n], i) => [...name(n), 0x00, ...uleb(i)]));
  const codes = vec(
    fns.map(([, f]) => {
      const body = [...f.locals, ...f.code, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, codes)]);
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

/** The slice of the WebAssembly API used here (the tsconfig has no DOM lib). */
interface WasmApi {
  Memory: new (d: { initial: number }) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const cache = new WeakMap<object, SimdKernels | null>();

/** The SIMD loops bound to this backend's heap, or null (no reachable memory or no SIMD support). */
export function simdKernelsFor(backend: unknown): SimdKernels | null {
  const b = backend as { wasm?: { asm?: { memory?: object } } };
  const memory = b.wasm?.asm?.memory;
  if (!WA || !memory || !(memory instanceof WA.Memory)) return null;
  if (cache.has(memory)) return cache.get(memory)!;
  let k: SimdKernels | null = null;
  try {
    const inst = new WA.Instance(new WA.Module(moduleBytes()), { env: { mem: memory } });
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
