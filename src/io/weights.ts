/**
 * Weight files of either format, told apart by their first bytes: PyTorch checkpoints
 * (`.pth`/`.pt`/`.bin`, a zip) and safetensors. Both come back as a flat state dict.
 */
import * as fs from "node:fs";
import { InputFileError } from "../util/errors";
import { isZip, parsePth } from "./pth";
import { parseSafetensors, writeSafetensors, type NamedTensor } from "./safetensors";

export interface WeightsFile {
  file: string;
  format: "pytorch" | "safetensors";
  tensors: Map<string, NamedTensor>;
  /** PyTorch only: the key the state dict was nested under (null: top level). */
  stateDictKey: string | null;
  /** PyTorch only: the checkpoint's other top-level keys. */
  otherKeys: string[];
  /** PyTorch only: non-tensor entries of the state dict (left out). */
  skipped: string[];
  /** safetensors only: the header's `__metadata__`. */
  metadata: Record<string, string>;
}

export function parseWeights(bytes: Uint8Array, file: string, opts: { key?: string } = {}): WeightsFile {
  if (isZip(bytes)) return { file, format: "pytorch", metadata: {}, ...parsePth(bytes, file, opts) };
  if (opts.key !== undefined) throw new InputFileError(file, `a state-dict key ('${opts.key}') applies to PyTorch checkpoints; this is not a zip (read as safetensors)`);
  const st = parseSafetensors(bytes, file);
  return { file, format: "safetensors", tensors: st.tensors, metadata: st.metadata, stateDictKey: null, otherKeys: [], skipped: [] };
}

export function readWeights(file: string, opts: { key?: string } = {}): WeightsFile {
  if (!fs.existsSync(file)) throw new InputFileError(file, "file not found");
  if (fs.statSync(file).isDirectory()) throw new InputFileError(file, "is a folder; expected a .safetensors or .pth/.pt/.bin weights file");
  return parseWeights(fs.readFileSync(file), file, opts);
}

export interface ConversionReport {
  input: WeightsFile;
  output: string;
  dtype: "F32" | "F16";
  /** Stored dtype -> number of tensors whose values were widened or converted to `dtype`. */
  converted: Record<string, number>;
}

/**
 * Writes a weights file's state dict as safetensors under the same names (format "pt"). F16 when
 * every tensor is stored as F16, else F32 (lossless for F16/BF16; integer tensors become F32).
 */
export function convertToSafetensors(input: string, output: string, opts: { key?: string } = {}): ConversionReport {
  if (!/\.safetensors$/i.test(output)) throw new InputFileError(output, "the output of a conversion is a .safetensors file (name it <name>.safetensors)");
  if (fs.existsSync(output) && fs.existsSync(input) && fs.realpathSync(output) === fs.realpathSync(input)) throw new InputFileError(output, "is the input file itself; choose another output");
  const w = readWeights(input, opts);
  const dtypes = [...w.tensors.values()].map((t) => t.dtype ?? "F32");
  const dtype = dtypes.every((d) => d === "F16") ? "F16" : "F32";
  const converted: Record<string, number> = {};
  for (const d of dtypes) if (d !== dtype) converted[d] = (converted[d] ?? 0) + 1;
  writeSafetensors(output, w.tensors, { format: "pt" }, dtype);
  return { input: w, output, dtype, converted };
}
