/**
 * HDF5 through h5wasm (a real libhdf5 compiled to WebAssembly, working on the real file system).
 *
 * h5wasm has no float16 typed-array path, but the PSF files of the original are float16, so this
 * module moves raw bytes through h5wasm's low-level Module calls for float16 datasets and converts
 * with src/util/float16 (round-to-nearest-even, bit-identical to NumPy). Every read returns
 * Float32Array (or the native integer/float64 array) plus an explicit shape.
 */
import * as fs from "node:fs";
import { InputFileError, SvdError } from "../util/errors";
import { decodeFloat16, encodeFloat16 } from "../util/float16";
import { sizeOf, shapeString, type NdArray, type Shape } from "../array";
import { importEsm, type Any } from "./esm";

type H5Wasm = Any;
let h5Promise: Promise<H5Wasm> | null = null;

/** Loads h5wasm once (it is ESM-only: io/esm keeps this loadable from CommonJS and tslab). */
export function loadH5Wasm(): Promise<H5Wasm> {
  if (!h5Promise) {
    h5Promise = importEsm<H5Wasm>("h5wasm/node").then(async (m: H5Wasm) => {
      const h5 = m.default ?? m;
      await h5.ready;
      // Module and dtype_to_metadata are named exports; keep them beside the default object.
      return Object.assign(Object.create(h5), { Module: h5.Module ?? m.Module, dtype_to_metadata: m.dtype_to_metadata, File: h5.File });
    });
  }
  return h5Promise;
}

export type H5DType = "float16" | "float32" | "float64" | "int32" | "int64" | "uint8" | "uint16" | "string" | "other";

const dtypeCodes: Record<string, string> = { float16: "<e", float32: "<f", float64: "<d", int32: "<i", int64: "<q", uint8: "<B", uint16: "<H" };

export interface H5DatasetInfo {
  name: string;
  shape: number[];
  dtype: H5DType;
  chunks: number[] | null;
}

export type Range = [start: number, stop: number];
export type AttrValue = string | number | boolean | number[] | string[] | Float64Array | Float32Array | Int32Array;

export type H5Mode = "r" | "w" | "a";

/**
 * Object-header format bounds for files we write. The 1.8-era format has no header checksums,
 * which lets `createFloat16Dataset` retype a freshly created dataset in place (see there); h5py
 * and every HDF5 >= 1.8 read it.
 */
const LIBVER = ["earliest", "v110"];

export class H5File {
  private constructor(
    private readonly h5: H5Wasm,
    private file: H5Wasm,
    readonly path: string,
    readonly mode: H5Mode,
  ) {}

  /** Opens `filePath`; mode "w" truncates, "a" reads and writes an existing file, "r" reads. */
  static async open(filePath: string, mode: H5Mode = "r"): Promise<H5File> {
    if (mode !== "w" && !fs.existsSync(filePath)) throw new InputFileError(filePath, "file not found");
    if (mode !== "w" && !hasHdf5Signature(filePath)) throw new InputFileError(filePath, "cannot open as HDF5 (no HDF5 signature: not an HDF5 file or truncated)");
    const h5 = await loadH5Wasm();
    let file: H5Wasm;
    try {
      file = new h5.File(filePath, mode, { libver: LIBVER });
    } catch (err) {
      throw new InputFileError(filePath, `cannot open as HDF5 (${(err as Error).message ?? err})`);
    }
    if (!file.file_id || Number(file.file_id) < 0) throw new InputFileError(filePath, "cannot open as HDF5");
    return new H5File(h5, file, filePath, mode);
  }

  close(): void {
    this.file.close();
  }

  /** Flushes buffered data to disk (the file stays open). */
  flush(): void {
    this.file.flush();
  }

  /** Names of all datasets at the root (the original's files are flat). */
  datasetNames(): string[] {
    return (this.file.keys() as string[]).filter((k) => this.file.get(k)?.constructor?.name === "Dataset");
  }

  has(name: string): boolean {
    return (this.file.keys() as string[]).includes(name);
  }

  info(name: string): H5DatasetInfo {
    const ds = this.dataset(name);
    const m = ds.metadata;
    return { name, shape: (m.shape ?? []).map(Number), dtype: dtypeOfMetadata(m), chunks: m.chunks ? m.chunks.map(Number) : null };
  }

  private dataset(name: string): H5Wasm {
    const ds = this.has(name) ? this.file.get(name) : null;
    if (!ds || ds.constructor?.name !== "Dataset")
      throw new InputFileError(this.path, `dataset '${name}' not found (datasets present: ${this.datasetNames().join(", ") || "none"})`);
    return ds;
  }

