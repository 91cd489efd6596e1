/**
 * Dense reference renderer: every pixel's own PSF, summed directly (O(C H W k^2)); for tests on small
 * images and for measuring how well a basis approximates the PSF field it came from.
 */
import { linearWeights, type GridAxes } from "../basis/axes";
import { ArgumentError } from "../util/errors";
import type { ImageHWC, NdArray } from "../array";
import { FftRenderer } from "./fft-engine";
import { asPlanar, inInputForm, resolveOptions, type RenderInput, type RenderOptions } from "./types";

/** The PSF (k*k, centre floor(k/2)) of pixel (y, x) in channel c. */
export interface PsfField {
  channels: number;
  kernelSize: number;
  height: number;
  width: number;
  psfAt(c: number, y: number, x: number, out?: Float32Array): Float32Array;
}

/** K_q = sum_m A_m(q) B_m from basis kernels (C, m, k, k) and maps (C, m, H, W). */
export function basisPsfField(basisPsfs: NdArray, coef: NdArray): PsfField {
  const [C, m, k] = basisPsfs.shape as [number, number, number];
  const [, , H, W] = coef.shape as [number, number, number, number];
  const F = k * k;
  return {
    channels: C,
    kernelSize: k,
    height: H,
    width: W,
    psfAt(c, y, x, out = new Float32Array(F)) {
      out.fill(0);
      for (let j = 0; j < m; j++) {
        const a = coef.data[((c * m + j) * H + y) * W + x] as number;
        if (a === 0) continue;
        const b = basisPsfs.data.subarray((c * m + j) * F, (c * m + j + 1) * F);
        for (let i = 0; i < F; i++) out[i] = (out[i] as number) + a * (b[i] as number);
      }
      return out;
    },
  };
}

/** Bilinear interpolation of grid PSFs (C, nh, nw, k, k) sampled at `axes` (the same weights as the coefficient maps). */
export function gridPsfField(psfs: NdArray, axes: GridAxes, height: number, width: number): PsfField {
  const [C, nh, nw, k] = psfs.shape as [number, number, number, number];
  if (psfs.shape.length !== 5 || axes.rowsPx.length !== nh || axes.colsPx.length !== nw)
    throw new ArgumentError("psfs", "shape (C, nh, nw, k, k) matching the axes", `shape (${psfs.shape.join(", ")})`);
  const wy = linearWeights(axes.rowsPx, height);
  const wx = linearWeights(axes.colsPx, width);
  const F = k * k;
  const at = (c: number, iy: number, ix: number) => psfs.data.subarray(((c * nh + iy) * nw + ix) * F, ((c * nh + iy) * nw + ix + 1) * F);
  return {
    channels: C,
    kernelSize: k,
    height,
    width,
    psfAt(c, y, x, out = new Float32Array(F)) {
      const ty = wy.w1[y] as number;
      const tx = wx.w1[x] as number;
      const k00 = at(c, wy.i0[y] as number, wx.i0[x] as number);
      const k01 = at(c, wy.i0[y] as number, wx.i1[x] as number);
      const k10 = at(c, wy.i1[y] as number, wx.i0[x] as number);
      const k11 = at(c, wy.i1[y] as number, wx.i1[x] as number);
      const w00 = (1 - ty) * (1 - tx);
      const w01 = (1 - ty) * tx;
      const w10 = ty * (1 - tx);
      const w11 = ty * tx;
      for (let i = 0; i < F; i++) out[i] = w00 * (k00[i] as number) + w01 * (k01[i] as number) + w10 * (k10[i] as number) + w11 * (k11[i] as number);
      return out;
    },
  };
}

/** Renders an HWC image (or planar (C, H, W)) with a per-pixel PSF field, directly. Same forms/boundaries/outputs as the FFT engine. */
export function renderDense(image: ImageHWC, field: PsfField, options?: RenderOptions): ImageHWC;
export function renderDense(image: NdArray, field: PsfField, options?: RenderOptions): NdArray;
export function renderDense(input: RenderInput, field: PsfField, options: RenderOptions = {}): RenderInput {
  return inInputForm(input, renderDensePlanar(asPlanar(input), field, options));
}

