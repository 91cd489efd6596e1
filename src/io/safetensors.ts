/**
 * safetensors files (the Hugging Face weight format): 8-byte little-endian header length N, N bytes
 * of JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
 * then the raw little-endian tensor bytes. We read F32/F16/BF16/F64/I64/I32/U8 into Float32Array
 * (weights are float) and write F32 (or F16 on request).
 */
import * as fs from "node:fs";
import { decodeFloat16, encodeFloat16 } from "../util/float16";
import { InputFileError } from "../util/errors";
import { writeFileAtomic } from "../util/atomic";

export interface NamedTensor {
  shape: number[];
  /** Values as float32 (converted from the stored dtype). */
  data: Float32Array;
  /** The dtype in the file. */
  dtype?: string;
}

export interface SafetensorsContent {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const bytesPer: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, U8: 1, BOOL: 1 };

function decode(dtype: string, bytes: Uint8Array, n: number, file: string, name: string): Float32Array {
  // Copy to an aligned buffer: offsets in the file need not be aligned to the element size.
  const buf = new Uint8Array(bytes).buffer;
  switch (dtype) {
    case "F32":
      return new Float32Array(buf, 0, n);
    case "F16":
      return decodeFloat16(new Uint16Array(buf, 0, n));
    case "BF16": {
      const src = new Uint16Array(buf, 0, n);
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = src[i]! << 16;
      return out;
    }
    case "F64":
      return Float32Array.from(new Float64Array(buf, 0, n));
    case "I64":
      return Float32Array.from(new BigInt64Array(buf, 0, n), (v) => Number(v));
    case "I32":
      return Float32Array.from(new Int32Array(buf, 0, n));
    case "U8":
    case "BOOL":
      return Float32Array.from(new Uint8Array(buf, 0, n));
    default:
      throw new InputFileError(file, `tensor '${name}': unsupported dtype ${dtype} (expected one of ${Object.keys(bytesPer).join(", ")})`);
  }
}

export function parseSafetensors(bytes: Uint8Array, file = "<buffer>"): SafetensorsContent {
  if (bytes.length < 8) throw new InputFileError(file, `not a safetensors file: ${bytes.length} bytes, expected at least an 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(dv.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) throw new InputFileError(file, `not a safetensors file: header length ${headerLen} exceeds the file size ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLen)).toString("utf8")) as Record<string, unknown>;
  } catch (err) {
    throw new InputFileError(file, `not a safetensors file: header is not JSON (${(err as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = (v ?? {}) as Record<string, string>;
      continue;
    }
    const e = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const n = e.shape.reduce((a, b) => a * b, 1);
    const size = bytesPer[e.dtype];
    if (size === undefined) throw new InputFileError(file, `tensor '${name}': unsupported dtype ${e.dtype}`);
    const [b0, b1] = e.data_offsets;
    if (b1 - b0 !== n * size || dataStart + b1 > bytes.length)
      throw new InputFileError(file, `tensor '${name}': data_offsets [${b0}, ${b1}] do not fit shape [${e.shape}] of ${e.dtype} in a file of ${bytes.length} bytes`);
    tensors.set(name, { shape: e.shape, dtype: e.dtype, data: decode(e.dtype, bytes.subarray(dataStart + b0, dataStart + b1), n, file, name) });
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsContent {
  if (!fs.existsSync(file)) throw new InputFileError(file, "file not found");
  return parseSafetensors(fs.readFileSync(file), file);
}

/** Serialises tensors (in the given order) as F32 or F16. */
export function serializeSafetensors(tensors: Map<string, NamedTensor> | Array<[string, NamedTensor]>, metadata: Record<string, string> = {}, dtype: "F32" | "F16" = "F32"): Uint8Array {
  const entries = Array.isArray(tensors) ? tensors : [...tensors];
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const size = dtype === "F32" ? 4 : 2;
  let offset = 0;
  for (const [name, t] of entries) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: tensor '${name}' has ${t.data.length} values but shape [${t.shape}]`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + n * size] };
    offset += n * size;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so tensor data starts 8-byte aligned (as the reference writer does).
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const hdr = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + hdr.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(hdr.length), true);
  out.set(hdr, 8);
  let pos = 8 + hdr.length;
  for (const [, t] of entries) {
    const raw = dtype === "F32" ? new Uint8Array(Float32Array.from(t.data).buffer) : new Uint8Array(encodeFloat16(t.data).buffer);
    out.set(raw, pos);
    pos += raw.length;
  }
  return out;
}

/** Writes atomically (temp file, then rename). */
export function writeSafetensors(file: string, tensors: Map<string, NamedTensor> | Array<[string, NamedTensor]>, metadata: Record<string, string> = {}, dtype: "F32" | "F16" = "F32"): void {
  writeFileAtomic(file, serializeSafetensors(tensors, metadata, dtype));
}
