/**
 * Shared vocabulary of the renderers.
 *
 * Per colour channel c the basis gives every pixel q its PSF K_q = sum_m A_m(q) B_m (kernel centre
 * c0 = floor(k/2), the original's index k/2). Two forms:
 *   scatter  y(p) = sum_q x(q) K_q(p - q + c0) = sum_m B_m (*) (A_m . x)
 *            every source pixel spreads its light with its own PSF. This is what a lens does (the
 *            PSFs of stage 1 are indexed by source position), so it is the default.
 *   gather   y(p) = sum_m A_m(p) (B_m (*) x)(p)
 *            every output pixel blends differently blurred images (equal to scatter only where the
 *            coefficient maps are locally constant).
 * Boundaries: "zero" (default) convolves on a zero-padded canvas, nothing wraps; "circular" wraps
 * light leaving one border onto the opposite one, as the original's sv_convolution.
 * Output: "same" (H, W) crops the canvas to the sensor; "full" (H + k - 1, W + k - 1) keeps the
 * light that falls outside it (zero boundary only), starting at pixel -c0.
 */
import { ArgumentError } from "../util/errors";
import { imageToPlanar, isImage, planarToImage, type ImageHWC, type NdArray } from "../array";

export type RenderForm = "scatter" | "gather";
export type Boundary = "zero" | "circular";
export type OutputExtent = "same" | "full";

export interface RenderOptions {
  form?: RenderForm;
  boundary?: Boundary;
  output?: OutputExtent;
}

export interface ResolvedOptions {
  form: RenderForm;
  boundary: Boundary;
  output: OutputExtent;
}

export function resolveOptions(o: RenderOptions = {}): ResolvedOptions {
  const form = o.form ?? "scatter";
  const boundary = o.boundary ?? "zero";
  const output = o.output ?? "same";
  if (form !== "scatter" && form !== "gather") throw new ArgumentError("form", '"scatter" or "gather"', form);
  if (boundary !== "zero" && boundary !== "circular") throw new ArgumentError("boundary", '"zero" or "circular"', boundary);
  if (output !== "same" && output !== "full") throw new ArgumentError("output", '"same" or "full"', output);
  if (output === "full" && boundary === "circular") throw new ArgumentError("output", '"same" with boundary "circular" (nothing leaves a circular canvas)', output);
  return { form, boundary, output };
}

export interface RenderDims {
  channels: number;
  count: number;
  kernelSize: number;
  height: number;
  width: number;
  /** Kernel centre index floor(k/2). */
  centre: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Checks image (C, H, W), basis kernels (C, m, k, k) and coefficient maps (C, m, H, W) against each
 * other and returns the dimensions.
 */
export function checkInputs(image: NdArray, basisPsfs: NdArray, coef: NdArray, opts: ResolvedOptions): RenderDims {
  const shp = (a: NdArray) => `shape (${a.shape.join(", ")})`;
  if (image.shape.length !== 3) throw new ArgumentError("image", "shape (C, H, W)", shp(image));
  if (basisPsfs.shape.length !== 4 || basisPsfs.shape[2] !== basisPsfs.shape[3]) throw new ArgumentError("basisPsfs", "shape (C, m, k, k) with square kernels", shp(basisPsfs));
  if (coef.shape.length !== 4) throw new ArgumentError("coef", "shape (C, m, H, W)", shp(coef));
  const [C, H, W] = image.shape as [number, number, number];
  const [Cb, m, k] = basisPsfs.shape as [number, number, number];
  if (Cb !== C) throw new ArgumentError("basisPsfs", `${C} channels (as the image)`, `${Cb} channels`);
  if (coef.shape[0] !== C || coef.shape[1] !== m || coef.shape[2] !== H || coef.shape[3] !== W)
    throw new ArgumentError("coef", `shape (${C}, ${m}, ${H}, ${W}) (image channels, basis count, image size)`, shp(coef));
  for (const [name, a] of [["image", image], ["basisPsfs", basisPsfs], ["coef", coef]] as const) {
    let n = 1;
    for (const d of a.shape) n *= d;
    if (a.data.length !== n) throw new ArgumentError(`${name}.data`, `${n} values for ${shp(a)}`, `${a.data.length} values`);
  }
  if (opts.boundary === "circular" && (k > H || k > W)) throw new ArgumentError("basisPsfs", `kernels no larger than the image (${H}x${W}) for circular boundaries`, `k = ${k}`);
  const full = opts.output === "full";
  return { channels: C, count: m, kernelSize: k, height: H, width: W, centre: Math.floor(k / 2), outHeight: full ? H + k - 1 : H, outWidth: full ? W + k - 1 : W };
}

/**
 * What the public render functions take: an HWC image (the library's image type; the result is an
 * image too) or a planar (C, H, W) array (the result stays planar). The engines work planar.
 */
export type RenderInput = ImageHWC | NdArray;

export function asPlanar(image: RenderInput): NdArray {
  return isImage(image) ? imageToPlanar(image) : image;
}

/** The planar result in the form the caller passed in. */
export function inInputForm(input: RenderInput, out: NdArray): RenderInput {
  return isImage(input) ? planarToImage(out) : out;
}
