/**
 * PyTorch checkpoints (`torch.save`, `.pth`/`.pt`/`.bin`, torch >= 1.6 zip format): a zip holding
 * `<archive>/data.pkl` (the pickled object) and one raw little-endian record `<archive>/data/<key>`
 * per storage. Tensors are pickled as `torch._utils._rebuild_tensor_v2(storage, offset, size,
 * stride, ...)` with the storage as a persistent id `('storage', torch.FloatStorage, key,
 * location, numel)`. The pickle is read with the restricted reader in ./pickle (no code runs);
 * the state dict may be the object itself or nested under `params`, `params_ema`, `state_dict`
 * or `model`. Values come back as float32 (NamedTensor) with the stored dtype named.
 */
import * as fs from "node:fs";
import { unzipSync } from "fflate";
import { InputFileError } from "../util/errors";
import { fromHalfBits } from "../util/float16";
import { describe, PyTuple, unpickle, type PyCallable, type PyValue } from "./pickle";
import type { NamedTensor } from "./safetensors";

/** Storage classes by name, with the safetensors dtype name and element size in bytes. */
const storageTypes: Record<string, { dtype: string; bytes: number }> = {
  FloatStorage: { dtype: "F32", bytes: 4 },
  HalfStorage: { dtype: "F16", bytes: 2 },
  BFloat16Storage: { dtype: "BF16", bytes: 2 },
  DoubleStorage: { dtype: "F64", bytes: 8 },
  LongStorage: { dtype: "I64", bytes: 8 },
  IntStorage: { dtype: "I32", bytes: 4 },
  ShortStorage: { dtype: "I16", bytes: 2 },
  CharStorage: { dtype: "I8", bytes: 1 },
  ByteStorage: { dtype: "U8", bytes: 1 },
  BoolStorage: { dtype: "BOOL", bytes: 1 },
};

/** Keys under which training frameworks nest the state dict, in the order they are preferred. */
export const stateDictKeys = ["params", "params_ema", "state_dict", "model"] as const;

interface StorageClass extends PyCallable {
  readonly storageType: string;
}

interface Storage {
  key: string;
  dtype: string;
  elementBytes: number;
  numel: number;
  bytes: Uint8Array;
}

class TensorRef {
  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

export interface PthContent {
  tensors: Map<string, NamedTensor>;
  /** The key the state dict was nested under (null: the pickled object is the state dict). */
  stateDictKey: string | null;
  /** Other top-level keys of the checkpoint (e.g. `params_ema` when `params` was taken, `optimizer`). */
  otherKeys: string[];
  /** Entries of the state dict that are not tensors (left out). */
  skipped: string[];
}

export interface PthOptions {
  /** Take the state dict from this top-level key instead of the first of `stateDictKeys` present. */
  key?: string;
}

/** True when the bytes start like a zip archive (a torch >= 1.6 checkpoint). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function intList(v: PyValue, what: string, fail: (m: string) => never): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : null;
  if (!items || !items.every((x) => Number.isInteger(x) && (x as number) >= 0)) fail(`${what} is a ${describe(v)}, expected a tuple of non-negative ints`);
  return items as number[];
}

function storageClass(name: string): StorageClass {
  return {
    qualname: `torch.${name}`,
    storageType: name,
    call: () => {
      throw new Error(`torch.${name} cannot be called from a checkpoint`);
    },
  };
}

/** Row-major strides (size-1 axes may carry any stride). */
function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    if (shape[a] !== 1 && stride[a] !== expected) return false;
    expected *= shape[a]!;
  }
  return true;
}

/** Reads elements [offset + Σ idx·stride] of a storage as float32, in row-major order of `shape`. */
function materialize(t: TensorRef, littleEndian: boolean): Float32Array {
  const { storage, shape, stride, offset } = t;
  const n = shape.reduce((a, b) => a * b, 1);
  if (storage.dtype === "F32" && littleEndian && isContiguous(shape, stride)) return new Float32Array(storage.bytes.slice(4 * offset, 4 * (offset + n)).buffer);
  const out = new Float32Array(n);
  if (n === 0) return out;
  const dv = new DataView(storage.bytes.buffer, storage.bytes.byteOffset, storage.bytes.byteLength);
  const read = elementReader(storage.dtype, dv, littleEndian);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = offset;
  for (let i = 0; i < n; i++) {
    out[i] = read(src);
    // odometer over the shape, last axis fastest
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) {
        src += stride[a]!;
        break;
      }
      src -= (shape[a]! - 1) * stride[a]!;
      idx[a] = 0;
    }
  }
  return out;
}

