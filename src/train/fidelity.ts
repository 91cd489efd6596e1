import { mse } from "../metrics/pixel";

/**
 * MSE and PSNR (dB, for a data range `peak`) of two HWC images after trimming `crop` pixels per side,
 * through src/metrics. PSNR stays finite (MSE floored at 1e-20) so JSONL logs and CSVs stay numeric.
 */
export function psnrMse(a: Float32Array, b: Float32Array, H: number, W: number, C: number, crop: number, peak: number): { mse: number; psnr: number } {
  const m = mse({ data: a, shape: [H, W, C] }, { data: b, shape: [H, W, C] }, { cropBorder: crop });
  return { mse: m, psnr: 10 * Math.log10((peak * peak) / Math.max(m, 1e-20)) };
}
