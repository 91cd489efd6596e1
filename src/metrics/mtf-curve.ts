/**
 * MTF curves and the numbers read off them. Frequencies are in cycles per pixel; `toCyclesPerMm`
 * converts with the pixel pitch (f [cy/mm] = f [cy/px] / (pitch [um] * 1e-3)).
 */
import { ArgumentError } from "../util/errors";

export interface MtfCurve {
  /** Spatial frequency, cycles per pixel (increasing, starting at 0). */
  freqCyPx: Float64Array;
  /** Modulation transfer, 1 at zero frequency. */
  mtf: Float64Array;
}

/** cycles/pixel -> cycles/mm for a pixel pitch in micrometres. */
export function toCyclesPerMm(freqCyPx: number, pixelPitchUm: number): number {
  if (!(pixelPitchUm > 0)) throw new ArgumentError("pixelPitchUm", "a positive number", pixelPitchUm);
  return freqCyPx / (pixelPitchUm * 1e-3);
}

export function curveInCyclesPerMm(curve: MtfCurve, pixelPitchUm: number): Float64Array {
  return curve.freqCyPx.map((f) => toCyclesPerMm(f, pixelPitchUm));
}

/**
 * The first frequency where the curve falls to `level` (linear interpolation between samples), e.g.
 * MTF50 = mtfCrossing(curve, 0.5). null when the curve stays above `level` over its whole range.
 */
export function mtfCrossing(curve: MtfCurve, level: number): number | null {
  const { freqCyPx: f, mtf: m } = curve;
  if (m.length === 0) return null;
  if (m[0]! <= level) return f[0]!;
  for (let i = 1; i < m.length; i++) {
    if (m[i]! <= level) {
      const t = (m[i - 1]! - level) / (m[i - 1]! - m[i]!);
      return f[i - 1]! + t * (f[i]! - f[i - 1]!);
    }
  }
  return null;
}

/** Linear interpolation of the curve at frequency `freqCyPx` (NaN outside the sampled range). */
export function mtfAt(curve: MtfCurve, freqCyPx: number): number {
  const { freqCyPx: f, mtf: m } = curve;
  if (!(freqCyPx >= f[0]! && freqCyPx <= f[f.length - 1]!)) return NaN;
  let lo = 0;
  let hi = f.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (f[mid]! <= freqCyPx) lo = mid;
    else hi = mid;
  }
  if (hi === lo) return m[lo]!;
  const t = (freqCyPx - f[lo]!) / (f[hi]! - f[lo]!);
  return m[lo]! + t * (m[hi]! - m[lo]!);
}

/** Gaussian blur of standard deviation sigma (pixels): MTF(f) = exp(-2 pi^2 sigma^2 f^2). */
export function gaussianMtf(freqCyPx: number, sigmaPx: number): number {
  return Math.exp(-2 * Math.PI * Math.PI * sigmaPx * sigmaPx * freqCyPx * freqCyPx);
}

/**
 * Diffraction-limited incoherent MTF of a clear circular pupil:
 * (2/pi) (acos v - v sqrt(1 - v^2)), v = f / f_c, f_c = 1 / (lambda N); 0 beyond the cut-off.
 */
export function diffractionMtf(freqCyPerMm: number, wavelengthNm: number, fNumber: number): number {
  const fc = 1 / (wavelengthNm * 1e-6 * fNumber); // cycles/mm
  const v = Math.abs(freqCyPerMm) / fc;
  if (v >= 1) return 0;
  return (2 / Math.PI) * (Math.acos(v) - v * Math.sqrt(1 - v * v));
}
