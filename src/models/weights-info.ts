/**
 * What a weights file holds, for `svd weights info`: format and nesting, every tensor's name,
 * dtype and shape, the value count, and the architecture and naming convention it fits (if any).
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { readWeights, type WeightsFile } from "../io/weights";
import { identifyArchitecture, type Identification } from "./identify";
import { describeMatch } from "./naming";

export interface WeightsInfo {
  file: string;
  format: WeightsFile["format"];
  stateDictKey: string | null;
  otherKeys: string[];
  skipped: string[];
  tensors: Array<{ name: string; dtype: string; shape: number[] }>;
  /** Scalars over all tensors (parameters and buffers). */
  valueCount: number;
  dtypeCounts: Record<string, number>;
  identification: Identification;
}

export function weightsInfo(tf: typeof tfTypes, file: string, opts: { key?: string } = {}): WeightsInfo {
  const w = readWeights(file, opts);
  const tensors = [...w.tensors].map(([name, t]) => ({ name, dtype: t.dtype ?? "F32", shape: t.shape }));
  const dtypeCounts: Record<string, number> = {};
  for (const t of tensors) dtypeCounts[t.dtype] = (dtypeCounts[t.dtype] ?? 0) + 1;
  return {
    file,
    format: w.format,
    stateDictKey: w.stateDictKey,
    otherKeys: w.otherKeys,
    skipped: w.skipped,
    tensors,
    valueCount: tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0),
    dtypeCounts,
    identification: identifyArchitecture(tf, w.tensors),
  };
}

export function formatWeightsInfo(info: WeightsInfo): string {
  const where = info.format === "pytorch" ? `PyTorch checkpoint, state dict ${info.stateDictKey ? `under '${info.stateDictKey}'` : "at the top level"}` : "safetensors";
  const lines = [`${info.file}: ${where}${info.otherKeys.length ? ` (other top-level keys: ${info.otherKeys.join(", ")})` : ""}`];
  if (info.skipped.length) lines.push(`non-tensor entries left out: ${info.skipped.join(", ")}`);
  lines.push(`${info.tensors.length} tensors, ${info.valueCount.toLocaleString("en-US")} values; dtypes ${Object.entries(info.dtypeCounts).map(([d, n]) => `${d} (${n})`).join(", ")}`);
  const m = info.identification.match;
  if (m) {
    lines.push(`architecture: ${m.type} ${JSON.stringify(m.options)} (${m.parameterCount.toLocaleString("en-US")} parameters)`);
    lines.push(`naming: ${describeMatch(m.naming)}`);
    if (m.notRecorded.length) lines.push(`not recorded in the weights (values above assumed; set them from the run's config): ${m.notRecorded.join(", ")}`);
  } else {
    lines.push("architecture: none of NAFNet, Restormer, Unet fits" + (info.identification.rejected.length ? `; closest: ${info.identification.rejected.slice(0, 3).join("; ")}` : ""));
  }
  const width = Math.max(4, ...info.tensors.map((t) => t.name.length));
  lines.push(`${"name".padEnd(width)}  dtype  shape`);
  for (const t of info.tensors) lines.push(`${t.name.padEnd(width)}  ${t.dtype.padEnd(5)}  [${t.shape.join(", ")}]`);
  return lines.join("\n") + "\n";
}

/** The info as plain JSON (the naming match reduced to its convention id, description and prefix). */
export function weightsInfoJson(info: WeightsInfo): Record<string, unknown> {
  const { identification, ...rest } = info;
  const m = identification.match;
  return {
    ...rest,
    architecture: m ? { type: m.type, options: m.options, notRecorded: m.notRecorded, parameterCount: m.parameterCount } : null,
    naming: m ? { convention: m.naming.convention.id, description: m.naming.convention.description, prefix: m.naming.prefix, summary: describeMatch(m.naming) } : null,
    rejected: identification.rejected,
  };
}
