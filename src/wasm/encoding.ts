/**
 * Binary encoding primitives of the WebAssembly format: LEB128 integers, vectors, names, sections
 * and value types. Bytes are built as plain number arrays (`Code`) and concatenated; see module.ts
 * for whole modules and instructions.ts for the instruction set used here.
 */

/** A piece of WebAssembly binary: bytes in order. */
export type Code = number[];

/** Value types (the byte that names them in signatures and local declarations). */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128 of a non-negative 32-bit integer. */
export function uleb128(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb128(v: number): Code {
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

/** A vector: its length, then the items. */
export const vec = (items: Code[]): Code => [...uleb128(items.length), ...items.flat()];

/** A UTF-8 name (import and export names). */
export const name = (s: string): Code => {
  const bytes = new TextEncoder().encode(s);
  return [...uleb128(bytes.length), ...bytes];
};

/** A section: id, byte size, content. */
export const section = (id: number, content: Code): Code => [id, ...uleb128(content.length), ...content];

/** Little-endian IEEE 754 bytes of a float32 / float64. */
export function f32Bytes(v: number): Code {
  const d = new DataView(new ArrayBuffer(4));
  d.setFloat32(0, v, true);
  return [...new Uint8Array(d.buffer)];
}
export function f64Bytes(v: number): Code {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v, true);
  return [...new Uint8Array(d.buffer)];
}