  /** Reads a whole numeric dataset as float32. */
  read(name: string): NdArray {
    const info = this.info(name);
    return this.readSlice(name, info.shape.map((d) => [0, d] as Range));
  }

  /** Reads the hyperslab `ranges` (one [start, stop) per axis; missing axes are taken whole). */
  readSlice(name: string, ranges: Range[]): NdArray {
    const info = this.info(name);
    const full: Range[] = info.shape.map((d, i) => ranges[i] ?? [0, d]);
    full.forEach(([a, b], i) => {
      if (a < 0 || b > (info.shape[i] as number) || a > b)
        throw new SvdError(`${this.path}: slice ${JSON.stringify(full)} out of bounds for '${name}' of shape ${shapeString(info.shape)}`);
    });
    const count = full.map(([a, b]) => b - a);
    const n = sizeOf(count);
    const bytes = this.rawRead(name, full, elementSize(info.dtype) * n);
    return { data: bytesToFloat32(bytes, info.dtype, this.path, name), shape: count };
  }

  /** Creates a dataset and writes `data` (C order) into it, converting to `dtype` (float16 by default, as the original). */
  write(name: string, data: ArrayLike<number>, shape: Shape, opts: { dtype?: H5DType; chunks?: Shape } = {}): void {
    const dtype = opts.dtype ?? "float16";
    if (data.length !== sizeOf(shape))
      throw new SvdError(`${this.path}: dataset '${name}': ${data.length} values do not fill shape ${shapeString(shape)}`);
    this.createDataset(name, shape, { dtype, chunks: opts.chunks, data });
  }

  /**
   * Creates a dataset of `shape`. Without `data` it is left unwritten (chunked datasets allocate
   * lazily), to be filled by `writeSlice`: that is how large PSF grids stream to disk.
   */
  createDataset(name: string, shape: Shape, opts: { dtype?: H5DType; chunks?: Shape; data?: ArrayLike<number> } = {}): void {
    const dtype = opts.dtype ?? "float16";
    if (this.mode === "r") throw new SvdError(`${this.path}: opened read-only, cannot create '${name}'`);
    if (this.has(name)) throw new SvdError(`${this.path}: dataset '${name}' already exists`);
    const chunks = [...(opts.chunks ?? defaultChunks(shape))].map((c, i) => Math.max(1, Math.min(c, Math.max(1, shape[i] as number))));
    if (dtype === "float16") {
      // h5wasm cannot create float16 datasets: create float32 and retype it (see retypeToFloat16).
      this.createRaw(name, shape, "float32", chunks);
      this.reopenAfter(() => retypeToFloat16(this.path, shape.length, chunks));
      if (this.info(name).dtype !== "float16") throw new SvdError(`${this.path}: could not create float16 dataset '${name}'`);
    } else {
      this.createRaw(name, shape, dtype, chunks);
    }
    this.file.get(name).resize(shape.map(Number));
    if (opts.data) {
      if (opts.data.length !== sizeOf(shape))
        throw new SvdError(`${this.path}: dataset '${name}': ${opts.data.length} values do not fill shape ${shapeString(shape)}`);
      this.writeSlice(name, shape.map((d) => [0, d] as Range), opts.data);
    }
  }

  /** Creates an empty chunked dataset (first axis 0, growable to `shape`) of a type h5wasm supports. */
  private createRaw(name: string, shape: Shape, dtype: H5DType, chunks: number[]): void {
    const code = dtypeCodes[dtype];
    if (!code) throw new SvdError(`cannot create dataset '${name}' of dtype ${dtype}`);
    const Module = this.h5.Module;
    const dsMeta = {
      ...this.h5.dtype_to_metadata(code),
      shape: shape.map((d, i) => (i === 0 ? 0n : BigInt(d))),
      maxshape: shape.map(BigInt),
      chunks: chunks.map(BigInt),
      compression: 0,
      compression_opts: [],
      track_order: false,
    };
    const ptr = Module._malloc(8);
    try {
      Module.create_dataset(this.file.file_id, "/" + name, BigInt(ptr), dsMeta);
    } finally {
      Module._free(ptr);
    }
  }

  private reopenAfter(edit: () => void): void {
    this.file.close();
    edit();
    this.file = new this.h5.File(this.path, "a", { libver: LIBVER });
  }

