/**
 * Stage 2: PSF bases (PCA by streamed randomized SVD, uniform, sections), coefficient-map
 * interpolation and the PSFs_with_basis.h5 file. Notebooks reach it as `svd.basis`.
 */
export {
  cellCentreAxis,
  cellCornerAxis,
  cellCentreAxes,
  axesFromPositions,
  linearWeights,
  upsampleMap,
  type GridAxes,
  type LinearWeights,
} from "./axes";
export { gridFromArray, gridFromFile, type PsfGridSource } from "./grid-source";
export { pcaOfGrid, type PcaOptions, type ChannelPca, type PcaResult } from "./pca";
export {
  coefficientMaps,
  reconstructGridPsf,
  pcaBasis,
  uniformBasis,
  sectionsBasis,
  crossfadeWeights,
  type BasisMethod,
  type CoefInterpolation,
  type PsfBasis,
} from "./basis";
export {
  writeBasisLayout,
  writeBasisFile,
  readBasisFile,
  type BasisLayout,
  type WriteBasisLayoutOptions,
  type WriteBasisOptions,
  type BasisArrays,
} from "./file";
export { writeBasisPreviews } from "./preview";
export {
  assessBasis,
  assessAndWarn,
  relativeErrorMap,
  DEFAULT_MAX_RELATIVE_ERROR,
  type BasisQuality,
  type BasisQualityOptions,
  type ChannelQuality,
  type QualityInput,
} from "./quality";
export { loadBasisConfig, type BasisConfig } from "./config";
