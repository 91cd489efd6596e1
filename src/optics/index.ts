/** Physics shared by PSF sources: Zernike polynomials, pupil -> PSF, Airy references (FFTs: src/fft). */
export {
  zernikeModeCount,
  osaToNm,
  nmToOsa,
  nollToNm,
  nmToNoll,
  osaToNoll,
  nollToOsa,
  firstIndex,
  indexToNm,
  nmToIndex,
  modesInOrder,
  zernikeName,
  zernikeNormalization,
  zernikeRadial,
  zernikePolar,
  zernikeXY,
  zernikeBasis,
  convertCoefficients,
  type ZernikeOrdering,
  type ZernikeMode,
} from "./zernike";
export {
  planPupilSampling,
  fourierPsfModel,
  zernikePsf,
  type PupilSamplingOptions,
  type PupilSampling,
  type ApertureOptions,
  type ZernikeWavefront,
  type PupilPsf,
  FourierPsfModel,
} from "./pupil";
export {
  besselJ,
  airyFirstZeroUm,
  airyIntensity,
  airyEncircledEnergy,
  besselJ0,
  besselJ1,
  BESSEL_J1_FIRST_ZERO,
} from "./airy";
/** Ray-traced lenses, glass catalogue, scalar wave propagation, metasurfaces (namespaced: names overlap). */
export * as lens from "./lens";
export * as glass from "./glass";
export * as wave from "./wave";
export * as metasurface from "./metasurface";
