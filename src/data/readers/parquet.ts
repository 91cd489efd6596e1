/**
 * Reads Hugging Face parquet datasets (ours, or any `push_to_hub` output): image columns are structs
 * {bytes: PNG/JPEG bytes, path}, other columns become the sample's metadata. Rows are read one row
 * group at a time (hyparquet) and the last group of each file is kept, so sequential reads decode
 * each group once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { InputFileError } from "../../util/errors";
import { decodeImage } from "../../io/image";
import { loadHyparquet, type Any } from "../../io/esm";
import type { SampleMeta, SplitName } from "../types";
import type { ImageHWC } from "../../array";
import type { RawPairSource } from "./dataset";
import { globToRegExp, listFilesRecursive } from "./files";

const SPLIT_ALIASES: Record<SplitName, string[]> = { train: ["train"], validation: ["validation", "val", "valid"] };

/** Parquet files of `split` under `root`: from the card's `configs.data_files`, else the usual layouts. */
export function findParquetFiles(root: string, split: SplitName): string[] {
  const files = listFilesRecursive(root).filter((f) => f.endsWith(".parquet"));
  const card = path.join(root, "README.md");
  if (fs.existsSync(card)) {
    const m = /^---\n([\s\S]*?)\n---/.exec(fs.readFileSync(card, "utf8"));
    const front = m ? (parseYaml(m[1] as string) as Any) : null;
    const configs = front?.configs as Array<{ config_name?: string; data_files?: Array<{ split: string; path: string | string[] }> }> | undefined;
    const cfg = configs?.find((c) => c.config_name === "default") ?? configs?.[0];
    const entry = cfg?.data_files?.find((d) => SPLIT_ALIASES[split].includes(d.split));
    if (entry) {
      const globs = (Array.isArray(entry.path) ? entry.path : [entry.path]).map(globToRegExp);
      return files.filter((f) => globs.some((g) => g.test(f))).map((f) => path.join(root, f));
    }
  }
  const patterns = SPLIT_ALIASES[split].flatMap((s) => [`${s}/**.parquet`, `data/${s}-*.parquet`, `data/${s}/**.parquet`, `${s}-*.parquet`]).map(globToRegExp);
  return files.filter((f) => patterns.some((p) => p.test(f))).map((f) => path.join(root, f));
}

interface FileIndex {
  file: string;
  buffer: Any;
  metadata: Any;
  groupStarts: number[];
  rows: number;
}

export class ParquetPairSource implements RawPairSource {
  readonly length: number;
  private cache = new Map<string, { group: number; rows: Promise<Record<string, unknown>[]> }>();

  private constructor(
    private readonly files: FileIndex[],
    private readonly starts: number[],
    private readonly imageColumns: string[],
  ) {
    this.length = files.reduce((a, f) => a + f.rows, 0);
  }

  /** Opens the given parquet files (in order); `imageColumns` are decoded as images. */
  static async open(files: string[], imageColumns: string[]): Promise<ParquetPairSource> {
    const hp = await loadHyparquet();
    const index: FileIndex[] = [];
    const starts: number[] = [];
    let total = 0;
    for (const file of files) {
      let buffer: Any;
      let metadata: Any;
      try {
        buffer = await hp.asyncBufferFromFile(file);
        metadata = await hp.parquetMetadataAsync(buffer);
      } catch (err) {
        throw new InputFileError(file, `cannot read as parquet (${(err as Error).message})`);
      }
      const names = (metadata.schema as Array<{ name: string }>).map((s) => s.name);
      for (const col of imageColumns)
        if (!names.includes(col)) throw new InputFileError(file, `no column '${col}' (columns: ${names.slice(1).join(", ")})`);
      const groupStarts: number[] = [];
      let acc = 0;
      for (const g of metadata.row_groups as Array<{ num_rows: bigint }>) {
        groupStarts.push(acc);
        acc += Number(g.num_rows);
      }
      groupStarts.push(acc);
      starts.push(total);
      total += acc;
      index.push({ file, buffer, metadata, groupStarts, rows: acc });
    }
    return new ParquetPairSource(index, starts, imageColumns);
  }

  async read(index: number): Promise<{ images: Record<string, ImageHWC>; meta: SampleMeta }> {
    let f = this.starts.length - 1;
    while (f > 0 && (this.starts[f] as number) > index) f--;
    const fi = this.files[f] as FileIndex;
    const local = index - (this.starts[f] as number);
    let g = 0;
    while ((fi.groupStarts[g + 1] as number) <= local) g++;
    let cached = this.cache.get(fi.file);
    if (!cached || cached.group !== g) {
      const hp = await loadHyparquet();
      const rows = hp.parquetReadObjects({
        file: fi.buffer,
        metadata: fi.metadata,
        rowStart: fi.groupStarts[g],
        rowEnd: fi.groupStarts[g + 1],
        utf8: false,
      }) as Promise<Record<string, unknown>[]>;
      cached = { group: g, rows };
      this.cache.set(fi.file, cached);
    }
    const row = (await cached.rows)[local - (fi.groupStarts[g] as number)] as Record<string, unknown>;
    const images: Record<string, ImageHWC> = {};
    const meta: SampleMeta = {};
    for (const [key, value] of Object.entries(row)) {
      if (this.imageColumns.includes(key)) {
        const cell = value as { bytes?: Uint8Array; path?: string } | null;
        if (!cell?.bytes) throw new InputFileError(fi.file, `row ${local}: column '${key}' has no image bytes`);
        images[key] = (await decodeImage(cell.bytes, `${fi.file} row ${local} column ${key}`)).image;
      } else meta[key] = decodeMetaValue(key, value);
    }
    return { images, meta };
  }
}

function decodeMetaValue(key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && key === "params") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
