/**
 * `svd dataset generate`: renders the samples of this job's units (all of them, or `--shard i/N`),
 * in worker threads, and writes parquet shards and/or PNG folders atomically. Re-running skips
 * what exists, so an interrupted run resumes with every sample written exactly once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { ConfigTree } from "../../config/load";
import { writeFileAtomic } from "../../util/atomic";
import { InputFileError } from "../../util/errors";
import { createProgress } from "../../util/progress";
import { readSharedBasis } from "../basis-blur";
import type { BlurOperator } from "../blur";
import { FolderSource } from "../sources";
import { datasetCard } from "../writers/card";
import { pngName, shardFileName, writeShard, type GeneratedRow } from "../writers/parquet";
import { loadBlurFactory } from "./blur-module";
import { loadGenerationConfig, type GenerationConfig } from "./config";
import { makePlan, unitsOfShard, type Plan, type ShardSpec, type Unit } from "./plan";
import { WorkerPool } from "./pool";
import { generateSample, makeSource } from "./sample";

export interface GenerateOptions {
  /** YAML file, or an inline tree (notebooks) */
  config: string | { tree: ConfigTree; name: string };
  basisFile: string;
  outDir: string;
  overrides?: string[];
  shard?: ShardSpec;
  /** overrides config.workers; 0 renders in this thread */
  workers?: number;
  /** module exporting `createBlur` (tests); default: the spatially varying renderer */
  blurModule?: string;
}

export interface GenerateResult {
  outDir: string;
  plan: Plan;
  unitsDone: number;
  unitsSkipped: number;
  samplesWritten: number;
  seconds: number;
  complete: boolean;
}

const folderSplit = (u: { split: string }) => (u.split === "validation" ? "val" : "train");

function folderFiles(outDir: string, split: string, index: number, gtKey: string, lqKey: string): [string, string] {
  return [path.join(outDir, split, gtKey, pngName(index)), path.join(outDir, split, lqKey, pngName(index))];
}

/** Samples of `u` still to write, and whether its parquet shard is missing. */
function pendingOf(outDir: string, config: GenerationConfig, u: Unit): { parquet: boolean; folderIdx: Set<number> } {
  const fmt = config.output.format;
  const parquet = fmt !== "folders" && !fs.existsSync(path.join(outDir, shardFileName(u.split, u.shardIndex, u.shardCount)));
  const folderIdx = new Set<number>();
  if (fmt !== "parquet")
    for (let i = u.start; i < u.end; i++) {
      const [g, b] = folderFiles(outDir, folderSplit(u), i, config.output.gt_key, config.output.lq_key);
      if (!fs.existsSync(g) || !fs.existsSync(b)) folderIdx.add(i);
    }
  return { parquet, folderIdx };
}

/** Removes temp files a killed run left beside this unit's outputs (only this unit's names). */
function removeStaleTemps(outDir: string, config: GenerationConfig, u: Unit): void {
  const targets: string[] = [];
  if (config.output.format !== "folders") targets.push(path.join(outDir, shardFileName(u.split, u.shardIndex, u.shardCount)));
  if (config.output.format !== "parquet")
    for (let i = u.start; i < u.end; i++) targets.push(...folderFiles(outDir, folderSplit(u), i, config.output.gt_key, config.output.lq_key));
  const byDir = new Map<string, string[]>();
  for (const t of targets) byDir.set(path.dirname(t), [...(byDir.get(path.dirname(t)) ?? []), path.basename(t)]);
  for (const [dir, names] of byDir) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir)) if (names.some((n) => f.startsWith(`.${n}.tmp-`))) fs.rmSync(path.join(dir, f), { force: true });
  }
}

function writeMetadata(outDir: string, loaded: { tree: ConfigTree; value: GenerationConfig }, plan: Plan, basisFile: string): void {
  const meta = path.join(outDir, "metadata");
  const put = (name: string, text: string) => {
    const f = path.join(meta, name);
    if (!fs.existsSync(f) || fs.readFileSync(f, "utf8") !== text) writeFileAtomic(f, text);
  };
  put("config.yml", stringify(loaded.tree));
  // the original's args.txt: one `key: value` line per top-level entry
  put("args.txt", Object.entries(loaded.tree).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join("\n") + "\n");
  put("generation.json", JSON.stringify({ count: plan.count, valCount: plan.valCount, shardSize: plan.shardSize, units: plan.units.length, seed: loaded.value.seed, basis: path.basename(basisFile) }, null, 2) + "\n");
  if (loaded.value.output.copy_basis) {
    const dst = path.join(meta, "PSFs_with_basis.h5");
    if (!fs.existsSync(dst) || fs.statSync(dst).size !== fs.statSync(basisFile).size) writeFileAtomic(dst, fs.readFileSync(basisFile));
  }
}

