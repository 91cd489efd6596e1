/**
 * Weight files of either format, told apart by their first bytes: PyTorch checkpoints
 * (`.pth`/`.pt`/`.bin`, a zip) and safetensors. Both come back as a flat state dict.
 */
import * as fs from "node:fs";
import { InputFileError } from "../util/errors";
import { isZip, parsePth } from "./pth";
import { parseSafetensors, type NamedTensor } from "./safetensors";

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
