/**
 * The quickstart's training stage: a tiny NAFNet trained for a minute on on-the-fly SyntheticBlur
 * pairs (svd train with an embedded config), then an evaluation on held-out pairs against the
 * blurred input and the non-blind baselines (Wiener, Richardson-Lucy) with each pair's known PSF,
 * and runs/quickstart/report.html (loss curve, metric bars, image comparisons).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { initBackend } from "../../backend";
import type { ImageHWC } from "../../array";
import { createNonBlindModel } from "../../models/model-types";
import { gaussianPsf } from "../../models/nonblind/deconvolve";
import { writeFileAtomic } from "../../util/atomic";
import { meanScores, restoreImage, scoreRestorations, type RestorationScore } from "../../train/infer";
import { writeTrainingReport, type ReportComparison } from "../../train/report";
import { SyntheticBlurDataset } from "../../data/readers/synthetic";
import { Trainer } from "../../train/trainer";

/** Steps of the quickstart run (about a minute on two cores); SVD_QUICKSTART_STEPS overrides (tests). */
export const quickstartTrainSteps = 300;

export function quickstartTrainConfig(outDir: string, steps: number): string {
  return `# Written by svd quickstart: a tiny NAFNet on on-the-fly SyntheticBlur pairs.
name: quickstart
model_type: Simple_model
is_train: true
seed: 1
experiment_key: nafnet_tiny
data_range: [0, 1]
network: {type: NAFNet, width: 8, enc_blk_nums: [1, 1], middle_blk_num: 1, dec_blk_nums: [1, 1]}
datasets:
  train: {type: SyntheticBlur, size: 4096, h: 48, w: 48, sigma: [1.0, 2.0], noise_std: 0.01, seed: quickstart-train}
path:
  experiments_root: ${JSON.stringify(path.resolve(outDir, "train"))}
train:
  optim: {learning_rate: 5e-3, adam_weight_decay: 0.0, max_grad_norm: 0}
  scheduler: {type: cosine_with_restarts, lr_warmup_steps: 20, lr_num_cycles: 1}
  loss: 1*L1
  batch_size: 4
  max_train_steps: ${steps}
  checkpointing_steps: ${steps}
  checkpoints_total_limit: 1
  validation_steps: ${steps + 1}
`;
}

export interface QuickstartTrainResult {
  report: string;
  scores: RestorationScore[];
  trainSeconds: number;
}

export async function runQuickstartTraining(outDir: string, steps = Number(process.env.SVD_QUICKSTART_STEPS) || quickstartTrainSteps): Promise<QuickstartTrainResult> {
  const { tf } = await initBackend();
  const cfgFile = path.join(outDir, "train", "config.yml");
  fs.mkdirSync(path.dirname(cfgFile), { recursive: true });
  writeFileAtomic(cfgFile, quickstartTrainConfig(outDir, steps));
  // A fresh run every time: the quickstart shows training from scratch.
  for (const d of fs.readdirSync(path.dirname(cfgFile))) if (d.startsWith("checkpoint-")) fs.rmSync(path.join(path.dirname(cfgFile), d), { recursive: true, force: true });
  fs.rmSync(path.join(outDir, "train", "logs"), { recursive: true, force: true });

  const t0 = Date.now();
  const trainer = new Trainer(cfgFile);
  try {
    const result = await trainer.run();
    const trainSeconds = (Date.now() - t0) / 1000;

    // Held-out pairs drawn like the training data; the baselines get each pair's true PSF.
    const evalSet = new SyntheticBlurDataset({ size: 4, h: 64, w: 64, channels: 3, sigma: [1.0, 2.0], noiseStd: 0.01, seed: "quickstart-eval", gtKey: "gt", lqKey: "blur" });
    const wiener = createNonBlindModel("Wiener_model", { noise_level: 0.01 });
    const rl = createNonBlindModel("RL_model", { iterations: 20 });
    const perImage: RestorationScore[][] = [];
    const comparisons: ReportComparison[] = [];
    for (let i = 0; i < evalSet.length; i++) {
      const s = evalSet.sample(i);
      const psf = gaussianPsf(s.meta.sigma as number);
      const outputs: Record<string, ImageHWC> = {
        blurred: s.blur,
        "Wiener": wiener.restore(s.blur, psf),
        "Richardson-Lucy": rl.restore(s.blur, psf),
        "NAFNet (quickstart)": restoreImage(tf, result.network!, s.blur),
      };
      perImage.push(scoreRestorations(s.gt, outputs, 4));
      if (i < 2)
        comparisons.push({
          title: `evaluation pair ${i} (Gaussian PSF sigma ${(s.meta.sigma as number).toFixed(2)} px, noise 0.01)`,
          images: [{ title: "sharp", image: s.gt }, ...Object.entries(outputs).map(([title, image]) => ({ title, image }))],
        });
    }
    const scores = meanScores(perImage);
    const loss = result.steps.map((r) => ({ step: r.step, value: r.loss_all!, series: "train L1" }));
    const report = await writeTrainingReport(path.join(outDir, "report.html"), {
      title: "svd quickstart: training and evaluation",
      notes: [
        `NAFNet width 8, enc [1,1], dec [1,1]: ${result.network!.params.count()} parameters; ${steps} steps of batch 4 at 48x48 in ${trainSeconds.toFixed(1)} s (config ${cfgFile})`,
        `evaluation: ${evalSet.length} held-out SyntheticBlur pairs (64x64), PSNR/SSIM with 4 px borders cropped; Wiener (noise-to-signal 0.01) and Richardson-Lucy (20 iterations) use the true PSF`,
      ],
      loss,
      scores,
      comparisons,
    });
    writeFileAtomic(path.join(outDir, "evaluation.json"), JSON.stringify({ steps, trainSeconds, scores, perImage }, null, 1) + "\n");
    for (const s of scores) process.stderr.write(`  ${s.method.padEnd(20)} PSNR ${s.psnr.toFixed(2)} dB  SSIM ${s.ssim.toFixed(4)}\n`);
    process.stderr.write(`  report: ${report}\n`);
    return { report, scores, trainSeconds };
  } finally {
    trainer.dispose();
  }
}