function allUnitsComplete(outDir: string, config: GenerationConfig, plan: Plan): boolean {
  return plan.units.every((u) => {
    const p = pendingOf(outDir, config, u);
    return !p.parquet && p.folderIdx.size === 0;
  });
}

export async function generateDataset(opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = Date.now();
  const loaded = loadGenerationConfig(opts.config, opts.overrides ?? []);
  const config = loaded.value;
  if (!fs.existsSync(opts.basisFile)) throw new InputFileError(opts.basisFile, "basis file not found (expected PSFs_with_basis.h5 from `svd basis`)");
  const count = config.source.type === "synthetic" ? config.source.count : new FolderSource({ path: config.source.path, dataPercent: config.source.data_percent as [number, number] }).length * config.source.repeat;
  const plan = makePlan(count, config.val_perc, config.output.shard_size);
  const units = unitsOfShard(plan, opts.shard ?? { index: 0, total: 1 });
  fs.mkdirSync(opts.outDir, { recursive: true });
  writeMetadata(opts.outDir, loaded, plan, opts.basisFile);

  const work = units.map((u) => ({ unit: u, pending: pendingOf(opts.outDir, config, u) })).filter((w) => w.pending.parquet || w.pending.folderIdx.size > 0);
  const result: GenerateResult = { outDir: opts.outDir, plan, unitsDone: 0, unitsSkipped: units.length - work.length, samplesWritten: 0, seconds: 0, complete: false };
  const workers = opts.workers ?? config.workers;

  if (work.length > 0) {
    let pool: WorkerPool | null = null;
    let local: { blur: BlurOperator; source: ReturnType<typeof makeSource> } | null = null;
    if (workers > 0) {
      // the default blur's basis is read here once, while the threads load, and shared with them
      const basis = opts.blurModule ? Promise.resolve(undefined) : readSharedBasis(opts.basisFile);
      pool = await WorkerPool.start(
        Math.min(workers, work.reduce((a, w) => a + (w.unit.end - w.unit.start), 0)),
        basis.then((b) => ({ type: "init", config, configFile: loaded.file, plan, basisFile: opts.basisFile, blurModule: opts.blurModule, basis: b })),
      );
    } else {
      const blur = await loadBlurFactory(opts.blurModule)(opts.basisFile, config.blur);
      local = { blur, source: makeSource(config, blur, loaded.file) };
    }
    const render = (i: number): Promise<GeneratedRow> => (pool ? pool.run(i) : generateSample(config, plan, local!.source, local!.blur, i));
    const total = work.reduce((a, w) => a + (w.pending.parquet ? w.unit.end - w.unit.start : w.pending.folderIdx.size), 0);
    const progress = createProgress(`generate ${config.name}`, total, "samples");
    try {
      // keep the next unit's samples queued while one finishes, so workers never idle at unit borders
      const launch = (w: (typeof work)[number]) => {
        removeStaleTemps(opts.outDir, config, w.unit);
        const idx: number[] = [];
        for (let i = w.unit.start; i < w.unit.end; i++) if (w.pending.parquet || w.pending.folderIdx.has(i)) idx.push(i);
        return idx.map((i) => {
          const p = render(i).then((row) => {
            if (w.pending.folderIdx.has(i)) {
              const [g, b] = folderFiles(opts.outDir, folderSplit(w.unit), i, config.output.gt_key, config.output.lq_key);
              writeFileAtomic(g, row.gtPng);
              writeFileAtomic(b, row.blurPng);
            }
            progress.tick();
            return row;
          });
          p.catch(() => undefined); // handled when its unit is awaited; avoids an unhandled-rejection crash meanwhile
          return p;
        });
      };
      let next = launch(work[0]!);
      for (let k = 0; k < work.length; k++) {
        const current = next;
        if (k + 1 < work.length) next = launch(work[k + 1]!);
        const settled = await Promise.allSettled(current);
        const failed = settled.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
        if (failed) {
          // let the queued samples finish writing their own files before reporting
          if (k + 1 < work.length) await Promise.allSettled(next);
          throw failed.reason;
        }
        const rows = settled.map((s) => (s as PromiseFulfilledResult<GeneratedRow>).value);
        const w = work[k]!;
        if (w.pending.parquet)
          await writeShard(opts.outDir, shardFileName(w.unit.split, w.unit.shardIndex, w.unit.shardCount), rows, {
            gtKey: config.output.gt_key,
            lqKey: config.output.lq_key,
            rowGroupSize: config.output.row_group_size,
          });
        result.unitsDone++;
        result.samplesWritten += rows.length;
      }
    } finally {
      progress.done();
      await pool?.close();
      local?.blur.dispose?.();
    }
  }
  result.complete = allUnitsComplete(opts.outDir, config, plan);
  if (result.complete) writeFileAtomic(path.join(opts.outDir, "README.md"), datasetCard(config, plan, { basisFile: opts.basisFile }));
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}
