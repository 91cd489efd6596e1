/** Physics shared by PSF sources: FFT helpers, Zernike polynomials, pupil -> PSF, Airy references. */
export * from "./fft2";
export * from "./zernike";
export * from "./pupil";
export * from "./airy";
