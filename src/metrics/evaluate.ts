/**
 * Evaluates a folder of predictions against a folder of ground truths (the `svd metrics` command).
 *
 * Pairing is by file name without extension (a.png <-> a.tif), never by sorted position as the
 * original script did; files without a partner are an error that lists them.
 * Default protocol: images as stored (8/16-bit scaled to [0, 1]), same size and channels required,
 * PSNR / SSIM / MS-SSIM / MAE / MSE with data range 1 and an optional border crop.
 * The original script's protocol (spec metrics-and-analysis §1.2) is `resize: 512,
 * matchHistogram: true, crop: 1`: images become 8-bit RGB, Pillow-exact bicubic resize, per-channel
 * histogram matching of the prediction to its GT (skimage, uint8 truncation), 1-pixel crop.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputFileError, ArgumentError, SvdError } from "../util/errors";
import { writeFileAtomic } from "../util/atomic";
import { createProgress } from "../util/progress";
import { readImage, isImageFile, convertChannels } from "../io/image";
import { imageShape, type ImageHWC } from "../array";
import { psnr, mse, mae } from "./pixel";
import { ssim } from "./ssim";
import { msssim, msssimMinSide, MS_SSIM_WEIGHTS } from "./msssim";
import { resizeBicubicU8, resizeBicubicFloat } from "./resize";
import { matchHistogramsU8 } from "./histogram";

export interface EvaluateOptions {
  gtDir: string;
  predDir: string;
  /** Border pixels removed on every side before measuring (default 0; the original uses 1). */
  crop?: number;
  /** Resize both images to size x size (Pillow bicubic) first. */
  resize?: number;
  /** Match the prediction's per-channel histogram to the GT's (8-bit, as the original). */
  matchHistogram?: boolean;
  /** "rgb" (default) or "y" (BT.601 luma) for PSNR/SSIM/MS-SSIM. */
  channel?: "rgb" | "y";
  /** Per-image CSV (default <predDir>/metrics.csv); null to skip. */
  csvPath?: string | null;
}

export const METRIC_NAMES = ["psnr", "ssim", "msssim", "mae", "mse"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface ImageScores {
  name: string;
  gtFile: string;
  predFile: string;
  /** NaN where a metric does not apply (MS-SSIM on images smaller than its coarsest window) */
  scores: Record<MetricName, number>;
}

export interface EvaluateResult {
  method: string;
  images: ImageScores[];
  /** mean and population standard deviation over the images where the metric is defined */
  summary: Record<MetricName, { mean: number; std: number; count: number }>;
  csvPath: string | null;
  latexRow: string;
}

function listImages(dir: string, role: string): Map<string, string> {
  if (!fs.existsSync(dir)) throw new InputFileError(dir, `${role} folder not found`);
  if (!fs.statSync(dir).isDirectory()) throw new InputFileError(dir, `${role} path is not a folder`);
  const files = fs.readdirSync(dir).filter((f) => isImageFile(f)).sort();
  if (files.length === 0) throw new InputFileError(dir, `${role} folder holds no images (.png, .tif, .tiff, .jpg, .jpeg)`);
  const byStem = new Map<string, string>();
  for (const f of files) {
    const stem = path.parse(f).name;
    const prev = byStem.get(stem);
    if (prev) throw new InputFileError(dir, `two ${role} images share the name '${stem}': ${prev} and ${f}`);
    byStem.set(stem, f);
  }
  return byStem;
}

/** Pairs GT and prediction files by name without extension; throws listing unpaired files. */
export function pairImageFiles(gtDir: string, predDir: string): Array<{ name: string; gt: string; pred: string }> {
  const gt = listImages(gtDir, "ground-truth");
  const pred = listImages(predDir, "prediction");
  const onlyGt = [...gt.keys()].filter((k) => !pred.has(k)).map((k) => gt.get(k)!);
  const onlyPred = [...pred.keys()].filter((k) => !gt.has(k)).map((k) => pred.get(k)!);
  if (onlyGt.length || onlyPred.length) {
    const parts: string[] = [];
    if (onlyGt.length) parts.push(`only in ${gtDir}: ${onlyGt.join(", ")}`);
    if (onlyPred.length) parts.push(`only in ${predDir}: ${onlyPred.join(", ")}`);
    throw new SvdError(`unpaired images (pairs are matched by file name without extension): ${parts.join("; ")}`);
  }
  return [...gt.keys()].sort().map((k) => ({ name: k, gt: path.join(gtDir, gt.get(k)!), pred: path.join(predDir, pred.get(k)!) }));
}

function toCodes8(img: ImageHWC): ImageHWC<Uint8Array> {
  return { height: img.height, width: img.width, channels: img.channels, data: Uint8Array.from(img.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)), peak: 255 };
}