function renderDensePlanar(image: NdArray, field: PsfField, options: RenderOptions): NdArray {
  const o = resolveOptions(options);
  const [C, H, W] = image.shape as [number, number, number];
  if (image.shape.length !== 3 || C !== field.channels || H !== field.height || W !== field.width)
    throw new ArgumentError("image", `shape (${field.channels}, ${field.height}, ${field.width}) (the PSF field's)`, `shape (${image.shape.join(", ")})`);
  const k = field.kernelSize;
  const c0 = Math.floor(k / 2);
  const full = o.output === "full";
  const Ho = full ? H + k - 1 : H;
  const Wo = full ? W + k - 1 : W;
  const out = new Float64Array(C * Ho * Wo);
  const K = new Float32Array(k * k);
  // Output index of pixel coordinate p along an axis of length n, or -1 when it leaves the output.
  const map = (p: number, n: number) => (o.boundary === "circular" ? ((p % n) + n) % n : full ? p + c0 : p >= 0 && p < n ? p : -1);
  for (let c = 0; c < C; c++) {
    const x = image.data.subarray(c * H * W, (c + 1) * H * W);
    const y = out.subarray(c * Ho * Wo, (c + 1) * Ho * Wo);
    if (o.form === "scatter") {
      for (let qy = 0; qy < H; qy++)
        for (let qx = 0; qx < W; qx++) {
          const v = x[qy * W + qx] as number;
          if (v === 0) continue;
          field.psfAt(c, qy, qx, K);
          for (let u = 0; u < k; u++) {
            const py = map(qy + u - c0, H);
            if (py < 0) continue;
            for (let w = 0; w < k; w++) {
              const px = map(qx + w - c0, W);
              if (px < 0) continue;
              y[py * Wo + px] = (y[py * Wo + px] as number) + v * (K[u * k + w] as number);
            }
          }
        }
    } else {
      // Gather: y(p) = sum_d K_p(c0 + d) x(p - d), with K_p taken at the nearest pixel inside the image.
      for (let oy = 0; oy < Ho; oy++)
        for (let ox = 0; ox < Wo; ox++) {
          const py = full ? oy - c0 : oy;
          const px = full ? ox - c0 : ox;
          field.psfAt(c, Math.min(H - 1, Math.max(0, py)), Math.min(W - 1, Math.max(0, px)), K);
          let s = 0;
          for (let u = 0; u < k; u++) {
            let qy = py - (u - c0);
            if (o.boundary === "circular") qy = ((qy % H) + H) % H;
            else if (qy < 0 || qy >= H) continue;
            for (let w = 0; w < k; w++) {
              let qx = px - (w - c0);
              if (o.boundary === "circular") qx = ((qx % W) + W) % W;
              else if (qx < 0 || qx >= W) continue;
              s += (K[u * k + w] as number) * (x[qy * W + qx] as number);
            }
          }
          y[oy * Wo + ox] = s;
        }
    }
  }
  return { data: Float32Array.from(out), shape: [C, Ho, Wo] };
}

export interface ApproximationError {
  /** ||basis render - reference|| / ||reference|| over all channels. */
  relativeL2: number;
  maxAbs: number;
  /** Planar (C, H, W) renders, whichever form the image came in. */
  reference: NdArray;
  approximation: NdArray;
}

/**
 * How far the basis rendering is from rendering with the field's own PSFs (dense reference).
 * `field` is typically `gridPsfField` of the PSF grid the basis was computed from.
 */
export function basisApproximationError(input: RenderInput, field: PsfField, basisPsfs: NdArray, coef: NdArray, options: RenderOptions = {}): ApproximationError {
  const image = asPlanar(input);
  const reference = renderDensePlanar(image, field, options);
  const approximation = new FftRenderer(basisPsfs, options).renderPlanar(image, coef);
  let d = 0;
  let s = 0;
  let maxAbs = 0;
  for (let i = 0; i < reference.data.length; i++) {
    const e = (approximation.data[i] as number) - (reference.data[i] as number);
    d += e * e;
    s += (reference.data[i] as number) ** 2;
    maxAbs = Math.max(maxAbs, Math.abs(e));
  }
  return { relativeL2: s > 0 ? Math.sqrt(d / s) : Math.sqrt(d), maxAbs, reference, approximation };
}
