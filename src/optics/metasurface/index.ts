export {
  gridCoord,
  wrapPhase,
  hyperbolicPhase,
  polynomialPhase,
  circularAperture,
  type LensGrid,
  type HyperbolicSpec,
} from "./phase";
export {
  validateLibrary,
  loadCellLibrary,
  libraryAt,
  quantiseToLibrary,
  layoutResponse,
  phaseCoverage,
  type CellLibrary,
  type QuantisedLayout,
} from "./library";
export { lp01U, pillarEffectiveIndex, computeCellLibrary, TIO2_ALD, type CellModelSpec } from "./cell-model";
export { metasurfacePsf, type MetasurfaceLens, type MetaSource, type MetaPsfOptions, type MetaPsf } from "./psf";
