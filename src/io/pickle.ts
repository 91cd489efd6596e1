/**
 * A restricted pickle reader for untrusted files (PyTorch checkpoints). It interprets only the
 * opcodes that plain data needs (numbers, strings, bytes, tuples, lists, dicts, memo, persistent
 * ids) and resolves a GLOBAL only through the caller's allow-list: nothing from the file is ever
 * executed, and any other opcode or global is an error naming it and its byte position.
 *
 * Python values map to: None -> null, bool -> boolean, int -> number (bigint beyond 2^53),
 * float -> number, str -> string, bytes -> Uint8Array, list -> array, tuple -> PyTuple,
 * dict -> Map, allowed objects -> whatever the allow-listed callable returns.
 */
import { InputFileError } from "../util/errors";

export type PyKey = string | number | bigint | boolean | null;
export type PyValue = PyKey | Uint8Array | PyValue[] | PyTuple | Map<PyKey, PyValue> | object;

/** A Python tuple (kept apart from lists so callers can check argument shapes). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** What an allow-listed global turns into: something REDUCE may call and BUILD may update. */
export interface PyCallable {
  /** "module.name", for error messages. */
  readonly qualname: string;
  call(args: PyValue[]): PyValue;
}

export interface UnpickleOptions {
  /** Resolves module/name to an allowed callable; undefined rejects the global. */
  resolveGlobal(module: string, name: string): PyCallable | undefined;
  /** Handles BINPERSID (PyTorch storages); undefined rejects persistent ids. */
  persistentLoad?(pid: PyValue): PyValue;
  /** BUILD on an object returned by an allowed callable (e.g. an OrderedDict's `_metadata`). */
  build?(obj: PyValue, state: PyValue): PyValue;
  /** Names the source in errors. */
  file: string;
  /** Limits against hostile sizes (defaults: 1e7 stack/memo entries). */
  maxItems?: number;
}

const MARK = Symbol("mark");
type Slot = PyValue | typeof MARK;

/** Opcode names, for errors about the opcodes this reader refuses. */
const opcodeNames: Record<number, string> = {
  0x28: "MARK", 0x2e: "STOP", 0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4a: "BININT",
  0x4b: "BININT1", 0x4c: "LONG", 0x4d: "BININT2", 0x4e: "NONE", 0x50: "PERSID", 0x51: "BINPERSID", 0x52: "REDUCE",
  0x53: "STRING", 0x54: "BINSTRING", 0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x58: "BINUNICODE", 0x61: "APPEND",
  0x62: "BUILD", 0x63: "GLOBAL", 0x64: "DICT", 0x7d: "EMPTY_DICT", 0x65: "APPENDS", 0x67: "GET", 0x68: "BINGET",
  0x69: "INST", 0x6a: "LONG_BINGET", 0x6c: "LIST", 0x5d: "EMPTY_LIST", 0x6f: "OBJ", 0x70: "PUT", 0x71: "BINPUT",
  0x72: "LONG_BINPUT", 0x73: "SETITEM", 0x74: "TUPLE", 0x29: "EMPTY_TUPLE", 0x75: "SETITEMS", 0x47: "BINFLOAT",
  0x80: "PROTO", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x85: "TUPLE1", 0x86: "TUPLE2",
  0x87: "TUPLE3", 0x88: "NEWTRUE", 0x89: "NEWFALSE", 0x8a: "LONG1", 0x8b: "LONG4", 0x42: "BINBYTES",
  0x43: "SHORT_BINBYTES", 0x8c: "SHORT_BINUNICODE", 0x8d: "BINUNICODE8", 0x8e: "BINBYTES8", 0x8f: "EMPTY_SET",
  0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL", 0x94: "MEMOIZE", 0x95: "FRAME",
  0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
};

export function opcodeName(op: number): string {
  return opcodeNames[op] ?? `unknown opcode 0x${op.toString(16).padStart(2, "0")}`;
}

/** Two's-complement little-endian integer (LONG1/LONG4 payloads). */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function isKey(v: PyValue): v is PyKey {
  return v === null || ["string", "number", "bigint", "boolean"].includes(typeof v);
}

