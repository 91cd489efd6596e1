/**
 * Diffraction PSFs from the wavefront: rays on a square pupil grid are traced to the exit pupil's
 * reference sphere (centred on the chief ray's sensor hit), their optical path differences form
 * the pupil phase, and the PSF is |FFT(pupil)|^2 (Fraunhofer/Debye), resampled to sensor pixels.
 * Right for designs near the diffraction limit; for large aberrations use `geometricPsf`.
 */
import { fft2InPlace, fftshift2 } from "../../fft";
import { ArgumentError } from "../../util/errors";
import { LensSystem } from "./system";
import { ParaxialData, paraxial } from "./paraxial";
import { ObjectPoint, launchRays, samplePupil } from "./sources";
import { traceRays } from "./trace";
import { LensPsf } from "./psf";

export interface WavefrontMap {
  /** (n, n) OPD in waves (NaN outside the pupil / for vignetted rays), row 0 = pupil top. */
  opdWaves: Float64Array;
  size: number;
  /** Exit pupil sampling on the reference sphere, mm per grid step (x and y). */
  pupilStepMm: [number, number];
  /** Reference sphere radius (exit pupil to image point), mm. */
  referenceRadiusMm: number;
  /** Reference (chief ray) image point on the sensor, mm. */
  imagePointMm: [number, number];
  /** RMS and peak-to-valley OPD over the live pupil, waves. */
  rmsWaves: number;
  pvWaves: number;
}

