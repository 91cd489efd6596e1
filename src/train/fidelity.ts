import type { ImageHWC } from "../array";
import { mse } from "../metrics/pixel";

export interface PsnrMseOptions {
  /** Pixels trimmed from every side before comparing. */
  crop: number;
  /** Data range for PSNR (full white minus black). */
  peak: number;
}

/**
 * MSE and PSNR (dB, for a data range `peak`) of two HWC images after trimming `crop` pixels per side,
 * through src/metrics. PSNR stays finite (MSE floored at 1e-20) so JSONL logs and CSVs stay numeric.
 */
export function psnrMse(a: ImageHWC, b: ImageHWC, { crop, peak }: PsnrMseOptions): { mse: number; psnr: number } {
  const m = mse(a, b, { cropBorder: crop });
  return { mse: m, psnr: 10 * Math.log10((peak * peak) / Math.max(m, 1e-20)) };
}