  /** Writes `data` into the hyperslab `ranges` of an existing dataset (converted to its dtype). */
  writeSlice(name: string, ranges: Range[], data: ArrayLike<number>): void {
    const info = this.info(name);
    const full: Range[] = info.shape.map((d, i) => ranges[i] ?? [0, d]);
    const count = full.map(([a, b]) => b - a);
    if (data.length !== sizeOf(count))
      throw new SvdError(`${this.path}: writeSlice '${name}': ${data.length} values for a slice of shape ${shapeString(count)}`);
    const bytes = numbersToBytes(data, info.dtype);
    const Module = this.h5.Module;
    const ptr = Module._malloc(Math.max(bytes.byteLength, 8));
    try {
      Module.HEAPU8.set(bytes, ptr);
      Module.set_dataset_data(
        this.file.file_id,
        "/" + name,
        count.map(BigInt),
        full.map(([a]) => BigInt(a)),
        full.map(() => 1n),
        BigInt(ptr),
      );
    } finally {
      Module._free(ptr);
    }
  }

  private rawRead(name: string, full: Range[], nbytes: number): Uint8Array {
    const Module = this.h5.Module;
    const ptr = Module._malloc(Math.max(nbytes, 8));
    try {
      Module.get_dataset_data(
        this.file.file_id,
        "/" + name,
        full.map(([a, b]) => BigInt(b - a)),
        full.map(([a]) => BigInt(a)),
        full.map(() => 1n),
        BigInt(ptr),
      );
      return Module.HEAPU8.slice(ptr, ptr + nbytes);
    } finally {
      Module._free(ptr);
    }
  }

  /** Reads a string dataset or any dataset h5wasm can decode natively (strings, ints). */
  readNative(name: string): unknown {
    return this.dataset(name).value;
  }

  // ---- attributes on the root group ----
  attrNames(): string[] {
    return Object.keys(this.file.attrs);
  }

  getAttr(name: string): unknown {
    const a = this.file.attrs[name];
    if (!a) return undefined;
    const v = a.value;
    // int64 attributes come back as BigInt; PSF metadata values are all far below 2^53.
    const num = (x: unknown) => (typeof x === "bigint" ? Number(x) : x);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, num);
    if (Array.isArray(v)) return v.map(num);
    return num(v);
  }

  /** Removes a root attribute if present. */
  deleteAttr(name: string): void {
    if (this.file.attrs[name]) this.file.delete_attribute(name);
  }

  /** Writes a root attribute with the native type h5py would write for the same Python value. */
  setAttr(name: string, value: AttrValue): void {
    if (this.file.attrs[name]) this.file.delete_attribute(name);
    if (typeof value === "string") this.file.create_attribute(name, value);
    else if (typeof value === "boolean") this.file.create_attribute(name, value ? 1 : 0, null, "<b");
    else if (typeof value === "number")
      this.file.create_attribute(name, value, null, Number.isInteger(value) ? "<q" : "<d");
    else if (Array.isArray(value) && (value as unknown[]).every((v) => typeof v === "string")) this.file.create_attribute(name, value, [(value as unknown[]).length], null);
    else {
      const arr = Array.from(value as ArrayLike<number>);
      const allInt = arr.every((v) => Number.isInteger(v));
      this.file.create_attribute(name, allInt ? arr.map((v) => BigInt(v)) : new Float64Array(arr), [arr.length], allInt ? "<q" : "<d");
    }
  }
}

/**
 * Turns the newest never-written float32 chunked dataset of the file into IEEE binary16, the type
 * h5py/NumPy write for float16, by editing its datatype and layout messages in place (both keep
 * their length). Valid because the dataset has no allocated chunks yet and the 1.8-era object
 * headers carry no checksum.
 */