/** Traces an n x n pupil grid and returns the OPD map referenced to the chief ray's image point. */
export function wavefrontMap(lens: LensSystem, object: ObjectPoint, wavelengthUm: number, size = 64, par?: ParaxialData): WavefrontMap {
  const p = par ?? paraxial(lens, wavelengthUm);
  const pupil = samplePupil({ kind: "grid", size });
  const rays = launchRays(lens, p, object, pupil);
  traceRays(lens, rays, wavelengthUm, { toSensor: false });
  const chief = launchRays(lens, p, object, { px: new Float64Array(1), py: new Float64Array(1) });
  traceRays(lens, chief, wavelengthUm, { toSensor: false });
  if (!chief.valid[0]) throw new ArgumentError("object", "a field point whose chief ray reaches the sensor", object);
  const nImg = lens.surfaces[lens.surfaces.length - 1]!.materialAfter.index(wavelengthUm);
  // Chief ray hit on the sensor = reference point P.
  const tc = (lens.sensorZMm - chief.z[0]!) / chief.dz[0]!;
  const P: [number, number, number] = [chief.x[0]! + tc * chief.dx[0]!, chief.y[0]! + tc * chief.dy[0]!, lens.sensorZMm];
  // Reference sphere through the chief ray's crossing of the exit pupil plane.
  const tXp = (p.exitPupilZMm - chief.z[0]!) / chief.dz[0]!;
  const E = [chief.x[0]! + tXp * chief.dx[0]!, chief.y[0]! + tXp * chief.dy[0]!, p.exitPupilZMm];
  const R = Math.hypot(E[0]! - P[0], E[1]! - P[1], E[2]! - P[2]);
  const toSphere = (x: number, y: number, z: number, dx: number, dy: number, dz: number): [number, number, number, number] => {
    const qx = x - P[0], qy = y - P[1], qz = z - P[2];
    const b = dx * qx + dy * qy + dz * qz;
    const c = qx * qx + qy * qy + qz * qz - R * R;
    const disc = b * b - c;
    if (disc < 0) return [NaN, NaN, NaN, NaN];
    const t = -b - Math.sqrt(disc);
    return [t, x + t * dx, y + t * dy, z + t * dz];
  };
  const [tChief] = toSphere(chief.x[0]!, chief.y[0]!, chief.z[0]!, chief.dx[0]!, chief.dy[0]!, chief.dz[0]!);
  const oplChief = chief.opl[0]! + nImg * tChief!;
  const lambdaMm = wavelengthUm * 1e-3;
  const opd = new Float64Array(size * size).fill(NaN);
  const sx = new Float64Array(size * size).fill(NaN), sy = new Float64Array(size * size).fill(NaN);
  let s1 = 0, s2 = 0, cnt = 0, lo = Infinity, hi = -Infinity;
  for (let j = 0; j < rays.count; j++) {
    if (!rays.valid[j]) continue;
    const [t, hx, hy] = toSphere(rays.x[j]!, rays.y[j]!, rays.z[j]!, rays.dx[j]!, rays.dy[j]!, rays.dz[j]!);
    if (!Number.isFinite(t!)) continue;
    const w = (rays.opl[j]! + nImg * t! - oplChief) / lambdaMm;
    const g = pupil.gridIndex![j]!;
    opd[g] = w;
    sx[g] = hx!;
    sy[g] = hy!;
    s1 += w;
    s2 += w * w;
    cnt++;
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  const mean = cnt ? s1 / cnt : 0;
  // Exit-pupil step: least-squares slope of sphere coordinates against grid column / row.
  const slope = (coord: Float64Array, alongCols: boolean): number => {
    let n = 0, si = 0, sv = 0, sii = 0, siv = 0;
    for (let g = 0; g < size * size; g++) {
      const v = coord[g]!;
      if (!Number.isFinite(v)) continue;
      const i = alongCols ? g % size : Math.floor(g / size);
      n++;
      si += i;
      sv += v;
      sii += i * i;
      siv += i * v;
    }
    return Math.abs((n * siv - si * sv) / (n * sii - si * si));
  };
  return {
    opdWaves: opd,
    size,
    pupilStepMm: [slope(sx, true), slope(sy, false)],
    referenceRadiusMm: R,
    imagePointMm: [P[0], P[1]],
    rmsWaves: cnt ? Math.sqrt(Math.max(0, s2 / cnt - mean * mean)) : NaN,
    pvWaves: hi - lo,
  };
}

export interface WavefrontPsfOptions {
  kernelSize: number;
  pixelPitchMm: number;
  /** Pupil grid size n (default 64; raised automatically when the kernel window needs it). */
  pupilSize?: number;
  /** Fine samples per sensor pixel along each axis (default 4). */
  oversample?: number;
  paraxialData?: ParaxialData;
}

/**
 * Fourier-optics PSF at the sensor, same kernel convention as `geometricPsf` (upright, row 0 = top,
 * centre = chief-ray image point at pixel (k/2, k/2), sum 1).
 */
export function wavefrontPsf(lens: LensSystem, object: ObjectPoint, wavelengthUm: number, opts: WavefrontPsfOptions): LensPsf & { wavefront: WavefrontMap; fineStepMm: number } {
  const k = opts.kernelSize;
  const pitch = opts.pixelPitchMm;
  const os = opts.oversample ?? 4;
  const par = opts.paraxialData ?? paraxial(lens, wavelengthUm);
  const lambdaMm = wavelengthUm * 1e-3;
  let n = opts.pupilSize ?? 64;
  let wf = wavefrontMap(lens, object, wavelengthUm, n, par);
  // The FFT window spans lambda R / step; it must cover the kernel (k * pitch) with margin.
  for (let it = 0; it < 4; it++) {
    const step = Math.max(wf.pupilStepMm[0], wf.pupilStepMm[1]);
    const window = (lambdaMm * wf.referenceRadiusMm) / step;
    if (window >= 1.5 * k * pitch || n >= 1024) break;
    n = Math.min(1024, Math.ceil((n * 1.5 * k * pitch) / window));
    wf = wavefrontMap(lens, object, wavelengthUm, n, par);
  }
  const step = 0.5 * (wf.pupilStepMm[0] + wf.pupilStepMm[1]);
  // FFT size m gives a fine image step lambda R / (m step); aim for pitch / os.
  const m = Math.max(2 * n, Math.ceil((lambdaMm * wf.referenceRadiusMm * os) / (step * pitch)));
  const fine = (lambdaMm * wf.referenceRadiusMm) / (m * step);
  const field = new Float64Array(2 * m * m);
  const off = Math.floor(m / 2) - Math.floor(n / 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const w = wf.opdWaves[r * n + c]!;
      if (!Number.isFinite(w)) continue;
      // Pupil row 0 is +y; the field grid's row index grows with +y, so flip rows.
      const rr = off + (n - 1 - r), cc = off + c;
      const ph = 2 * Math.PI * w;
      field[2 * (rr * m + cc)] = Math.cos(ph);
      field[2 * (rr * m + cc) + 1] = Math.sin(ph);
    }
  }
  // Converging wave: the distance from a sphere point xS to the image point P + x is R - xS x / R,
  // so the image amplitude is sum A exp(i k W) exp(-i k xS x / R): a forward DFT whose output
  // index grows with +x (a tilt W = xS d / R moves the peak to x = +d, as ray optics says).
  fft2InPlace(field, m, m, false);
  const inten = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) inten[i] = field[2 * i]! ** 2 + field[2 * i + 1]! ** 2;
  const img = fftshift2(inten, m, m); // index m/2 <-> x = 0 (the reference point); row index grows with +y
  // Resample: kernel pixel (row, col) covers x = -(col - k/2) pitch, y = (row - k/2) pitch (upright view).
  const kernel = new Float64Array(k * k);
  const cm = Math.floor(m / 2);
  const sample = (yMm: number, xMm: number): number => {
    const fr = cm + yMm / fine, fc = cm + xMm / fine;
    const r0 = Math.floor(fr), c0 = Math.floor(fc);
    if (r0 < 0 || c0 < 0 || r0 + 1 >= m || c0 + 1 >= m) return 0;
    const a = fr - r0, b = fc - c0;
    return (
      img[r0 * m + c0]! * (1 - a) * (1 - b) + img[r0 * m + c0 + 1]! * (1 - a) * b + img[(r0 + 1) * m + c0]! * a * (1 - b) + img[(r0 + 1) * m + c0 + 1]! * a * b
    );
  };
  let sum = 0;
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < k; col++) {
      let acc = 0;
      for (let i = 0; i < os; i++) {
        for (let j = 0; j < os; j++) {
          const dy = (row - k / 2 - 0.5 + (i + 0.5) / os) * pitch;
          const dx = -(col - k / 2 - 0.5 + (j + 0.5) / os) * pitch;
          acc += sample(dy, dx);
        }
      }
      kernel[row * k + col] = acc;
      sum += acc;
    }
  }
  if (sum > 0) for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  let live = 0;
  for (let i = 0; i < wf.opdWaves.length; i++) if (Number.isFinite(wf.opdWaves[i]!)) live++;
  return { kernel, kernelSize: k, centreMm: wf.imagePointMm, transmitted: live, inWindow: 1, wavefront: wf, fineStepMm: fine };
}
