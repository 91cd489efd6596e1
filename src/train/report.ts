/**
 * A self-contained HTML training report: loss curve and metric bar charts as inline SVG (Vega-Lite
 * rendered headless by src/viz), image comparisons as PNG data URIs (sharp), a metrics table.
 * Written atomically.
 */
import { writeFileAtomic } from "../util/atomic";
import { escapeHtml } from "../viz/mime";
import { figureToPng } from "../viz/export";
import { compareImages } from "../viz/images";
import { pngDataUri } from "../viz/png";
import { lossCurveSpec, vegaLiteToSvg, type LossPoint, type VegaLiteSpec } from "../viz/vegalite";
import { clampImage, type ImageHWC } from "../array";
import type { RestorationScore } from "./infer";

export interface ReportComparison {
  title: string;
  images: Array<{ title: string; image: ImageHWC }>;
}

export interface TrainingReport {
  title: string;
  /** Lines of context shown under the title (config, timings). */
  notes: string[];
  /** Title of the loss chart; "training loss (L1)" when absent. */
  lossTitle?: string;
  loss: LossPoint[];
  scores: RestorationScore[];
  comparisons: ReportComparison[];
}

/** Grouped bars: one panel per metric, one bar per method. */
export function metricBarsSpec(scores: RestorationScore[]): VegaLiteSpec {
  const values = scores.flatMap((s) => [
    { method: s.method, metric: "PSNR (dB)", value: s.psnr },
    { method: s.method, metric: "SSIM", value: s.ssim },
  ]);
  return {
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null } },
    spec: {
      width: 200,
      height: 180,
      mark: { type: "bar" },
      encoding: {
        x: { field: "method", type: "nominal", sort: scores.map((s) => s.method), title: null, axis: { labelAngle: -30 } },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "method", type: "nominal", legend: null },
        tooltip: [{ field: "method" }, { field: "value", format: ".4g" }],
      },
    },
    resolve: { scale: { y: "independent" } },
  };
}

export async function renderTrainingReport(r: TrainingReport): Promise<string> {
  const lossSvg = r.loss.length ? await vegaLiteToSvg(lossCurveSpec(r.loss, { title: r.lossTitle ?? "training loss (L1)" })) : "<p>(no training steps)</p>";
  const barsSvg = await vegaLiteToSvg(metricBarsSpec(r.scores));
  const figures: string[] = [];
  for (const c of r.comparisons) {
    const png = await figureToPng(await compareImages(c.images.map((i) => ({ title: i.title, image: clampImage(i.image) })), { title: c.title, vmin: 0, vmax: 1, targetPx: 192 }), 96);
    figures.push(`<figure><img alt="${escapeHtml(c.title)}" src="${pngDataUri(png)}"/><figcaption>${escapeHtml(c.title)}</figcaption></figure>`);
  }
  const rows = r.scores.map((s) => `<tr><td>${escapeHtml(s.method)}</td><td>${s.psnr.toFixed(2)}</td><td>${s.ssim.toFixed(4)}</td></tr>`).join("\n");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child{text-align:left}figure{margin:1em 0}img{max-width:100%}</style>
</head><body>
<h1>${escapeHtml(r.title)}</h1>
<ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>
<h2>Training loss</h2>
${lossSvg}
<h2>Restoration quality (mean over the evaluation images)</h2>
<table><tr><th>method</th><th>PSNR (dB)</th><th>SSIM</th></tr>
${rows}
</table>
${barsSvg}
<h2>Comparisons</h2>
${figures.join("\n")}
</body></html>
`;
}

export async function writeTrainingReport(file: string, r: TrainingReport): Promise<string> {
  writeFileAtomic(file, await renderTrainingReport(r));
  return file;
}
