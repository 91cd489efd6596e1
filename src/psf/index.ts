/**
 * Stage 1: PSF families, the field grid, and the PSF file. Notebooks reach it as `svd.psf`.
 */
export type { FieldPoint, SensorSpec, PsfSample, PsfSource } from "./source";
export { mat3, scaleTranslate, applyMat3, type Mat3, identity3, Homography } from "./homography";
export { type PsfDType, type PsfFileSpec, PsfFileWriter, PsfFile } from "./file";
export { gridImageHomography, type GridSampling, type FieldGridSpec, type GridPosition, FieldGrid } from "./grid";
export {
  loadPsfConfig,
  fieldGridFor,
  psfSourceFor,
  computeRow,
  generatePsfFile,
  type GenerateOptions,
  type GenerateResult,
} from "./generate";
export { psfConfigSchema, type PsfConfig } from "./config";
export { normalizeAtPosition, type NormalizeMode } from "./normalize";
export { splatToConv, convToSplat, type SplatOptions } from "./splat";
export { writePsfPreview } from "./preview";
export { extractSpotGrid, fitAffine, syntheticSpotCapture, type SpotGridOptions, type SpotGrid } from "./measured";
export { quickstartPsfConfig } from "./defaults";
export * as families from "./families";
