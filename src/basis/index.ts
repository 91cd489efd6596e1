/**
 * Stage 2: PSF bases (PCA by streamed randomized SVD, uniform, sections), coefficient-map
 * interpolation and the PSFs_with_basis.h5 file. Notebooks reach it as `svd.basis`.
 */
export * from "./axes";
export * from "./grid-source";
export * from "./pca";
export * from "./basis";
export * from "./quality";
export * from "./file";
export * from "./preview";
export { orthonormalizeColumns, symmetricEigen } from "./linalg";
export { loadBasisConfig, type BasisConfig } from "./config";
