/**
 * Whole WebAssembly modules: functions (signature, locals, body) that work in one imported memory,
 * exported by name; and the slice of the WebAssembly API the project uses to compile them.
 */
import { name, section, uleb128, vec, type Code, type ValType } from "./encoding";

/** One exported function: parameters are locals 0..params.length-1, then `locals` in order. */
export interface WasmFunction {
  name: string;
  params: readonly ValType[];
  locals: readonly ValType[];
  /** The instructions, without the final `end`. */
  body: Code;
}

/** Where the module's only memory comes from: `(import module field (memory minPages))`. */
export interface MemoryImport {
  module: string;
  field: string;
  minPages: number;
}

/** Local declarations, consecutive locals of one type as one (count, type) entry. */
function localDecls(locals: readonly ValType[]): Code {
  const groups: Code[] = [];
  for (let i = 0; i < locals.length; ) {
    let j = i;
    while (j < locals.length && locals[j] === locals[i]) j++;
    groups.push([...uleb128(j - i), locals[i] as number]);
    i = j;
  }
  return vec(groups);
}

/** The binary of a module importing `memory` and exporting `functions` (no results, one type each). */
export function encodeModule(memory: MemoryImport, functions: readonly WasmFunction[]): Uint8Array {
  const types = vec(functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0x00]));
  const imports = vec([[...name(memory.module), ...name(memory.field), 0x02, 0x00, ...uleb128(memory.minPages)]]);
  const funcs = vec(functions.map((_, i) => uleb128(i)));
  const exports = vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb128(i)]));
  const codes = vec(
    functions.map((f) => {
      const body = [...localDecls(f.locals), ...f.body, 0x0b];
      return [...uleb128(body.length), ...body];
    }),
  );
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  return Uint8Array.from([...header, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, codes)]);
}

/** The WebAssembly API used here (not in this project's TS libs: ES2022 without DOM). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's WebAssembly object, or undefined where there is none. */
export const webAssembly: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
