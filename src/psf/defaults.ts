/**
 * The embedded default stage-1 config used by `svd quickstart`: small enough for a laptop CPU
 * (256x256 sensor, 8x8 grid, 32x32 kernels), with the original's Gaussian preset (spec §9.1) and
 * the wavelengths in physical R, G, B order.
 */
import type { ConfigTree } from "../config/load";

export const quickstartPsfConfig: ConfigTree = {
  seed: 0,
  compat: "none",
  sensor: { resolution: [256, 256], size_mm: [1, 1] },
  kernel_size: 32,
  wavelengths_nm: [685, 532.8, 472.5],
  grid: { shape: [8, 8], sampling: "centre", normalize: "position" },
  output: { dtype: "float16", homography: "per-pixel" },
  psf: {
    type: "gaussian",
    gaussian_type: "elliptical",
    sigma1: 0.08,
    sigma2: 0.2,
    sigma_min: 0.08,
    chromatic: [0.9, 0.5, 0.0],
    chromatic_trans: [0.7, 0.9, 0.7],
  },
};