/** Brings a GT/prediction pair to the measured form (see the module comment). */
export function preparePair(gt: ImageHWC & { file?: string; bitDepth?: number }, pred: ImageHWC & { file?: string; bitDepth?: number }, opts: EvaluateOptions): { gt: ImageHWC; pred: ImageHWC } {
  const desc = (i: ImageHWC & { file?: string }) => `${i.file ?? "image"} (${imageShape(i).join("x")})`;
  const size = opts.resize;
  if (size !== undefined && !(Number.isInteger(size) && size >= 1)) throw new ArgumentError("resize", "a positive integer", size);
  const eightBit = opts.matchHistogram || (size !== undefined && gt.bitDepth === 8 && pred.bitDepth === 8);
  if (opts.matchHistogram || size !== undefined) {
    // The original converts both to RGB (Pillow convert("RGB")).
    let g = convertChannels(gt, "rgb");
    let p = convertChannels(pred, "rgb");
    if (eightBit) {
      let gc = toCodes8(g);
      let pc = toCodes8(p);
      if (size !== undefined) {
        gc = resizeBicubicU8(gc, { height: size, width: size });
        pc = resizeBicubicU8(pc, { height: size, width: size });
      }
      if (gc.height !== pc.height || gc.width !== pc.width) throw new SvdError(`size mismatch: ${desc(gt)} vs ${desc(pred)} (use --resize N to compare at a common size)`);
      if (opts.matchHistogram) pc = { ...pc, data: matchHistogramsU8(pc.data, gc.data, 3) };
      const f = (c: ImageHWC<Uint8Array>): ImageHWC => ({ height: c.height, width: c.width, channels: c.channels, data: Float32Array.from(c.data, (v) => v / 255) });
      return { gt: f(gc), pred: f(pc) };
    }
    return { gt: resizeBicubicFloat(g, { height: size!, width: size! }), pred: resizeBicubicFloat(p, { height: size!, width: size! }) };
  }
  if (gt.height !== pred.height || gt.width !== pred.width || gt.channels !== pred.channels) {
    throw new SvdError(`size mismatch: ${desc(gt)} vs ${desc(pred)} (use --resize N to compare at a common size)`);
  }
  return { gt, pred };
}

export function scorePair(gt: ImageHWC, pred: ImageHWC, opts: { crop?: number; channel?: "rgb" | "y" }): Record<MetricName, number> {
  const o = { dataRange: 1, cropBorder: opts.crop ?? 0, channel: opts.channel ?? "rgb" };
  const { height: h, width: w } = gt;
  const side = Math.min(h, w) - 2 * o.cropBorder;
  return {
    psnr: psnr(gt, pred, o),
    ssim: ssim(gt, pred, o),
    msssim: side >= msssimMinSide(MS_SSIM_WEIGHTS.length, 11) ? msssim(gt, pred, o) : NaN,
    mae: mae(gt, pred, o),
    mse: mse(gt, pred, o),
  };
}

function fmt(v: number): string {
  return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : String(v);
}

export async function evaluateFolders(opts: EvaluateOptions): Promise<EvaluateResult> {
  const crop = opts.crop ?? 0;
  if (!(Number.isInteger(crop) && crop >= 0)) throw new ArgumentError("crop", "a non-negative integer", crop);
  const pairs = pairImageFiles(opts.gtDir, opts.predDir);
  const images: ImageScores[] = [];
  const progress = createProgress("metrics", pairs.length, "images");
  for (const p of pairs) {
    const [g, q] = await Promise.all([readImage(p.gt), readImage(p.pred)]);
    const prepared = preparePair(g, q, opts);
    images.push({ name: p.name, gtFile: p.gt, predFile: p.pred, scores: scorePair(prepared.gt, prepared.pred, { crop, channel: opts.channel }) });
    progress.tick(1, p.name);
  }
  progress.done();
  const summary = {} as EvaluateResult["summary"];
  for (const m of METRIC_NAMES) {
    const v = images.map((i) => i.scores[m]).filter((x) => !Number.isNaN(x));
    const mean = v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
    const std = v.length ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) : NaN;
    summary[m] = { mean, std, count: v.length };
  }
  const csvPath = opts.csvPath === null ? null : (opts.csvPath ?? path.join(opts.predDir, "metrics.csv"));
  if (csvPath) {
    const lines = [["name", ...METRIC_NAMES].join(",")];
    for (const i of images) lines.push([csvField(i.name), ...METRIC_NAMES.map((m) => fmt(i.scores[m]))].join(","));
    writeFileAtomic(csvPath, lines.join("\n") + "\n");
  }
  const method = path.basename(path.resolve(opts.predDir));
  const cell = (m: MetricName) => (Number.isNaN(summary[m].mean) ? "--" : summary[m].mean.toFixed(4));
  const latexRow = `${latexEscape(method)} & ${cell("psnr")} & ${cell("ssim")} & ${cell("msssim")} & ${cell("mae")} \\\\`;
  return { method, images, summary, csvPath, latexRow };
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function latexEscape(s: string): string {
  return s.replace(/([_%&#$])/g, "\\$1");
}
