import type { Command } from "commander";
import { ArgumentError, Rng } from "../../util";
import { readImage, writeImage } from "../../io";
import { readBasisFile } from "../../basis";
import * as os from "node:os";
import { FftRenderer, FftRenderPool, type Boundary, type RenderForm } from "../../render";
import { imageToPlanar, planarToImage } from "../../array";
import { addNoise, type NoiseModel } from "../../data";
import { parseNumber, parseSeed } from "../options";

/** `svd render` options as typed on the command line (strings); the unset ones take `renderDefaults`. */
export interface RenderOptions {
  basis: string;
  input: string;
  out: string;
  form?: string;
  boundary?: string;
  bitDepth?: string;
  noise?: string;
  sigma?: string;
  photons?: string;
  readSigma?: string;
  seed?: string;
  threads?: string;
}

export const renderDefaults = { form: "scatter", boundary: "zero", bitDepth: "8", noise: "none", sigma: "0.01", photons: "1000", readSigma: "0.002", seed: "0", threads: "auto" } as const;

export function registerRender(program: Command): void {
  const d = renderDefaults;
  program
    .command("render")
    .description("blur an image with a spatially varying PSF basis (FFT engine); PNG/TIFF in, 8- or 16-bit out")
    .requiredOption("--basis <file>", "PSFs_with_basis.h5 (basis_psfs + basis_coef)")
    .requiredOption("--input <image>", "sharp image (its size must equal the coefficient maps'; channels: as many as the basis)")
    .requiredOption("--out <image>", "blurred image (.png or .tif)")
    .option("--form <scatter|gather>", "scatter: each source pixel spreads its PSF (a lens); gather: blend blurred images", d.form)
    .option("--boundary <zero|circular>", "zero-padded canvas, or wrap around as the original", d.boundary)
    .option("--bit-depth <8|16>", "output bit depth", d.bitDepth)
    .option("--noise <none|gaussian|poisson-gaussian>", "sensor noise", d.noise)
    .option("--sigma <s>", "gaussian noise standard deviation (image units)", d.sigma)
    .option("--photons <n>", "poisson-gaussian: photo-electrons at value 1", d.photons)
    .option("--read-sigma <s>", "poisson-gaussian: read noise standard deviation", d.readSigma)
    .option("--seed <seed>", "noise seed", d.seed)
    .option("--threads <n|auto>", "worker threads (FftRenderPool, bit-identical to 1 thread); auto: one per core for large renders, else 1", d.threads)
    .action((opts: RenderOptions) => runRender(opts));
}

function noiseModel(o: Required<RenderOptions>): NoiseModel {
  if (o.noise === "none") return { type: "none" };
  if (o.noise === "gaussian") return { type: "gaussian", sigma: parseNumber("--sigma", o.sigma) };
  if (o.noise === "poisson-gaussian") return { type: "poisson-gaussian", photonsAtOne: parseNumber("--photons", o.photons), readSigma: parseNumber("--read-sigma", o.readSigma) };
  throw new ArgumentError("--noise", "none, gaussian or poisson-gaussian", o.noise);
}

/**
 * Threads for --threads auto: one per core once the work (channels x basis size x pixels) is worth
 * starting workers for. A worker costs ~0.2 s CPU to start and computes its own basis spectra;
 * 2^24 is about a third of a 1024^2 RGB render with 16 PSFs (~1 s on one thread, bench/render.ts).
 */
function autoThreads(work: number): number {
  return work >= 2 ** 24 ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
}

/** Renders `input` through the basis into `out` and prints one line; what `svd render` runs. */
export async function runRender(options: RenderOptions): Promise<void> {
  const opts: Required<RenderOptions> = { ...renderDefaults, ...options };
  if (opts.bitDepth !== "8" && opts.bitDepth !== "16") throw new ArgumentError("--bit-depth", "8 or 16", opts.bitDepth);
  const noise = noiseModel(opts);
  const basis = await readBasisFile(opts.basis);
  // The basis file's own verdict (basis_relative_error): a poor basis renders its error, not the lens.
  if (basis.quality?.warning) process.stderr.write(`svd: warning: ${opts.basis}: ${basis.quality.warning}\n`);
  const [C, , H, W] = basis.coef.shape as [number, number, number, number];
  const img = await readImage(opts.input, { channels: C === 1 ? "gray" : C === 3 ? "rgb" : "keep" });
  const { height: h, width: w, channels: c } = img;
  if (h !== H || w !== W) throw new ArgumentError("--input", `an image of ${W}x${H} pixels (the basis coefficient maps' size)`, `${w}x${h} (${opts.input})`);
  if (c !== C) throw new ArgumentError("--input", `${C} channels (the basis')`, `${c} channels (${opts.input})`);
  const [, m] = basis.coef.shape as [number, number];
  const threads = opts.threads === "auto" ? autoThreads(C * m * H * W) : parseNumber("--threads", opts.threads, { positive: true });
  if (!Number.isInteger(threads)) throw new ArgumentError("--threads", "a whole number of threads or auto", opts.threads);
  const rendererOptions = { form: opts.form as RenderForm, boundary: opts.boundary as Boundary };
  const t0 = Date.now();
  // Planar through render and noise: the noise draws keep their (C, H, W) order.
  const image = imageToPlanar(img);
  let y: Awaited<ReturnType<FftRenderPool["render"]>>;
  const renderer = new FftRenderer(basis.psfs, rendererOptions);
  // One job per (channel, tile row): more threads than jobs would only idle.
  const jobs = C * renderer.layout(image, basis.coef).bands.length;
  if (Math.min(threads, jobs) > 1) {
    const pool = await FftRenderPool.start(basis.psfs, rendererOptions, Math.min(threads, jobs));
    try {
      y = await pool.render(image, basis.coef);
    } finally {
      await pool.close();
    }
  } else y = renderer.render(image, basis.coef);
  y = addNoise(y, noise, new Rng(parseSeed(opts.seed)));
  await writeImage(opts.out, planarToImage(y), { bitDepth: Number(opts.bitDepth) as 8 | 16 });
  const used = Math.min(threads, jobs);
  process.stdout.write(`${opts.out}: ${w}x${h}x${c} rendered in ${((Date.now() - t0) / 1000).toFixed(2)} s (${used} thread${used === 1 ? "" : "s"})\n`);
}
