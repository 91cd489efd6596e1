/**
 * The production BlurOperator: the spatially varying renderer (src/render) over a PSF basis file
 * (`PSFs_with_basis.h5`: basis_psfs (C,1,n+1,k,k), basis_coef (C,1,n+1,H,W)).
 */
import * as fs from "node:fs";
import { InputFileError, SvdError } from "../util/errors";
import type { BlurFactory } from "./blur";

export const createBasisBlur: BlurFactory = async (basisFile) => {
  if (!fs.existsSync(basisFile)) throw new InputFileError(basisFile, "basis file not found");
  throw new SvdError("the spatially varying renderer (src/render) is not available in this build yet");
};
