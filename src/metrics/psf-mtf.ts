/**
 * MTF from point spread functions.
 *
 * - `otfMagnitude`: |FFT2(psf / sum psf)|, fftshifted so zero frequency sits at (floor(k/2), floor(k/2))
 *   (the original's utils/mtf.get_mtf MTF2D, per PSF).
 * - `directionalMtf`: the MTF along one frequency direction, evaluated exactly as the discrete-time
 *   Fourier transform |sum_p psf(p) exp(-2 pi i f (x_p cos a + y_p sin a))| at the requested
 *   frequencies (no interpolation of the 2D grid, so any direction is exact).
 * - `radialMtf`: the rotational average of the 2D OTF magnitude over annuli of one frequency bin.
 * - `psfMtf`: sagittal / tangential / radial curves of one PSF at a field position plus MTF50/MTF30.
 *
 * Directions (image coordinates: x = column to the right, y = row downward). The tangential
 * (meridional) curve is the MTF for frequencies along the field direction (from the optical axis
 * towards the PSF's image position), the sagittal curve for frequencies perpendicular to it. On the
 * axis (field radius 0) tangential is taken along y and sagittal along x.
 * Frequencies default to 0, 1/k, ..., 1/2 cycles/pixel (the FFT bins up to Nyquist).
 * Unlike the original (which labels DC as 1 df and divides by the global maximum over all PSFs),
 * each curve is the true MTF: frequency 0 at index 0 and MTF(0) = 1 (docs/compat.md).
 */
import { ArgumentError } from "../util/errors";
import { fft2InPlace, fftshift2 } from "../fft";
import { MtfCurve, mtfCrossing, toCyclesPerMm } from "./mtf-curve";

function checkPsf(psf: ArrayLike<number>, k: number): number {
  if (!(Number.isInteger(k) && k >= 2) || psf.length !== k * k) {
    throw new ArgumentError("psf", `a k*k kernel with k >= 2 (k = ${k} -> ${k * k} values)`, `${psf.length} values`);
  }
  let s = 0;
  for (let i = 0; i < psf.length; i++) s += psf[i]!;
  if (!(s > 0) || !Number.isFinite(s)) throw new ArgumentError("psf", "a kernel with a positive finite sum", s);
  return s;
}

/** |OTF| of a k x k PSF, fftshifted (DC at [floor(k/2), floor(k/2)]), normalised to 1 at DC. */
export function otfMagnitude(psf: ArrayLike<number>, k: number): Float64Array {
  const s = checkPsf(psf, k);
  const z = new Float64Array(2 * k * k);
  for (let i = 0; i < k * k; i++) z[2 * i] = psf[i]! / s;
  fft2InPlace(z, k, k, false);
  const mag = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) mag[i] = Math.hypot(z[2 * i]!, z[2 * i + 1]!);
  return fftshift2(mag, k, k);
}

/** Default frequency samples 0, 1/k, ..., floor(k/2)/k cycles/pixel. */
export function defaultFrequencies(k: number): Float64Array {
  const n = Math.floor(k / 2) + 1;
  return Float64Array.from({ length: n }, (_, i) => i / k);
}

/**
 * MTF along the direction at angle `angleRad` from the +x axis (towards +y), at `freqCyPx`
 * (evenly spaced from 0 is fastest; any increasing list works).
 */
export function directionalMtf(psf: ArrayLike<number>, k: number, angleRad: number, freqCyPx?: ArrayLike<number>): MtfCurve {
  const s = checkPsf(psf, k);
  const freqs = Float64Array.from(freqCyPx ?? defaultFrequencies(k));
  const ca = Math.cos(angleRad);
  const sa = Math.sin(angleRad);
  const c0 = Math.floor(k / 2);
  // Non-zero samples only: their weight and projected coordinate s = x cos a + y sin a.
  const w: number[] = [];
  const proj: number[] = [];
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++) {
      const v = psf[y * k + x]!;
      if (v !== 0) {
        w.push(v / s);
        proj.push((x - c0) * ca + (y - c0) * sa);
      }
    }
  const n = w.length;
  const mtf = new Float64Array(freqs.length);
  const evenlySpaced = freqs.length > 2 && freqs.every((f, i) => i === 0 || Math.abs(f - freqs[i - 1]! - (freqs[1]! - freqs[0]!)) < 1e-12);
  if (evenlySpaced && freqs[0] === 0) {
    // Rotate each sample's phasor by exp(-2 pi i df s) per step instead of calling cos/sin per frequency.
    const df = freqs[1]! - freqs[0]!;
    const pre = new Float64Array(n).fill(1);
    const pim = new Float64Array(n);
    const zre = new Float64Array(n);
    const zim = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      zre[i] = Math.cos(-2 * Math.PI * df * proj[i]!);
      zim[i] = Math.sin(-2 * Math.PI * df * proj[i]!);
    }
    for (let m = 0; m < freqs.length; m++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        const a = pre[i]!;
        const b = pim[i]!;
        re += wi * a;
        im += wi * b;
        pre[i] = a * zre[i]! - b * zim[i]!;
        pim[i] = a * zim[i]! + b * zre[i]!;
      }
      mtf[m] = Math.hypot(re, im);
    }
  } else {
    for (let m = 0; m < freqs.length; m++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < n; i++) {
        const ph = -2 * Math.PI * freqs[m]! * proj[i]!;
        re += w[i]! * Math.cos(ph);
        im += w[i]! * Math.sin(ph);
      }
      mtf[m] = Math.hypot(re, im);
    }
  }
  return { freqCyPx: freqs, mtf };
}

