import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { collect } from "../options";
import { ArgumentError, writeFileAtomic } from "../../util";
import { generateDataset, parseShard, slurmScript, loadGenerationConfig, pushDataset } from "../../data";

function positiveInt(name: string, v: string | undefined, fallback?: number): number | undefined {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(name, "a non-negative integer", v);
  return n;
}

/** `svd dataset generate` options as typed on the command line (strings). */
export interface DatasetGenerateOptions {
  config: string;
  basis: string;
  out: string;
  shard?: string;
  workers?: string;
  set?: string[];
}

/** Stages 3/4 as `svd dataset generate` runs them: render the dataset (or this shard of it), print a summary. */
export async function runDatasetGenerate(o: DatasetGenerateOptions): Promise<void> {
  const r = await generateDataset({
    config: o.config,
    basisFile: o.basis,
    outDir: o.out,
    overrides: o.set ?? [],
    shard: o.shard ? parseShard(o.shard) : undefined,
    workers: positiveInt("--workers", o.workers),
  });
  const n = r.samplesWritten;
  process.stdout.write(
    `${r.outDir}: wrote ${r.unitsDone} shard(s), ${n} sample(s) in ${r.seconds.toFixed(1)} s (${(n / Math.max(r.seconds, 1e-9)).toFixed(2)} samples/s); ` +
      `${r.unitsSkipped} shard(s) already done; dataset ${r.complete ? "complete (README.md written)" : "incomplete (other shards pending)"}\n`,
  );
}

export function registerDataset(program: Command): void {
  const ds = program.command("dataset").description("stage 3/4: generate paired sharp/blurred datasets, write SLURM arrays, push to the Hub");
  ds.command("generate")
    .description("render a dataset (parquet shards in the Hugging Face layout and/or {train,val}/{gt,blur} PNG folders); resumes an interrupted run")
    .requiredOption("--config <yml>", "generation config (see configs/dataset/)")
    .requiredOption("--basis <file>", "PSF basis file (PSFs_with_basis.h5 from svd basis)")
    .requiredOption("--out <dir>", "output dataset folder")
    .option("--shard <i/N>", "render only the shards u with u mod N = i (cluster job i of N)")
    .option("--workers <n>", "worker threads (overrides the config's workers; 0 = this thread)")
    .option("--set <key=value>", "override a config key (repeatable)", collect, [])
    .action((o: DatasetGenerateOptions) => runDatasetGenerate(o));
  ds.command("slurm")
    .description("write a SLURM job-array script whose task i runs 'svd dataset generate --shard i/N'")
    .requiredOption("--config <yml>", "generation config")
    .requiredOption("--basis <file>", "PSF basis file")
    .requiredOption("--out <dir>", "output dataset folder (on the cluster)")
    .requiredOption("--jobs <N>", "number of array tasks")
    .option("--script <file>", "where to write the script (default <out>/generate.slurm)")
    .option("--cpus <n>", "CPUs (worker threads) per task", "4")
    .option("--time <hh:mm:ss>", "time limit per task", "04:00:00")
    .option("--mem <size>", "memory per task", "16G")
    .option("--partition <name>", "SLURM partition")
    .option("--svd <command>", "how to run the CLI on the cluster", "npx svd")
    .option("--set <key=value>", "override a config key (repeatable)", collect, [])
    .action((o: { config: string; basis: string; out: string; jobs: string; script?: string; cpus: string; time: string; mem: string; partition?: string; svd: string; set: string[] }) => {
      const jobs = positiveInt("--jobs", o.jobs) as number;
      if (jobs < 1) throw new ArgumentError("--jobs", "an integer >= 1", o.jobs);
      const cfg = loadGenerationConfig(o.config, o.set); // validate before anything runs on the cluster
      const script = slurmScript({
        config: path.resolve(o.config),
        basisFile: path.resolve(o.basis),
        outDir: path.resolve(o.out),
        jobs,
        cpusPerTask: positiveInt("--cpus", o.cpus, 4) as number,
        timeLimit: o.time,
        memory: o.mem,
        partition: o.partition,
        jobName: `svd-${cfg.value.name}`.replace(/[^\w.-]/g, "_"),
        svd: o.svd,
        overrides: o.set,
      });
      const file = o.script ?? path.join(o.out, "generate.slurm");
      writeFileAtomic(file, script);
      fs.chmodSync(file, 0o755);
      process.stdout.write(`${file}: ${jobs}-task array; submit with: sbatch ${file}\n`);
    });
  ds.command("push <dir>")
    .description("upload a generated dataset folder to the Hugging Face Hub (token from HF_TOKEN)")
    .requiredOption("--repo <user/name>", "dataset repo id")
    .option("--private", "create the repo private")
    .option("--dry-run", "list what would be uploaded, upload nothing")
    .option("--hub-url <url>", "Hub endpoint (default HF_ENDPOINT or https://huggingface.co)")
    .action(async (dir: string, o: { repo: string; private?: boolean; dryRun?: boolean; hubUrl?: string }) => {
      const r = await pushDataset(dir, { repo: o.repo, private: o.private, dryRun: o.dryRun, hubUrl: o.hubUrl });
      const lines = r.files.map((f) => `  ${f.path} (${f.bytes} bytes)`);
      process.stdout.write(
        `${o.dryRun ? "would upload" : "uploaded"} ${r.files.length} file(s), ${r.totalBytes} bytes, to dataset ${r.repo} on ${r.endpoint}${o.private ? " (private)" : ""}:\n${lines.join("\n")}\n` +
          ("commitUrl" in r && r.commitUrl ? `commit: ${r.commitUrl}\n` : ""),
      );
    });
}
