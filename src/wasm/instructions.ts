/**
 * WebAssembly instructions as expression builders: each returns the bytes that leave its result on
 * the stack, taking its operands as already-built expressions, so a kernel reads like the formula it
 * computes (`f64x2.add(get(a), get(b))`). Only the instructions the project's loops use are here.
 */
import { f32Bytes, f64Bytes, sleb128, uleb128, type Code } from "./encoding";

// Locals.
export const get = (i: number): Code => [0x20, ...uleb128(i)];
/** local.set of the value `e` leaves on the stack (no `e`: set from what is already there). */
export const set = (i: number, e: Code = []): Code => [...e, 0x21, ...uleb128(i)];

// Scalars.
export const i32 = {
  const: (v: number): Code => [0x41, ...sleb128(v)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x6a],
  sub: (a: Code, b: Code): Code => [...a, ...b, 0x6b],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x6c],
  shl: (a: Code, b: Code): Code => [...a, ...b, 0x74],
  eqz: (a: Code): Code => [...a, 0x45],
  geU: (a: Code, b: Code): Code => [...a, ...b, 0x4f],
};
export const f32 = {
  const: (v: number): Code => [0x43, ...f32Bytes(v)],
  add: (a: Code, b: Code): Code => [...a, ...b, 0x92],
  mul: (a: Code, b: Code): Code => [...a, ...b, 0x94],
  div: (a: Code, b: Code): Code => [...a, ...b, 0x95],
  sqrt: (a: Code): Code => [...a, 0x91],
};
export const f64 = {
  const: (v: number): Code => [0x44, ...f64Bytes(v)],
};

// SIMD (prefix 0xfd).
const simd = (op: number): Code => [0xfd, ...uleb128(op)];
/** Memory argument: log2 of the alignment promised (a hint only) and a constant offset. */
export interface MemArg {
  alignLog2: number;
  offset?: number;
}
export const v128 = {
  load: (addr: Code, m: MemArg): Code => [...addr, ...simd(0x00), m.alignLog2, ...uleb128(m.offset ?? 0)],
  store: (addr: Code, value: Code, m: MemArg): Code => [...addr, ...value, ...simd(0x0b), m.alignLog2, ...uleb128(m.offset ?? 0)],
};
/** i8x16.shuffle: bytes of the result picked by index from the 32 bytes of (a, b). */
export const i8x16Shuffle = (a: Code, b: Code, lanes: number[]): Code => {
  if (lanes.length !== 16) throw new RangeError(`i8x16.shuffle: expected 16 lane indices, got ${lanes.length}`);
  return [...a, ...b, ...simd(0x0d), ...lanes];
};
export const f32x4 = {
  splat: (a: Code): Code => [...a, ...simd(0x13)],
  extractLane: (a: Code, lane: number): Code => [...a, ...simd(0x1f), lane],
  sqrt: (a: Code): Code => [...a, ...simd(0xe3)],
  add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe4)],
  sub: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe5)],
  mul: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe6)],
  div: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xe7)],
};
export const f64x2 = {
  splat: (a: Code): Code => [...a, ...simd(0x14)],
  neg: (a: Code): Code => [...a, ...simd(0xed)],
  add: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf0)],
  sub: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf1)],
  mul: (a: Code, b: Code): Code => [...a, ...b, ...simd(0xf2)],
};

// Control.
/** block { loop { body } }: inside `body`, `br 1` leaves the loop and `br 0` repeats it. */
export const blockLoop = (body: Code): Code => [0x02, 0x40, 0x03, 0x40, ...body, 0x0b, 0x0b];
export const br = (depth: number): Code => [0x0c, ...uleb128(depth)];
export const brIf = (depth: number, cond: Code): Code => [...cond, 0x0d, ...uleb128(depth)];

/** for (i = 0; i < end; i += step) body, with i and end i32 locals (end read each turn). */
export const forUp = (i: number, end: number, step: number, body: Code): Code => [
  ...set(i, i32.const(0)),
  ...blockLoop([...brIf(1, i32.geU(get(i), get(end))), ...body, ...set(i, i32.add(get(i), i32.const(step))), ...br(0)]),
];

/** while (counter != 0) { body; counter -= 1 } */
export const countdown = (counter: number, body: Code): Code =>
  blockLoop([...brIf(1, i32.eqz(get(counter))), ...body, ...set(counter, i32.sub(get(counter), i32.const(1))), ...br(0)]);
