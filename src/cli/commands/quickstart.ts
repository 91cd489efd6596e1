/**
 * `svd quickstart` (`npm run quickstart`): the pipeline on small embedded configs, as far as it is
 * built, writing into runs/quickstart/. Each stage is one step; later stages append theirs. Steps call
 * the stage functions the sub-commands run (same options, same output), not the command line.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { quickstartPsfConfig } from "../../psf/defaults";
import { loadPsfConfig } from "../../psf/generate";
import { runBasis } from "./basis";
import { runDatasetGenerate } from "./dataset";
import { runMtf } from "./mtf";
import { runPsfStage } from "./psf";
import { runRender } from "./render";
import { runQuickstartTraining } from "./quickstart-train";
import { naturalScene } from "../../data/scenes/natural";
import { writeImage } from "../../io/image";
import { Rng } from "../../util/rng";

const datasetConfig = path.join(__dirname, "..", "..", "..", "configs", "dataset", "synthetic_small.yml");

export interface QuickstartStep {
  name: string;
  run(outDir: string): Promise<void>;
}

export const quickstartSteps: QuickstartStep[] = [
  {
    name: "psf: simulate a Gaussian PSF field (8x8 grid, 3 channels, 32x32 kernels)",
    async run(outDir) {
      const cfg = loadPsfConfig({ tree: quickstartPsfConfig, name: "<quickstart psf config>" });
      await runPsfStage(cfg, outDir);
    },
  },
  {
    name: "basis: PCA of the PSF field (6 components + mean) -> PSFs_with_basis.h5 and previews",
    async run(outDir) {
      await runBasis({ psfs: path.join(outDir, "psfs.h5"), method: "pca", components: "6", out: path.join(outDir, "PSFs_with_basis.h5") });
    },
  },
  {
    name: "render: a procedural scene blurred with the basis (scatter, zero padding) -> sharp.png, blurred.png",
    async run(outDir) {
      const scene = naturalScene(new Rng("quickstart-scene"), 256, 256, 3);
      await writeImage(path.join(outDir, "sharp.png"), scene);
      await runRender({ basis: path.join(outDir, "PSFs_with_basis.h5"), input: path.join(outDir, "sharp.png"), out: path.join(outDir, "blurred.png") });
    },
  },
  {
    name: "mtf: MTF50/MTF30 over the field from the PSF file -> mtf.csv",
    async run(outDir) {
      await runMtf({ psfs: path.join(outDir, "psfs.h5"), pixelPitchUm: "3.9", out: path.join(outDir, "mtf.csv") });
    },
  },
  {
    name: "dataset: 40 paired samples in the Hugging Face parquet layout -> dataset/",
    async run(outDir) {
      await runDatasetGenerate({ config: datasetConfig, basis: path.join(outDir, "PSFs_with_basis.h5"), out: path.join(outDir, "dataset") });
    },
  },
  {
    name: "train: a tiny NAFNet on on-the-fly blurred pairs (~1 min), evaluated against the blurred input, Wiener and Richardson-Lucy -> report.html",
    async run(outDir) {
      await runQuickstartTraining(outDir);
    },
  },
];

export function registerQuickstart(program: Command): void {
  program
    .command("quickstart")
    .description("run the pipeline on small embedded configs into runs/quickstart/")
    .option("--out <dir>", "output folder", path.join("runs", "quickstart"))
    .action(async (opts: { out: string }) => {
      for (const [i, step] of quickstartSteps.entries()) {
        process.stderr.write(`[${i + 1}/${quickstartSteps.length}] ${step.name}\n`);
        await step.run(opts.out);
      }
    });
}
