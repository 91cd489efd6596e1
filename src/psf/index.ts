/**
 * Stage 1: PSF families, the field grid, and the PSF file. Notebooks reach it as `svd.psf`.
 */
export * from "./source";
export * from "./homography";
export * from "./file";
