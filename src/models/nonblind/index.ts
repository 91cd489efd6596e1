/** Non-blind deconvolution baselines for a known shift-invariant PSF (spec §10.1). */
export * from "./operator";
export * from "./boundary";
export * from "./wiener";
export * from "./richardson-lucy";
export * from "./tv";
export * from "./fista";
export * from "./deconvolve";