function elementReader(dtype: string, dv: DataView, le: boolean): (i: number) => number {
  switch (dtype) {
    case "F32":
      return (i) => dv.getFloat32(4 * i, le);
    case "F64":
      return (i) => dv.getFloat64(8 * i, le);
    case "F16":
      return (i) => fromHalfBits(dv.getUint16(2 * i, le));
    case "BF16": {
      const f = new Float32Array(1), u = new Uint32Array(f.buffer);
      return (i) => {
        u[0] = dv.getUint16(2 * i, le) << 16;
        return f[0]!;
      };
    }
    case "I64":
      return (i) => Number(dv.getBigInt64(8 * i, le));
    case "I32":
      return (i) => dv.getInt32(4 * i, le);
    case "I16":
      return (i) => dv.getInt16(2 * i, le);
    case "I8":
      return (i) => dv.getInt8(i);
    default:
      return (i) => dv.getUint8(i);
  }
}

/** Parses a torch.save zip archive. */
export function parsePth(bytes: Uint8Array, file = "<buffer>", opts: PthOptions = {}): PthContent {
  const fail = (what: string): never => {
    throw new InputFileError(file, what);
  };
  if (!isZip(bytes)) {
    if (bytes[0] === 0x80) fail("a legacy (torch < 1.6 or _use_new_zipfile_serialization=False) PyTorch file; only the zip format is read — re-save it with torch.save in torch >= 1.6");
    fail(`not a PyTorch zip checkpoint (starts with bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}, expected a zip 'PK\\x03\\x04')`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    // Torch stores records uncompressed; a compressed record may not claim more than 64x the file
    // (a zip bomb would otherwise allocate whatever its header says).
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.compression !== 0 && f.originalSize > 64 * bytes.length) fail(`zip entry ${f.name} claims ${f.originalSize} bytes from ${f.size} compressed; refused`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof InputFileError) throw err;
    return fail(`not a readable zip archive (truncated or damaged: ${(err as Error).message})`);
  }
  const pkls = Object.keys(entries).filter((n) => n === "data.pkl" || n.endsWith("/data.pkl"));
  if (pkls.length !== 1) {
    if (Object.keys(entries).some((n) => n.endsWith("/constants.pkl") || n.includes("/code/"))) fail("a TorchScript archive (torch.jit.save); save the module's state_dict() with torch.save instead");
    fail(`expected one <archive>/data.pkl in the zip, found ${pkls.length ? pkls.join(", ") : "none"} (entries: ${Object.keys(entries).slice(0, 8).join(", ")})`);
  }
  const root = pkls[0]!.slice(0, -"data.pkl".length);
  const byteorder = entries[`${root}byteorder`] ? Buffer.from(entries[`${root}byteorder`]!).toString("latin1").trim() : "little";
  if (byteorder !== "little" && byteorder !== "big") fail(`${root}byteorder is ${JSON.stringify(byteorder)}, expected "little" or "big"`);

  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const t = pid instanceof PyTuple ? pid.items : null;
    if (!t || t.length !== 5 || t[0] !== "storage") return fail(`persistent id ${describe(pid)} is not ('storage', type, key, location, numel)`);
    const [, cls, key, , numel] = t;
    const type = (cls as StorageClass | undefined)?.storageType;
    if (!type) return fail(`storage type is a ${describe(cls)}, expected one of torch.${Object.keys(storageTypes).join(", torch.")}`);
    if (typeof key !== "string" || !Number.isInteger(numel) || (numel as number) < 0) return fail(`storage key ${describe(key)} / numel ${describe(numel)}: expected a string key and a non-negative int`);
    const known = storages.get(key);
    if (known) return known as unknown as PyValue;
    const record = entries[`${root}data/${key}`];
    const { dtype, bytes: size } = storageTypes[type]!;
    if (!record) return fail(`storage ${key}: record ${root}data/${key} is missing from the zip`);
    if (record.length !== (numel as number) * size)
      return fail(`storage ${key}: ${numel} ${type} elements need ${(numel as number) * size} bytes, record ${root}data/${key} has ${record.length}`);
    const s: Storage = { key, dtype, elementBytes: size, numel: numel as number, bytes: record };
    storages.set(key, s);
    return s as unknown as PyValue;
  };

  const rebuildTensor = (args: PyValue[]): PyValue => {
    const [storage, offset, size, stride] = args;
    if (args.length < 4 || !storage || storages.get((storage as Storage).key) !== storage) return fail(`_rebuild_tensor_v2 needs (storage, offset, size, stride, ...), found ${args.length} arguments`);
    const s = storage as Storage;
    if (!Number.isInteger(offset) || (offset as number) < 0) return fail(`tensor on storage ${s.key}: storage offset ${describe(offset)} is not a non-negative int`);
    const shape = intList(size, "tensor size", fail);
    const strides = intList(stride, "tensor stride", fail);
    if (shape.length !== strides.length) return fail(`tensor on storage ${s.key}: size [${shape}] and stride [${strides}] differ in rank`);
    const n = shape.reduce((a, b) => a * b, 1);
    const last = n === 0 ? 0 : (offset as number) + shape.reduce((acc, d, i) => acc + (d - 1) * strides[i]!, 0);
    if (n > 0 && last >= s.numel) return fail(`tensor of size [${shape}], stride [${strides}], offset ${offset} reaches element ${last} of storage ${s.key}, which holds ${s.numel}`);
    return new TensorRef(s, offset as number, shape, strides) as unknown as PyValue;
  };
  const passData: PyCallable = {
    qualname: "torch._utils._rebuild_parameter",
    call: (args) => {
      if (!(args[0] instanceof TensorRef)) return fail(`_rebuild_parameter of a ${describe(args[0])}, expected a tensor`);
      return args[0] as PyValue;
    },
  };
  const globals: Record<string, PyCallable> = {
    "collections.OrderedDict": {
      qualname: "collections.OrderedDict",
      call: (args) => {
        const m = new Map();
        const init = args[0];
        if (Array.isArray(init)) for (const pair of init) if (pair instanceof PyTuple && pair.items.length === 2) m.set(pair.items[0], pair.items[1]);
        return m;
      },
    },
    "torch._utils._rebuild_tensor_v2": { qualname: "torch._utils._rebuild_tensor_v2", call: rebuildTensor },
    "torch._utils._rebuild_tensor": { qualname: "torch._utils._rebuild_tensor", call: rebuildTensor },
    "torch._utils._rebuild_parameter": passData,
    "torch._utils._rebuild_parameter_with_state": { ...passData, qualname: "torch._utils._rebuild_parameter_with_state" },
  };
  for (const name of Object.keys(storageTypes)) globals[`torch.${name}`] = storageClass(name);

  const obj = unpickle(entries[pkls[0]!]!, {
    file: `${file} (${pkls[0]})`,
    resolveGlobal: (module, name) => globals[`${module}.${name}`],
    persistentLoad,
    // OrderedDict state (a state dict's `_metadata` attribute): not needed, dropped
    build: (target, state) => (target instanceof Map && (state instanceof Map || state === null) ? target : fail(`BUILD on a ${describe(target)} with a ${describe(state)} state is not allowed`)),
  });
  return extractStateDict(obj, file, opts.key, (t) => ({ shape: t.shape, dtype: t.storage.dtype, data: materialize(t, byteorder === "little") }));
}

