/**
 * The production BlurOperator: the spatially varying FFT renderer (src/render) over a PSF basis
 * file (`PSFs_with_basis.h5`: basis_psfs (C,1,m,k,k), basis_coef (C,1,m,H,W)), scatter form.
 * Boundary "zero" by default (light leaving the sensor is lost, nothing wraps); `boundary: circular`
 * reproduces the original's wrap-around (`blur:` options in the generation config).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readBasisFile } from "../basis/file";
import { FftRenderer, hwcToPlanar, planarToHwc, type Boundary, type RenderForm } from "../render";
import { ConfigError, InputFileError } from "../util/errors";
import type { BlurFactory, BlurOperator } from "./blur";
import type { ImageHWC } from "./types";

export const createBasisBlur: BlurFactory = async (basisFile, options) => {
  if (!fs.existsSync(basisFile)) throw new InputFileError(basisFile, "basis file not found");
  const boundary = (options.boundary ?? "zero") as Boundary;
  const form = (options.form ?? "scatter") as RenderForm;
  if (boundary !== "zero" && boundary !== "circular") throw new ConfigError("<config>", "blur.boundary", '"zero" or "circular"', options.boundary);
  if (form !== "scatter" && form !== "gather") throw new ConfigError("<config>", "blur.form", '"scatter" or "gather"', options.form);
  const basis = await readBasisFile(basisFile);
  const [C, m, H, W] = basis.coef.shape as [number, number, number, number];
  const k = basis.psfs.shape[2] as number;
  const renderer = new FftRenderer(basis.psfs, { boundary, form, output: "same" });
  const op: BlurOperator = {
    height: H,
    width: W,
    channels: C,
    description: { basis: path.basename(basisFile), basis_count: m, kernel_size: k, boundary, form },
    apply(img: ImageHWC): ImageHWC {
      const planar = hwcToPlanar(img.data, img.height, img.width, img.channels);
      const out = planarToHwc(renderer.render(planar, basis.coef));
      return { data: out.data, height: out.shape[0], width: out.shape[1], channels: out.shape[2] };
    },
  };
  return op;
};