/** Reads one pickle; returns the value STOP leaves on the stack. */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions): PyValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxItems = opts.maxItems ?? 1e7;
  const stack: Slot[] = [];
  const memo = new Map<number, PyValue>();
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let pos = 0;
  let opPos = 0;

  const fail = (what: string): never => {
    throw new InputFileError(opts.file, `pickle byte ${opPos}: ${what}`);
  };
  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length) fail(`truncated: ${n} more bytes expected, ${bytes.length - pos} left`);
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), dv.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), dv.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), dv.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.length)) fail(`length ${v} exceeds the ${bytes.length}-byte pickle`);
    return Number(v);
  };
  const take = (n: number) => (need(n), (pos += n), bytes.subarray(pos - n, pos));
  const text = (n: number) => {
    const raw = take(n);
    try {
      return utf8.decode(raw);
    } catch {
      return fail("string is not valid UTF-8");
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail("truncated: newline expected");
    const s = Buffer.from(bytes.subarray(pos, end)).toString("latin1");
    pos = end + 1;
    return s;
  };
  const push = (v: PyValue) => {
    if (stack.length >= maxItems) fail(`more than ${maxItems} stack entries`);
    stack.push(v);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) fail("stack underflow");
    if (v === MARK) fail("unexpected MARK on the stack");
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail("stack underflow");
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i] !== MARK) i--;
    if (i < 0) fail("no MARK on the stack");
    const items = stack.splice(i + 1) as PyValue[];
    stack.pop();
    return items;
  };
  const memoPut = (key: number) => {
    if (memo.size >= maxItems && !memo.has(key)) fail(`more than ${maxItems} memo entries`);
    memo.set(key, top());
  };
  /** The decimal memo key of protocol-0 PUT/GET. */
  const textKey = (opName: string) => {
    const s = line();
    if (!/^\d+$/.test(s)) fail(`${opName} with key ${JSON.stringify(s)}`);
    return Number(s);
  };
  const memoGet = (key: number) => {
    if (!memo.has(key)) fail(`memo key ${key} is not defined`);
    push(memo.get(key)!);
  };
  const setItems = (target: PyValue, items: PyValue[]) => {
    if (!(target instanceof Map)) fail(`SETITEM(S) on a ${describe(target)}, expected a dict`);
    if (items.length % 2) fail("SETITEMS with an odd number of items");
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      if (!isKey(k)) fail(`dict key of type ${describe(k)} (only str/int/bool/None keys are read)`);
      (target as Map<PyKey, PyValue>).set(k as PyKey, items[i + 1]!);
    }
  };
  const appendItems = (target: PyValue, items: PyValue[]) => {
    if (!Array.isArray(target)) fail(`APPEND(S) on a ${describe(target)}, expected a list`);
    if ((target as PyValue[]).length + items.length > maxItems) fail(`list longer than ${maxItems}`);
    (target as PyValue[]).push(...items);
  };
  const global = (module: string, name: string) => {
    const g = opts.resolveGlobal(module, name);
    if (!g) fail(`global '${module}.${name}' is not allowed (a checkpoint may only reference the tensor-rebuilding globals of a state dict; nothing is executed)`);
    push(g as PyValue);
  };

  for (;;) {
    opPos = pos;
    if (pos >= bytes.length) fail("truncated: no STOP opcode");
    const op = bytes[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail(`pickle protocol ${bytes[pos - 1]} (at most 5 is read)`);
        break;
      case 0x95: // FRAME: a length hint only
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} stack entries, expected 1`);
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        if (stack.pop() === undefined) fail("stack underflow");
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e:
        push(null);
        break;
      case 0x88:
        push(true);
        break;
      case 0x89:
        push(false);
        break;
      case 0x4a:
        push(i32());
        break;
      case 0x4b:
        push(u8());
        break;
      case 0x4d:
        push(u16());
        break;
      case 0x8a: // LONG1
        push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        const n = i32();
        if (n < 0) fail("LONG4 with a negative length");
        push(decodeLong(take(n)));
        break;
      }
      case 0x47: // BINFLOAT: big-endian double
        need(8);
        push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x49: {
        // INT (protocol 0): "I01\n" / "I00\n" are booleans
        const s = line();
        if (s === "01" || s === "00") push(s === "01");
        else if (/^-?\d+$/.test(s)) push(Number(s));
        else fail(`INT with text ${JSON.stringify(s)}`);
        break;
      }
      case 0x58:
        push(text(u32()));
        break;
      case 0x8c:
        push(text(u8()));
        break;
      case 0x8d:
        push(text(u64()));
        break;
      case 0x55: // SHORT_BINSTRING (Python 2 str): latin-1 as Python 3 reads it by default
        push(Buffer.from(take(u8())).toString("latin1"));
        break;
      case 0x54: {
        const n = i32();
        if (n < 0) fail("BINSTRING with a negative length");
        push(Buffer.from(take(n)).toString("latin1"));
        break;
      }
      case 0x43:
        push(take(u8()).slice());
        break;
      case 0x42:
        push(take(u32()).slice());
        break;
      case 0x8e:
        push(take(u64()).slice());
        break;
      case 0x29:
        push(new PyTuple([]));
        break;
      case 0x74:
        push(new PyTuple(popMark()));
        break;
      case 0x85:
        push(new PyTuple([pop()]));
        break;
      case 0x86: {
        const b = pop(), a = pop();
        push(new PyTuple([a, b]));
        break;
      }
      case 0x87: {
        const c = pop(), b = pop(), a = pop();
        push(new PyTuple([a, b, c]));
        break;
      }
      case 0x5d:
        push([]);
        break;
      case 0x6c:
        push(popMark());
        break;
      case 0x61: {
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x7d:
        push(new Map());
        break;
      case 0x64: {
        const d = new Map<PyKey, PyValue>();
        setItems(d, popMark());
        push(d);
        break;
      }
      case 0x73: {
        const v = pop(), k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x71:
        memoPut(u8());
        break;
      case 0x72:
        memoPut(u32());
        break;
      case 0x70:
        memoPut(textKey("PUT"));
        break;
      case 0x94:
        memoPut(memo.size);
        break;
      case 0x68:
        memoGet(u8());
        break;
      case 0x6a:
        memoGet(u32());
        break;
      case 0x67:
        memoGet(textKey("GET"));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line(), name = line();
        global(module, name);
        break;
      }
      case 0x93: {
        const name = pop(), module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail("STACK_GLOBAL needs two strings");
        global(module as string, name as string);
        break;
      }
      case 0x52: {
        // REDUCE: callable(*args); only allow-listed callables exist on the stack
        const args = pop(), fn = pop();
        if (!(args instanceof PyTuple)) fail(`REDUCE arguments are a ${describe(args)}, expected a tuple`);
        if (!isCallable(fn)) fail(`REDUCE on a ${describe(fn)}, expected an allowed global`);
        push((fn as PyCallable).call((args as PyTuple).items));
        break;
      }
      case 0x62: {
        // BUILD: obj.__setstate__(state), only through the caller's hook
        const state = pop(), obj = pop();
        if (!opts.build) fail(`BUILD on a ${describe(obj)} is not allowed`);
        push(opts.build!(obj, state));
        break;
      }
      case 0x51: {
        const pid = pop();
        if (!opts.persistentLoad) fail("persistent ids are not allowed here");
        push(opts.persistentLoad!(pid));
        break;
      }
      default:
        fail(`opcode ${opcodeName(op)} is not allowed (a state dict needs only data opcodes; nothing is executed)`);
    }
  }
}

function isCallable(v: PyValue): v is PyCallable {
  return typeof v === "object" && v !== null && typeof (v as PyCallable).call === "function" && typeof (v as PyCallable).qualname === "string";
}

/** Python-ish type name of a value, for errors. */
export function describe(v: PyValue | undefined): string {
  if (v === null) return "None";
  if (v === undefined) return "nothing";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "str";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "list";
  if (v instanceof PyTuple) return "tuple";
  if (v instanceof Map) return "dict";
  if (isCallable(v)) return `global ${v.qualname}`;
  return (v as { constructor?: { name?: string } }).constructor?.name ?? "object";
}
