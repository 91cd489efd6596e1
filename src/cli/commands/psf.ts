import * as path from "node:path";
import type { Command } from "commander";
import { collect, parseSeed } from "../options";
import { ArgumentError } from "../../util";
import { info } from "../../util/info";
import { generatePsfFile, loadPsfConfig, PsfFile, writePsfPreview, families as psfFamilies } from "../../psf";

export function registerPsf(program: Command): void {
  const psf = program.command("psf").description("stage 1: simulate a field of PSFs and write the PSF file");
  psf
    .command("generate")
    .description("generate <out>/psfs.h5 and <out>/psfs.png from a stage-1 config (resumes an interrupted run)")
    .requiredOption("--config <yml>", "stage-1 config (see configs/psf/)")
    .requiredOption("--out <dir>", "output folder")
    .option("--set <key=value>", "override a config key (repeatable), e.g. --set grid.shape=[4,4]", collect, [])
    .option("--seed <n>", "random seed (overrides the config's seed)")
    .option("--dtype <float16|float32>", "dataset dtype (overrides output.dtype)")
    .option("--no-resume", "start over even if a compatible partial file exists")
    .action(async (opts: { config: string; out: string; set: string[]; seed?: string; dtype?: string; resume: boolean }) => {
      if (opts.dtype !== undefined && opts.dtype !== "float16" && opts.dtype !== "float32") throw new ArgumentError("--dtype", "float16 or float32", opts.dtype);
      const cfg = loadPsfConfig(opts.config, opts.set);
      for (const k of cfg.unknownKeys) process.stderr.write(`svd: warning: ${cfg.file}: unused key '${k}'\n`);
      await runPsfStage(cfg, opts.out, { seed: parseSeed(opts.seed), dtype: opts.dtype as "float16" | "float32" | undefined, resume: opts.resume });
    });
  psf
    .command("info <file>")
    .description("print the grid shape, kernel size, dtype, layout and metadata keys of a PSF file")
    .action(async (file: string) => {
      const f = await PsfFile.open(file);
      try {
        const lines = [
          `${file}: layout ${f.layout}, psfs (${f.channels}, ${f.outChannels}, ${f.gridRows}, ${f.gridCols}, ${f.kernelSize}, ${f.kernelSize}) ${f.dtype}`,
          `wavelengths_nm: ${JSON.stringify(f.wavelengthsNm)}  sensor_res: ${JSON.stringify(f.sensorRes)}`,
          `metadata keys: ${f.keys().join(", ")}`,
          `psf_metadata entries: ${JSON.stringify(f.metadataKeys ?? null)}  basis: ${f.hasBasis}`,
        ];
        process.stdout.write(lines.join("\n") + "\n");
      } finally {
        f.close();
      }
    });
  psf
    .command("families")
    .description("list the PSF families a config's psf.type can name")
    .action(() => {
      for (const [, f] of psfFamilies.families.list()) process.stdout.write(`${f.name.padEnd(14)} ${f.description}\n`);
    });
}

/** Stage 1 as the CLI and quickstart run it: the PSF file, then its preview. */
export async function runPsfStage(
  cfg: ReturnType<typeof loadPsfConfig>,
  outDir: string,
  opts: { seed?: number | string; dtype?: "float16" | "float32"; resume?: boolean } = {},
): Promise<{ file: string; preview: string }> {
  const file = path.join(outDir, "psfs.h5");
  const r = await generatePsfFile(cfg, file, opts);
  const preview = path.join(outDir, "psfs.png");
  const f = await PsfFile.open(file);
  try {
    await writePsfPreview(f, preview);
  } finally {
    f.close();
  }
  info(
    `wrote ${file}: ${r.channels} x ${r.gridRows} x ${r.gridCols} PSFs of ${r.kernelSize}x${r.kernelSize} in ${r.seconds.toFixed(1)} s` +
      (r.rowsResumed ? ` (${r.rowsResumed} rows resumed)` : "") +
      `; preview ${preview}`,
  );
  return { file, preview };
}
