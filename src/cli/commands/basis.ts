import * as path from "node:path";
import type { Command } from "commander";
import { collect } from "../options";
import { ArgumentError } from "../../util";
import { info } from "../../util/info";
import { PsfFile } from "../../psf";
import { loadBasisConfig, gridFromFile, pcaBasis, sectionsBasis, uniformBasis, type PsfBasis, writeBasisFile, writeBasisPreviews } from "../../basis";

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ArgumentError(name, "a non-negative integer", v);
  return Number(v);
}

/** `svd basis` options as typed on the command line (strings). */
export interface BasisOptions {
  psfs: string;
  out: string;
  config?: string;
  /** `--set key=value` overrides (none by default). */
  set?: string[];
  method?: string;
  components?: string;
  tiles?: string;
  dtype?: string;
  compat?: string;
  /** false: skip the previews (`--no-preview`). */
  preview?: boolean;
}

export function registerBasis(program: Command): void {
  program
    .command("basis")
    .description("stage 2: compress a PSF grid into a basis (PCA / sections / uniform) and write PSFs_with_basis.h5")
    .requiredOption("--psfs <file>", "PSF file from stage 1 (psfs.h5)")
    .requiredOption("--out <file>", "output file (PSFs_with_basis.h5)")
    .option("--config <yml>", "stage-2 config (see configs/basis/); flags below override it")
    .option("--set <key=value>", "override a config key (repeatable)", collect, [])
    .option("--method <pca|uniform|sections>", "basis type")
    .option("--components <n>", "PCA: number of principal components (the mean is added)")
    .option("--tiles <ty>x<tx>", "sections: tiles, e.g. 4x4")
    .option("--dtype <float16|float32>", "dataset dtype of the basis arrays")
    .option("--compat <svd-v2>", "place coefficient maps as the original does (OpenCV resize)")
    .option("--no-preview", "skip the preview PNGs")
    .action((opts: BasisOptions) => runBasis(opts));
}

/** Stage 2 as `svd basis` runs it: the basis file from a PSF file, its summary lines and previews. */
export async function runBasis(opts: BasisOptions): Promise<void> {
  const over = [...(opts.set ?? [])];
  if (opts.method !== undefined) over.push(`method=${opts.method}`);
  const comps = intOption("--components", opts.components);
  if (comps !== undefined) over.push(`components=${comps}`);
  if (opts.tiles !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(opts.tiles);
    if (!m) throw new ArgumentError("--tiles", "<ty>x<tx>, e.g. 4x4", opts.tiles);
    over.push(`tiles=[${m[1]},${m[2]}]`);
  }
  if (opts.dtype !== undefined) over.push(`dtype=${opts.dtype}`);
  if (opts.compat !== undefined) over.push(`compat=${opts.compat}`);
  const cfg = loadBasisConfig(opts.config ?? null, over);
  for (const k of cfg.unknownKeys) process.stderr.write(`svd: warning: ${cfg.file}: unused key '${k}'\n`);
  const c = cfg.value;
  const file = await PsfFile.open(opts.psfs);
  try {
    const src = gridFromFile(file);
    let basis: PsfBasis;
    if (c.method === "pca") {
      const b = await pcaBasis(src, { components: c.components, oversamples: c.oversamples, powerIterations: c.power_iterations, seed: c.seed });
      basis = b;
      b.pca.channels.forEach((ch, i) => {
        const captured = ch.explainedVarianceRatio.reduce((a, v) => a + v, 0);
        info(`channel ${i}: ${c.components} components capture ${(100 * captured).toFixed(3)}% of the variance`);
      });
      info(`pca: ${b.pca.passes} passes over the grid in ${b.pca.seconds.toFixed(1)} s`);
    } else if (c.method === "sections") basis = sectionsBasis(src, { tilesY: c.tiles[0] as number, tilesX: c.tiles[1] as number });
    else basis = uniformBasis(src);
    const err = basis.relativeError;
    if (err.length) info(`grid PSF relative L2 error: mean ${(err.reduce((a, v) => a + v, 0) / err.length).toExponential(3)}, max ${err.reduce((a, v) => Math.max(a, v), 0).toExponential(3)}`);
    const interpolation = c.compat === "svd-v2" ? "svd-v2" : "positions";
    await writeBasisFile(opts.out, basis, { dtype: c.dtype, interpolation, source: file });
    process.stdout.write(`${opts.out}: basis_psfs (${basis.channels}, 1, ${basis.count}, ${basis.kernelSize}, ${basis.kernelSize}), basis_coef (${basis.channels}, 1, ${basis.count}, ${basis.height}, ${basis.width}) ${c.dtype}\n`);
    if (c.preview && opts.preview !== false) {
      const files = await writeBasisPreviews(path.dirname(path.resolve(opts.out)), basis, interpolation);
      process.stdout.write(`previews: ${files.join(", ")}\n`);
    }
  } finally {
    file.close();
  }
}
