/** Image-quality metrics (PSNR, SSIM, MS-SSIM, MAE, MSE) and MTF analysis. */
export * from "./image-ops";
export * from "./pixel";
export * from "./ssim";
export * from "./msssim";
export * from "./resize";
export * from "./histogram";
export * from "./tensor";
export * from "./mtf-curve";
export * from "./psf-mtf";
export * from "./targets";
export * from "./slanted-edge";
export * from "./blur";
export * from "./mtf-map";
export * from "./evaluate";
