/**
 * Image-level drivers of the non-blind deconvolvers: an HWC image and a shift-invariant PSF
 * (one plane shared by all channels, or one per channel) -> the restored HWC image. Channels that
 * share a PSF are deconvolved two at a time in one complex transform.
 */
import type { ImageHWC, NumericArray } from "../../array";
import { ArgumentError } from "../../util/errors";
import { extractPlane, insertPlane, planeGeometry, type Boundary } from "./boundary";
import { fistaPlanes, type FistaOptions } from "./fista";
import { FourierConvolution } from "./operator";
import { richardsonLucyPlanes, type RichardsonLucyOptions } from "./richardson-lucy";
import { wienerPlanes, type WienerOptions } from "./wiener";

// PSFs are images too (ImageHWC on any numeric storage): `channels` is 1 (one PSF shared by all
// channels) or the image's channel count; the centre is at (floor(h/2), floor(w/2)).

export type PlaneSolver = (op: FourierConvolution, y: readonly Float64Array[]) => Float64Array[];

/** Channel c of a PSF as a one-channel PSF. */
function psfPlane(psf: ImageHWC<NumericArray>, c: number): ImageHWC<NumericArray> {
  if (psf.channels === 1) return psf;
  const data = new Float64Array(psf.height * psf.width);
  for (let i = 0; i < data.length; i++) data[i] = psf.data[i * psf.channels + c]!;
  return { data, height: psf.height, width: psf.width, channels: 1 };
}

export function deconvolveImage(img: ImageHWC, psf: ImageHWC<NumericArray>, boundary: Boundary, solve: PlaneSolver): ImageHWC {
  const C = img.channels;
  if (psf.channels !== 1 && psf.channels !== C) throw new ArgumentError("psf", `a PSF with 1 or ${C} channels (one per image channel)`, `${psf.channels} channels`);
  if (psf.data.length !== psf.height * psf.width * psf.channels) throw new ArgumentError("psf", `${psf.height}x${psf.width}x${psf.channels} values`, `${psf.data.length} values`);
  const g = planeGeometry(img.height, img.width, psf.height, psf.width, boundary);
  if (psf.height > g.rows || psf.width > g.cols) throw new ArgumentError("psf", `a PSF no larger than the ${g.rows}x${g.cols} image (use boundary 'reflect')`, `${psf.height}x${psf.width}`);
  const out: ImageHWC = { data: new Float32Array(img.data.length), height: img.height, width: img.width, channels: C };
  // Groups of channels sharing one operator: pairs when the PSF is shared, singles otherwise.
  const groups: number[][] = [];
  if (psf.channels === 1) for (let c = 0; c < C; c += 2) groups.push(c + 1 < C ? [c, c + 1] : [c]);
  else for (let c = 0; c < C; c++) groups.push([c]);
  let shared: FourierConvolution | null = null;
  for (const group of groups) {
    const op = psf.channels === 1 ? (shared ??= new FourierConvolution(psf, g.rows, g.cols)) : new FourierConvolution(psfPlane(psf, group[0]!), g.rows, g.cols);
    const x = solve(op, group.map((c) => extractPlane(img, c, g)));
    group.forEach((c, k) => insertPlane(x[k]!, g, out, c));
  }
  return out;
}

export interface BoundaryOption {
  /** 'reflect' (default) or 'circular' (boundary.ts). */
  boundary?: Boundary;
}

export function wienerDeconvolve(img: ImageHWC, psf: ImageHWC<NumericArray>, o: WienerOptions & BoundaryOption): ImageHWC {
  return deconvolveImage(img, psf, o.boundary ?? "reflect", (op, y) => wienerPlanes(op, y, o));
}

export function richardsonLucy(img: ImageHWC, psf: ImageHWC<NumericArray>, o: RichardsonLucyOptions & BoundaryOption): ImageHWC {
  return deconvolveImage(img, psf, o.boundary ?? "reflect", (op, y) => richardsonLucyPlanes(op, y, o));
}

export function fistaDeconvolve(img: ImageHWC, psf: ImageHWC<NumericArray>, o: FistaOptions & BoundaryOption): ImageHWC {
  return deconvolveImage(img, psf, o.boundary ?? "reflect", (op, y) => fistaPlanes(op, y, o).x);
}

/** Blurs an image with the same operator (convolution, chosen boundary): the forward model the deconvolvers invert. */
export function blurImage(img: ImageHWC, psf: ImageHWC<NumericArray>, boundary: Boundary = "reflect"): ImageHWC {
  return deconvolveImage(img, psf, boundary, (op, y) => {
    const outs = y.map((p) => new Float64Array(p.length));
    op.forward(y, outs);
    return outs;
  });
}

/** A normalised Gaussian PSF (size odd, default 2·ceil(3σ)+1) with one shared channel. */
export function gaussianPsf(sigmaPx: number, size?: number): ImageHWC<Float64Array> {
  const k = size ?? 2 * Math.max(1, Math.ceil(3 * sigmaPx)) + 1;
  const c = Math.floor(k / 2);
  const data = new Float64Array(k * k);
  let s = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s += data[i * k + j] = Math.exp(-((i - c) ** 2 + (j - c) ** 2) / (2 * sigmaPx * sigmaPx));
  for (let i = 0; i < data.length; i++) data[i]! /= s;
  return { data, height: k, width: k, channels: 1 };
}
