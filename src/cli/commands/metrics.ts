import type { Command } from "commander";
import { ArgumentError } from "../../util";
import { evaluateFolders, METRIC_NAMES } from "../../metrics";

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new ArgumentError(name, "a non-negative integer", v);
  return x;
}

export function registerMetrics(program: Command): void {
  program
    .command("metrics")
    .description(
      "PSNR / SSIM / MS-SSIM / MAE / MSE of predictions against ground truths, paired by file name; " +
        "per-image CSV, mean and std, a LaTeX row. The original script's protocol: --resize 512 --match-histogram --crop 1",
    )
    .requiredOption("--gt <dir>", "folder of ground-truth images")
    .requiredOption("--pred <dir>", "folder of predictions (same names, any image extension)")
    .option("--crop <n>", "pixels removed from every border before measuring", "0")
    .option("--resize <n>", "resize both images to n x n first (Pillow bicubic; 8-bit images stay 8-bit)")
    .option("--match-histogram", "match each prediction's per-channel histogram to its GT (8-bit, as scikit-image)")
    .option("--channel <rgb|y>", "measure all channels or the BT.601 luma (BasicSR's test_y_channel)", "rgb")
    .option("--out <csv>", "per-image CSV (default <pred>/metrics.csv)")
    .option("--json", "print the per-image values and the summary as JSON")
    .action(async (opts: { gt: string; pred: string; crop: string; resize?: string; matchHistogram?: boolean; channel: string; out?: string; json?: boolean }) => {
      if (opts.channel !== "rgb" && opts.channel !== "y") throw new ArgumentError("--channel", "rgb or y", opts.channel);
      const resize = intOption("--resize", opts.resize);
      if (resize === 0) throw new ArgumentError("--resize", "a positive integer", opts.resize);
      const r = await evaluateFolders({
        gtDir: opts.gt,
        predDir: opts.pred,
        crop: intOption("--crop", opts.crop),
        resize,
        matchHistogram: !!opts.matchHistogram,
        channel: opts.channel,
        csvPath: opts.out,
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify({ method: r.method, csv: r.csvPath, summary: r.summary, images: r.images, latex: r.latexRow }, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n");
        return;
      }
      const lines = [`${r.method}: ${r.images.length} image pair(s)${r.csvPath ? ` -> ${r.csvPath}` : ""}`];
      for (const m of METRIC_NAMES) {
        const s = r.summary[m];
        const digits = m === "psnr" ? 3 : m === "mse" ? 6 : 4;
        lines.push(`  ${m.padEnd(7)} ${s.count ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : "n/a (images too small)"}`);
      }
      lines.push(`  LaTeX (method & PSNR & SSIM & MS-SSIM & MAE): ${r.latexRow}`);
      process.stdout.write(lines.join("\n") + "\n");
    });
}
