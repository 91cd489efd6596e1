/**
 * The production BlurOperator: the spatially varying FFT renderer (src/render) over a PSF basis
 * file (`PSFs_with_basis.h5`: basis_psfs (C,1,m,k,k), basis_coef (C,1,m,H,W)), scatter form.
 * Boundary "zero" by default (light leaving the sensor is lost, nothing wraps); `boundary: circular`
 * reproduces the original's wrap-around (`blur:` options in the generation config).
 *
 * Worker threads get the basis arrays from the generator in SharedArrayBuffers (`readSharedBasis`,
 * `basisBlurFromArrays`): the file is read once, not once per thread (reading the 512² × 16 × 3
 * float16 coefficients through h5wasm takes ~0.7 s), and the threads share one copy in memory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readBasisFile, type BasisArrays } from "../basis/file";
import { FftRenderer, type Boundary, type RenderForm } from "../render";
import { ConfigError, InputFileError } from "../util/errors";
import type { BlurFactory, BlurOperator } from "./blur";
import type { ImageHWC } from "../array";

/** The basis arrays a worker thread receives (data in SharedArrayBuffers: posted without a copy). */
export type SharedBasis = { file: string } & Pick<BasisArrays, "psfs" | "coef">;

function shareFloat32(a: Float32Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

export async function readSharedBasis(basisFile: string): Promise<SharedBasis> {
  if (!fs.existsSync(basisFile)) throw new InputFileError(basisFile, "basis file not found");
  const b = await readBasisFile(basisFile);
  return { file: basisFile, psfs: { data: shareFloat32(b.psfs.data), shape: b.psfs.shape }, coef: { data: shareFloat32(b.coef.data), shape: b.coef.shape } };
}

export function basisBlurFromArrays(basisFile: string, basis: Pick<BasisArrays, "psfs" | "coef">, options: Record<string, unknown>): BlurOperator {
  basisBlurOptionsCheck(options);
  const boundary = (options.boundary ?? "zero") as Boundary;
  const form = (options.form ?? "scatter") as RenderForm;
  const [C, m, H, W] = basis.coef.shape as [number, number, number, number];
  const k = basis.psfs.shape[2] as number;
  const renderer = new FftRenderer(basis.psfs, { boundary, form, output: "same" });
  return {
    height: H,
    width: W,
    channels: C,
    description: { basis: path.basename(basisFile), basis_count: m, kernel_size: k, boundary, form },
    apply(img: ImageHWC): ImageHWC {
      return renderer.render(img, basis.coef);
    },
  };
}

export const createBasisBlur: BlurFactory = async (basisFile, options) => {
  if (!fs.existsSync(basisFile)) throw new InputFileError(basisFile, "basis file not found");
  // option errors before the (slow) read
  basisBlurOptionsCheck(options);
  return basisBlurFromArrays(basisFile, await readBasisFile(basisFile), options);
};

function basisBlurOptionsCheck(options: Record<string, unknown>): void {
  const boundary = options.boundary ?? "zero";
  const form = options.form ?? "scatter";
  if (boundary !== "zero" && boundary !== "circular") throw new ConfigError("<config>", "blur.boundary", '"zero" or "circular"', options.boundary);
  if (form !== "scatter" && form !== "gather") throw new ConfigError("<config>", "blur.form", '"scatter" or "gather"', options.form);
}
