/**
 * `svd quickstart` (`npm run quickstart`): the pipeline on small embedded configs, as far as it is
 * built, writing into runs/quickstart/. Each stage is one step; later stages append theirs. Steps call
 * the stage functions the sub-commands run (same options, same output), not the command line.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { quickstartPsfConfig, loadPsfConfig } from "../../psf";
import { scenes } from "../../data";
import { writeImage } from "../../io";
import { Rng, SvdError } from "../../util";
import { runBasis } from "./basis";
import { runDatasetGenerate } from "./dataset";
import { runMtf } from "./mtf";
import { runPsfStage } from "./psf";
import { runRender } from "./render";
import { minLearningGainDb, runQuickstartTraining } from "./quickstart-train";

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
      const scene = scenes.naturalScene(new Rng("quickstart-scene"), 256, 256, 3);
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
    name: `train: a tiny NAFNet on on-the-fly blurred pairs (~20 s), evaluated against the blurred input (must gain >= ${minLearningGainDb} dB), Wiener and Richardson-Lucy -> report.html`,
    async run(outDir) {
      const { verdict } = await runQuickstartTraining(outDir);
      // The quickstart's point is that training pays: fail loudly (non-zero exit) when it did not.
      if (!verdict.learned) throw new SvdError(`quickstart training: the NAFNet did not learn (${verdict.lines[0]}); see ${path.join(outDir, "report.html")}`);
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
