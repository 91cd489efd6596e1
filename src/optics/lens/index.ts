export {
  sagAndSlope,
  paraxialCurvature,
  validateLens,
  materialBefore,
  withSensorAt,
  totalTrackMm,
  type SurfaceKind,
  type Surface,
  type LensSystem,
  AIR,
} from "./system";
export { RayBundle } from "./rays";
export { traceRays, propagateToPlane, traceSurface, type TraceOptions, type TracePath } from "./trace";
export { paraxial, paraxialImageZ, type ParaxialData } from "./paraxial";
export {
  samplePupil,
  launchRays,
  fieldToObject,
  type ObjectPoint,
  type PupilSampling,
  type PupilPoints,
} from "./sources";
export {
  traceToSensor,
  spotDiagram,
  idealImagePoint,
  resolveCentre,
  splatBilinear,
  geometricPsf,
  type SpotDiagram,
  type PsfCentre,
  type GeometricPsfOptions,
  type LensPsf,
} from "./psf";
export { bestFocus, type BestFocus, type BestFocusOptions } from "./focus";
export { wavefrontMap, wavefrontPsf, type WavefrontMap, type WavefrontPsfOptions } from "./wavefront";
export { parseDeepLensJson, readDeepLensJson, toDeepLensJson } from "./io-deeplens";
export { decodeZemaxText, parseZemax, readZemax, type ZemaxLens } from "./io-zemax";
export { loadLens } from "./load";
export { buildLens, refocus } from "./build";
export type { SurfaceRow, LensTable } from "./build";
