/**
 * Parquet shards in the Hugging Face datasets layout: image columns are the `Image` feature's
 * struct {bytes: binary (PNG), path: string}; metadata columns are plain values; the file's
 * key-value metadata carries `huggingface` feature info so `datasets` decodes the images.
 * Files are named `data/<split>/<split>-00003-of-00010.parquet` and written atomically.
 */
import * as path from "node:path";
import { writeFileAtomic } from "../../util/atomic";
import { loadHyparquetWriter, type Any } from "../../io/esm";
import type { SplitName } from "../types";

export interface GeneratedRow {
  index: number;
  split: SplitName;
  gtPng: Uint8Array;
  blurPng: Uint8Array;
  source: string;
  seed: string;
  params: Record<string, unknown>;
}

export function shardFileName(split: SplitName, shardIndex: number, shardCount: number): string {
  const pad = (n: number) => String(n).padStart(5, "0");
  return `data/${split}/${split}-${pad(shardIndex)}-of-${pad(shardCount)}.parquet`;
}

export function pngName(index: number): string {
  return `${String(index).padStart(5, "0")}.png`;
}

/** `datasets` feature declarations of our columns (also used by the dataset card). */
export function hfFeatures(gtKey: string, lqKey: string): Record<string, Record<string, string>> {
  return {
    [gtKey]: { _type: "Image" },
    [lqKey]: { _type: "Image" },
    index: { dtype: "int64", _type: "Value" },
    split: { dtype: "string", _type: "Value" },
    source: { dtype: "string", _type: "Value" },
    seed: { dtype: "string", _type: "Value" },
    params: { dtype: "string", _type: "Value" },
  };
}

export async function encodeShard(rows: GeneratedRow[], opts: { gtKey: string; lqKey: string; rowGroupSize: number }): Promise<Uint8Array> {
  const w = await loadHyparquetWriter();
  const image = (key: string, pick: (r: GeneratedRow) => Uint8Array) => ({
    name: key,
    data: rows.map((r) => ({ bytes: pick(r), path: pngName(r.index) })),
  });
  const columnData = [
    image(opts.gtKey, (r) => r.gtPng),
    image(opts.lqKey, (r) => r.blurPng),
    { name: "index", data: rows.map((r) => BigInt(r.index)) },
    { name: "split", data: rows.map((r) => r.split) },
    { name: "source", data: rows.map((r) => r.source) },
    { name: "seed", data: rows.map((r) => r.seed) },
    { name: "params", data: rows.map((r) => JSON.stringify(r.params)) },
  ];
  const str = (name: string) => ({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });
  const imageSchema = (name: string) => [
    { name, repetition_type: "OPTIONAL", num_children: 2 },
    { name: "bytes", type: "BYTE_ARRAY", repetition_type: "OPTIONAL" },
    str("path"),
  ];
  const schema: Any[] = [
    { name: "schema", num_children: 7 },
    ...imageSchema(opts.gtKey),
    ...imageSchema(opts.lqKey),
    { name: "index", type: "INT64", repetition_type: "OPTIONAL" },
    str("split"),
    str("source"),
    str("seed"),
    str("params"),
  ];
  const buf: ArrayBuffer = w.parquetWriteBuffer({
    columnData,
    schema,
    // PNG bytes do not compress further; uncompressed pages keep every reader happy
    codec: "UNCOMPRESSED",
    rowGroupSize: opts.rowGroupSize,
    statistics: false,
    kvMetadata: [{ key: "huggingface", value: JSON.stringify({ info: { features: hfFeatures(opts.gtKey, opts.lqKey) } }) }],
  });
  return new Uint8Array(buf);
}

export async function writeShard(outDir: string, relName: string, rows: GeneratedRow[], opts: { gtKey: string; lqKey: string; rowGroupSize: number }): Promise<string> {
  const file = path.join(outDir, relName);
  writeFileAtomic(file, await encodeShard(rows, opts));
  return file;
}