function extractStateDict(obj: PyValue, file: string, key: string | undefined, toNamed: (t: TensorRef) => NamedTensor): PthContent {
  if (!(obj instanceof Map)) throw new InputFileError(file, `the checkpoint holds a ${describe(obj)}, expected a dict (a state dict, or one under ${stateDictKeys.join("/")})`);
  const top = [...obj.keys()].map(String);
  let dict = obj as Map<unknown, PyValue>;
  let used: string | null = null;
  const hasTensors = [...obj.values()].some((v) => v instanceof TensorRef);
  if (key !== undefined) {
    if (!obj.has(key)) throw new InputFileError(file, `no key '${key}' in the checkpoint (top-level keys: ${top.join(", ")})`);
    used = key;
  } else if (!hasTensors) {
    used = stateDictKeys.find((k) => obj.get(k) instanceof Map) ?? null;
    if (used === null) throw new InputFileError(file, `no state dict: the checkpoint holds no tensors at the top level and none of the keys ${stateDictKeys.join(", ")} (top-level keys: ${top.join(", ")})`);
  }
  if (used !== null) {
    const inner = obj.get(used);
    if (!(inner instanceof Map)) throw new InputFileError(file, `key '${used}' holds a ${describe(inner)}, expected a state dict`);
    dict = inner;
  }
  const tensors = new Map<string, NamedTensor>();
  const skipped: string[] = [];
  for (const [k, v] of dict) {
    if (v instanceof TensorRef) tensors.set(String(k), toNamed(v));
    else skipped.push(String(k));
  }
  if (!tensors.size) throw new InputFileError(file, `the state dict${used ? ` under '${used}'` : ""} holds no tensors`);
  return { tensors, stateDictKey: used, otherKeys: used === null ? [] : top.filter((k) => k !== used), skipped };
}

export function readPth(file: string, opts: PthOptions = {}): PthContent {
  if (!fs.existsSync(file)) throw new InputFileError(file, "file not found");
  return parsePth(fs.readFileSync(file), file, opts);
}
