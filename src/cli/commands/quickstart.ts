/**
 * `svd quickstart` (`npm run quickstart`): the pipeline on small embedded configs, as far as it is
 * built, writing into runs/quickstart/. Each stage is one step; later stages append theirs.
 */
import * as path from "node:path";
import type { Command } from "commander";
import { quickstartPsfConfig } from "../../psf/defaults";
import { loadPsfConfig } from "../../psf/generate";
import { runPsfStage } from "./psf";
import { runQuickstartTraining } from "./quickstart-train";

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
