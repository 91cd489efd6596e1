/**
 * Inference helpers between HWC images and networks: whole-image restoration (one forward pass,
 * tensors disposed) and scoring restorations of one sharp image against each other.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { clampImage, type ImageHWC } from "../array";
import type { Network } from "../models/network";
import { psnr } from "../metrics/pixel";
import { ssim } from "../metrics/ssim";

/** Runs `network` on one HWC image (batch of 1); returns the restored HWC image. */
export function restoreImage(tf: typeof tfTypes, network: Network, img: ImageHWC): ImageHWC {
  const out = tf.tidy(() => {
    const y = network.apply(tf.tensor4d(img.data, [1, img.height, img.width, img.channels]));
    return { data: y.dataSync() as Float32Array, channels: y.shape[3] };
  });
  return { data: out.data, height: img.height, width: img.width, channels: out.channels };
}

export interface RestorationScore {
  method: string;
  psnr: number;
  ssim: number;
}

/**
 * PSNR and SSIM (src/metrics, data range 1, Gaussian-window SSIM) of each candidate against the
 * sharp image, `crop` pixels removed from every side (deconvolution borders).
 */
export function scoreRestorations(gt: ImageHWC, candidates: Record<string, ImageHWC>, crop = 0): RestorationScore[] {
  const g = clampImage(gt);
  return Object.entries(candidates).map(([method, im]) => ({
    method,
    psnr: psnr(clampImage(im), g, { cropBorder: crop }),
    ssim: ssim(clampImage(im), g, { cropBorder: crop }),
  }));
}

/** Mean PSNR/SSIM per method over several images' scores (method order of the first image). */
export function meanScores(perImage: RestorationScore[][]): RestorationScore[] {
  const first = perImage[0] ?? [];
  return first.map(({ method }) => {
    const rows = perImage.map((r) => r.find((x) => x.method === method)!);
    return { method, psnr: rows.reduce((a, r) => a + r.psnr, 0) / rows.length, ssim: rows.reduce((a, r) => a + r.ssim, 0) / rows.length };
  });
}
