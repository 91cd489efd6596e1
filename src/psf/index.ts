/**
 * Stage 1: PSF families, the field grid, and the PSF file. Notebooks reach it as `svd.psf`.
 */
export * from "./source";
export * from "./homography";
export * from "./file";
export * from "./grid";
export * from "./generate";
export * from "./config";
export * from "./normalize";
export * from "./splat";
export * from "./preview";
export * from "./measured";
export * from "./defaults";
export * as families from "./families";
