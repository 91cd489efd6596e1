/** Physics shared by PSF sources: Zernike polynomials, pupil -> PSF, Airy references (FFTs: src/fft). */
export * from "./zernike";
export * from "./pupil";
export * from "./airy";
/** Ray-traced lenses, glass catalogue, scalar wave propagation, metasurfaces (namespaced: names overlap). */
export * as lens from "./lens";
export * as glass from "./glass";
export * as wave from "./wave";
export * as metasurface from "./metasurface";
