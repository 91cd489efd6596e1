/** Non-blind deconvolution baselines for a known shift-invariant PSF (spec §10.1). */
export { psfToOtf, FourierConvolution } from "./operator";
export { planeGeometry, extractPlane, insertPlane, type Boundary, boundaries, type PlaneGeometry } from "./boundary";
export { wienerPlanes, type WienerOptions } from "./wiener";
export { richardsonLucyPlanes, type RichardsonLucyOptions } from "./richardson-lucy";
export { totalVariation, proxTv, type TvProxOptions } from "./tv";
export { fistaPlanes, type FistaOptions, type FistaResult } from "./fista";
export {
  deconvolveImage,
  wienerDeconvolve,
  richardsonLucy,
  fistaDeconvolve,
  blurImage,
  gaussianPsf,
  type PlaneSolver,
  type BoundaryOption,
} from "./deconvolve";
