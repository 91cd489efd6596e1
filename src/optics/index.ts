/** Physics shared by PSF sources: FFT helpers, Zernike polynomials, pupil -> PSF, Airy references. */
export * from "./fft2";
export * from "./zernike";
export * from "./pupil";
export * from "./airy";
/** Ray-traced lenses, glass catalogue, scalar wave propagation, metasurfaces (namespaced: names overlap). */
export * as lens from "./lens";
export * as glass from "./glass";
export * as wave from "./wave";
export * as metasurface from "./metasurface";