/**
 * Rotational average of an fftshifted k x k OTF magnitude: bin m averages the samples whose radius
 * (in cycles/pixel) rounds to m/k, for m = 0 .. floor(k/2).
 */
export function radialMtf(otfShifted: Float64Array, k: number): MtfCurve {
  const nb = Math.floor(k / 2) + 1;
  const sum = new Float64Array(nb);
  const cnt = new Float64Array(nb);
  const c0 = Math.floor(k / 2);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++) {
      const b = Math.round(Math.hypot(x - c0, y - c0));
      if (b < nb) {
        sum[b]! += otfShifted[y * k + x]!;
        cnt[b]!++;
      }
    }
  return { freqCyPx: defaultFrequencies(k), mtf: sum.map((s, i) => s / cnt[i]!) };
}

export interface PsfMtfOptions {
  /** Field position of the PSF relative to the optical axis, pixels [dy, dx] (default on axis). */
  fieldOffsetPx?: [number, number];
  /** Pixel pitch, micrometres: adds cycles/mm axes and MTF50/MTF30 in cycles/mm. */
  pixelPitchUm?: number;
  /** Frequencies in cycles/pixel (default 0 .. 1/2 in steps of 1/k). */
  freqCyPx?: ArrayLike<number>;
  /** Also compute the 2D OTF and the radial average (default true). */
  radial?: boolean;
}

export interface MtfSummary {
  /** cycles/pixel; null if the curve never falls that low */
  mtf50: number | null;
  mtf30: number | null;
  /** cycles/mm (when the pixel pitch is known) */
  mtf50CyPerMm?: number | null;
  mtf30CyPerMm?: number | null;
}

export interface PsfMtf {
  tangential: MtfCurve;
  sagittal: MtfCurve;
  radial?: MtfCurve;
  /** cycles/mm axis of the directional curves when pixelPitchUm is given */
  freqCyPerMm?: Float64Array;
  /** direction of the tangential frequency axis, radians from +x toward +y */
  tangentialAngleRad: number;
  summary: { tangential: MtfSummary; sagittal: MtfSummary; radial?: MtfSummary };
}

export function summarize(curve: MtfCurve, pixelPitchUm?: number): MtfSummary {
  const mtf50 = mtfCrossing(curve, 0.5);
  const mtf30 = mtfCrossing(curve, 0.3);
  const out: MtfSummary = { mtf50, mtf30 };
  if (pixelPitchUm !== undefined) {
    out.mtf50CyPerMm = mtf50 === null ? null : toCyclesPerMm(mtf50, pixelPitchUm);
    out.mtf30CyPerMm = mtf30 === null ? null : toCyclesPerMm(mtf30, pixelPitchUm);
  }
  return out;
}

/** Sagittal, tangential (and radial) MTF of one k x k PSF. */
export function psfMtf(psf: ArrayLike<number>, k: number, opts: PsfMtfOptions = {}): PsfMtf {
  const [dy, dx] = opts.fieldOffsetPx ?? [0, 0];
  const onAxis = Math.hypot(dx, dy) < 1e-9;
  const tangentialAngleRad = onAxis ? Math.PI / 2 : Math.atan2(dy, dx);
  const freqs = opts.freqCyPx ?? defaultFrequencies(k);
  const tangential = directionalMtf(psf, k, tangentialAngleRad, freqs);
  const sagittal = directionalMtf(psf, k, tangentialAngleRad + Math.PI / 2, freqs);
  const pitch = opts.pixelPitchUm;
  const result: PsfMtf = {
    tangential,
    sagittal,
    tangentialAngleRad,
    summary: { tangential: summarize(tangential, pitch), sagittal: summarize(sagittal, pitch) },
  };
  if (opts.radial ?? true) {
    result.radial = radialMtf(otfMagnitude(psf, k), k);
    result.summary.radial = summarize(result.radial, pitch);
  }
  if (pitch !== undefined) result.freqCyPerMm = tangential.freqCyPx.map((f) => toCyclesPerMm(f, pitch));
  return result;
}