function retypeToFloat16(file: string, rank: number, chunks: number[]): void {
  // Datatype message body: class 1 (float) v1, implied mantissa bit, sign at bit 31, size 4, offset 0,
  // precision 32, exponent at 23 (8 bits), mantissa at 0 (23 bits), bias 127.
  const f32 = Buffer.from([0x11, 0x20, 0x1f, 0, 4, 0, 0, 0, 0, 0, 32, 0, 23, 8, 0, 23, 127, 0, 0, 0]);
  const f16 = Buffer.from([0x11, 0x20, 0x0f, 0, 2, 0, 0, 0, 0, 0, 16, 0, 10, 5, 0, 10, 15, 0, 0, 0]);
  // Chunked layout message v3 with no chunk index yet: dims are the chunk shape plus the element size.
  const layout = Buffer.alloc(3 + 8 + 4 * (rank + 1));
  layout.writeUInt8(3, 0);
  layout.writeUInt8(2, 1);
  layout.writeUInt8(rank + 1, 2);
  layout.fill(0xff, 3, 11);
  chunks.forEach((c, i) => layout.writeUInt32LE(c, 11 + 4 * i));
  layout.writeUInt32LE(4, 11 + 4 * rank);
  const fd = fs.openSync(file, "r+");
  try {
    // The new dataset's object header is allocated at the end of the file, so scan backwards in
    // windows (overlapping by the search span) instead of reading a possibly multi-GB file whole.
    const size = fs.fstatSync(fd).size;
    const span = 512 + layout.length;
    const windowBytes = 4 << 20;
    for (let end = size; end > 0; end = Math.max(0, end - windowBytes + span)) {
      const start = Math.max(0, end - windowBytes);
      const buf = Buffer.alloc(end - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const at = buf.lastIndexOf(layout);
      if (at >= 0) {
        const dt = buf.lastIndexOf(f32, at);
        if (dt < 0 || at - dt > 512) break;
        fs.writeSync(fd, f16, 0, f16.length, start + dt);
        const sizeField = Buffer.alloc(4);
        sizeField.writeUInt32LE(2, 0);
        fs.writeSync(fd, sizeField, 0, 4, start + at + 11 + 4 * rank);
        return;
      }
      if (start === 0) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  throw new SvdError(`${file}: float16 dataset creation failed (layout not found)`);
}

/** The HDF5 superblock signature sits at offset 0, 512, 1024, 2048, ... (after a user block). */
function hasHdf5Signature(file: string): boolean {
  const sig = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(8);
    for (let off = 0; off + 8 <= size; off = off === 0 ? 512 : off * 2) {
      fs.readSync(fd, buf, 0, 8, off);
      if (buf.equals(sig)) return true;
    }
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

function defaultChunks(shape: Shape): number[] {
  // Chunk the leading axes to 1 and keep the trailing axes whole, capped near 4 MiB of float32.
  const chunks = shape.map(() => 1);
  let n = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    if (n * d > 1 << 20) {
      chunks[i] = Math.max(1, Math.floor((1 << 20) / n));
      break;
    }
    chunks[i] = Math.max(d, 1);
    n *= Math.max(d, 1);
  }
  return chunks;
}

function elementSize(dtype: H5DType): number {
  switch (dtype) {
    case "float16":
    case "uint16":
      return 2;
    case "float32":
    case "int32":
      return 4;
    case "float64":
    case "int64":
      return 8;
    case "uint8":
      return 1;
    default:
      throw new SvdError(`unsupported dataset dtype ${dtype}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function dtypeOfMetadata(m: any): H5DType {
  // H5T class: 0 integer, 1 float, 3 string
  if (m.type === 1) return m.size === 2 ? "float16" : m.size === 4 ? "float32" : m.size === 8 ? "float64" : "other";
  if (m.type === 0) {
    if (m.size === 4 && m.signed) return "int32";
    if (m.size === 8 && m.signed) return "int64";
    if (m.size === 1 && !m.signed) return "uint8";
    if (m.size === 2 && !m.signed) return "uint16";
    return "other";
  }
  if (m.type === 3) return "string";
  return "other";
}

function numbersToBytes(data: ArrayLike<number>, dtype: H5DType): Uint8Array {
  let arr: ArrayBufferView;
  switch (dtype) {
    case "float16":
      arr = encodeFloat16(data);
      break;
    case "float32":
      arr = data instanceof Float32Array ? data : Float32Array.from(data);
      break;
    case "float64":
      arr = data instanceof Float64Array ? data : Float64Array.from(data);
      break;
    case "int32":
      arr = Int32Array.from(data);
      break;
    case "int64":
      arr = BigInt64Array.from(Array.from(data, (v) => BigInt(Math.round(v))));
      break;
    case "uint8":
      arr = Uint8Array.from(data);
      break;
    case "uint16":
      arr = Uint16Array.from(data);
      break;
    default:
      throw new SvdError(`cannot write dtype ${dtype}`);
  }
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

function bytesToFloat32(bytes: Uint8Array, dtype: H5DType, file: string, name: string): Float32Array {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (dtype) {
    case "float16":
      return decodeFloat16(new Uint16Array(buf));
    case "float32":
      return new Float32Array(buf);
    case "float64":
      return Float32Array.from(new Float64Array(buf));
    case "int32":
      return Float32Array.from(new Int32Array(buf));
    case "int64":
      return Float32Array.from(new BigInt64Array(buf), (v) => Number(v));
    case "uint8":
      return Float32Array.from(new Uint8Array(buf));
    case "uint16":
      return Float32Array.from(new Uint16Array(buf));
    default:
      throw new InputFileError(file, `dataset '${name}' has dtype ${dtype}, expected a numeric dataset`);
  }
}
