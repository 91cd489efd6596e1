/**
 * Fourier optics: pupil function -> PSF on the sensor's pixel grid.
 *
 * Physics (Fraunhofer / Fourier optics, scalar, small angles). An aberrated circular pupil of
 * diameter D focuses at distance f (working f-number N = f/D). The image-plane field is the Fourier
 * transform of the pupil function P(x, y) = A(x, y) exp(i 2 pi W(x, y)), with W the wavefront error
 * in waves, evaluated at spatial frequency (u, v) / (lambda f):
 *     U(u, v) = integral P(x, y) exp(-2 pi i (x u + y v) / (lambda f)) dx dy,   PSF = |U|^2.
 *
 * Sampling derivation. Sample the pupil with spacing dx on an M x M grid (zero padded around the
 * aperture). The DFT then returns U at image-plane spacing
 *     du = lambda f / (M dx).
 * If the pupil diameter spans Np samples (dx = D / Np), this is
 *     du = lambda N Np / M = lambda N / padding,      padding := M / Np.
 * We want du to equal the pixel pitch p divided by an integer oversampling q (q samples per pixel
 * per axis, later summed = pixel integration), so
 *     padding = q lambda N / p,     Np = M / padding   (a real number: the aperture is drawn with
 *                                                       sub-sample accuracy, not rounded).
 * q is chosen as the smallest integer giving padding >= minPadding (default 2: samples at or below
 * the Nyquist spacing lambda N / 2 of the intensity, whose cut-off frequency is 1 / (lambda N)).
 * M is the smallest power of two with M >= minPupilSamples * padding and M >= k q (the field of
 * view M du must hold the k-pixel kernel), unless given explicitly. The DFT's periodic field of
 * view is M du = lambda N Np: energy spread further than that (strong aberrations) wraps around, so
 * raise `pupilSamples` for strongly aberrated PSFs.
 *
 * Centre and orientation. The optical axis falls on the centre of kernel pixel (c, c),
 * c = floor(k/2) (= k/2 for even k, the original's convention). Pupil x grows with the image column
 * and y with the image row (downward); the phase enters as exp(+i 2 pi W), so a positive x-tilt
 * (W = a * x_n, x_n = pupil x / pupil radius, a in waves) moves the PSF by +2 a lambda N along +x.
 * In general the centroid moves by 2 lambda N <dW/dx_n> (amplitude-weighted mean gradient).
 * For even q the fine samples sit half a sample off the DFT grid; a linear phase ramp of half a
 * sample in the pupil shifts the DFT grid onto them.
 *
 * Computation. Only the ~Np rows/columns of the padded pupil that hold the aperture are non-zero
 * and only k q output rows/columns are kept, so the 2D DFT is pruned: FFT the non-zero rows, keep
 * the k q needed columns, FFT those columns, keep the k q needed rows. Cost ~ (Np + k q) M log M
 * instead of 2 M^2 log M. All buffers, the aperture geometry and the Zernike basis evaluations are
 * cached in the model object, so repeated PSFs allocate nothing but the returned kernel.
 */
import { ArgumentError } from "../util/errors";
import { fftPlan, nextPowerOfTwo } from "../fft";
import { type ZernikeMode, zernikeBasis } from "./zernike";

export interface PupilSamplingOptions {
  /** Wavelength of the channel, nanometres. */
  wavelengthNm: number;
  /** Image-space working f-number N = f / D. */
  fNumber: number;
  /** Sensor pixel pitch, micrometres. */
  pixelPitchUm: number;
  /** Output kernel side k in pixels. */
  kernelSize: number;
  /** Minimum number of samples across the pupil diameter (default 64). */
  pupilSamples?: number;
  /** Minimum zero-padding factor M / Np (default 2, Nyquist sampling of the intensity). */
  padding?: number;
  /** Explicit FFT size M (any integer; powers of two are fastest). Overrides the automatic choice. */
  fftSize?: number;
  /** Explicit oversampling q (samples per pixel per axis). Default: smallest q with padding >= `padding`. */
  oversample?: number;
}

/** The resolved sampling: every number needed to reproduce the computation. */
export interface PupilSampling {
  wavelengthNm: number;
  fNumber: number;
  pixelPitchUm: number;
  kernelSize: number;
  /** q: fine samples per pixel per axis (q x q fine samples are summed into one pixel). */
  oversample: number;
  /** M: side of the padded pupil grid / the FFT. */
  fftSize: number;
  /** M / Np = q lambda N / pitch. */
  padding: number;
  /** Np: pupil diameter in samples (real). */
  pupilDiameterSamples: number;
  /** du = pitch / q = lambda N / padding: focal-plane sample spacing, micrometres. */
  sampleSpacingUm: number;
}

function positive(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new ArgumentError(name, "a positive number", v);
}

export function planPupilSampling(o: PupilSamplingOptions): PupilSampling {
  positive("wavelengthNm", o.wavelengthNm);
  positive("fNumber", o.fNumber);
  positive("pixelPitchUm", o.pixelPitchUm);
  if (!Number.isInteger(o.kernelSize) || o.kernelSize < 1) throw new ArgumentError("kernelSize", "a positive integer", o.kernelSize);
  positive("pupilSamples", o.pupilSamples);
  positive("padding", o.padding);
  if (o.oversample !== undefined && !(Number.isInteger(o.oversample) && o.oversample >= 1))
    throw new ArgumentError("oversample", "an integer >= 1", o.oversample);
  if (o.fftSize !== undefined && !(Number.isInteger(o.fftSize) && o.fftSize >= 2)) throw new ArgumentError("fftSize", "an integer >= 2", o.fftSize);

  const lambdaN = (o.wavelengthNm / 1000) * o.fNumber; // micrometres
  const minPadding = o.padding ?? 2;
  const minPupil = o.pupilSamples ?? 64;
  const q = o.oversample ?? Math.max(1, Math.ceil((minPadding * o.pixelPitchUm) / lambdaN - 1e-9));
  const padding = (q * lambdaN) / o.pixelPitchUm;
  const kq = o.kernelSize * q;
  const M = o.fftSize ?? nextPowerOfTwo(Math.max(Math.ceil(minPupil * padding - 1e-9), kq, 8));
  const Np = M / padding;
  if (M < kq) throw new ArgumentError("fftSize", `an FFT size >= kernelSize * oversample = ${kq}`, M);
  // The aperture plus one sample of anti-aliased edge on each side must fit inside the grid.
  if (Np + 4 > M)
    throw new ArgumentError(
      "oversample",
      `a value giving padding q*lambda*N/pitch > 1 (pupil of ${Np.toFixed(1)} samples must fit in the ${M}-point FFT)`,
      q,
    );
  if (Np < 8) throw new ArgumentError("fftSize", `a size giving at least 8 samples across the pupil (got ${Np.toFixed(2)})`, M);
  return {
    wavelengthNm: o.wavelengthNm,
    fNumber: o.fNumber,
    pixelPitchUm: o.pixelPitchUm,
    kernelSize: o.kernelSize,
    oversample: q,
    fftSize: M,
    padding,
    pupilDiameterSamples: Np,
    sampleSpacingUm: o.pixelPitchUm / q,
  };
}

export interface ApertureOptions {
  /** Central obscuration: diameter ratio in [0, 1) (0 = clear circular aperture). */
  obscuration?: number;
  /** Gaussian amplitude apodization exp(-rho^2 / (2 sigma^2)), sigma in pupil radii (omit = uniform). */
  apodizationSigma?: number;
  /** Sub-samples per axis for the grey-level edge of the aperture (1 = hard edge). Default 8. */
  edgeSupersampling?: number;
}

/** Wavefront as Zernike coefficients. */
export interface ZernikeWavefront {
  modes: readonly ZernikeMode[];
  /** One coefficient per mode (orthonormal Zernike, so each is an RMS contribution). */
  coefficients: ArrayLike<number>;
  /** "waves" at this model's wavelength, or "um" of optical path difference. */
  unit: "waves" | "um";
}

export interface PupilPsf {
  /** k*k kernel, row-major, sum 1, optical axis at pixel (floor(k/2), floor(k/2)). */
  kernel: Float32Array;
  /** Fraction of the PSF's total energy that falls inside the k*k window (before normalisation). */
  energyInKernel: number;
  /** Strehl ratio: on-axis intensity relative to the unaberrated pupil, |sum P|^2 / (sum A)^2. */
  strehl: number;
}

/** One pupil sample inside the aperture. */
interface PupilGeometry {
  nPts: number;
  /** Normalised pupil coordinates (unit = pupil radius), x right, y down. */
  x: Float64Array;
  y: Float64Array;
  /** Amplitude (aperture area fraction x apodization). */
  amp: Float64Array;
  /** Column / row index in the unshifted M-grid (pupil centre at index 0, wrapped). */
  col: Int32Array;
  /** Phase ramp (radians) that moves the DFT grid by half a sample for even q; 0 otherwise. */
  ramp: Float64Array;
  /** cos / sin of `ramp`, or null when there is no ramp (odd q). */
  rampCos: Float64Array | null;
  rampSin: Float64Array | null;
  /** Points are sorted by row: row r of the aperture holds points [rowStart[r], rowStart[r+1]). */
  rowStart: Int32Array;
  /** M-grid row index of each aperture row. */
  rowIndex: Int32Array;
  sumAmp: number;
  sumAmp2: number;
}

function buildGeometry(s: PupilSampling, ap: Required<Pick<ApertureOptions, "obscuration" | "edgeSupersampling">> & ApertureOptions): PupilGeometry {
  const M = s.fftSize;
  const Np = s.pupilDiameterSamples;
  const eps = ap.obscuration;
  const ss = ap.edgeSupersampling;
  const h = Math.ceil(Np / 2) + 1;
  const cell = 2 / Np; // one sample in normalised units
  const halfDiag = cell * Math.SQRT1_2;
  const inside = (rx: number, ry: number): boolean => {
    const r = Math.hypot(rx, ry);
    return r <= 1 && r >= eps;
  };
  // For even q, shift the DFT output grid by +1/2 sample (see header): multiply by exp(-i pi n / M).
  const delta = s.oversample % 2 === 0 ? 0.5 : 0;
  const xs: number[] = [], ys: number[] = [], amps: number[] = [], cols: number[] = [], ramps: number[] = [];
  const rowStart: number[] = [], rowIndex: number[] = [];
  for (let dy = -h; dy <= h; dy++) {
    const start = xs.length;
    for (let dx = -h; dx <= h; dx++) {
      const x = dx * cell, y = dy * cell;
      const r = Math.hypot(x, y);
      let frac: number;
      const nearEdge = Math.abs(r - 1) <= halfDiag || (eps > 0 && Math.abs(r - eps) <= halfDiag);
      if (!nearEdge || ss <= 1) frac = inside(x, y) ? 1 : 0;
      else {
        // Area fraction of the sample cell inside the aperture, by ss x ss sub-samples.
        let cnt = 0;
        for (let a = 0; a < ss; a++)
          for (let b = 0; b < ss; b++) if (inside(x + ((a + 0.5) / ss - 0.5) * cell, y + ((b + 0.5) / ss - 0.5) * cell)) cnt++;
        frac = cnt / (ss * ss);
      }
      if (frac === 0) continue;
      const apod = ap.apodizationSigma !== undefined ? Math.exp(-(r * r) / (2 * ap.apodizationSigma * ap.apodizationSigma)) : 1;
      xs.push(x);
      ys.push(y);
      amps.push(frac * apod);
      cols.push(((dx % M) + M) % M);
      ramps.push((-2 * Math.PI * delta * (dx + dy)) / M);
    }
    if (xs.length > start) {
      rowStart.push(start);
      rowIndex.push(((dy % M) + M) % M);
    }
  }
  rowStart.push(xs.length);
  let sumAmp = 0, sumAmp2 = 0;
  for (const a of amps) {
    sumAmp += a;
    sumAmp2 += a * a;
  }
  return {
    nPts: xs.length,
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    amp: Float64Array.from(amps),
    col: Int32Array.from(cols),
    ramp: Float64Array.from(ramps),
    rampCos: delta === 0 ? null : Float64Array.from(ramps, Math.cos),
    rampSin: delta === 0 ? null : Float64Array.from(ramps, Math.sin),
    rowStart: Int32Array.from(rowStart),
    rowIndex: Int32Array.from(rowIndex),
    sumAmp,
    sumAmp2,
  };
}

/**
 * PSF model for one sampling (wavelength, f-number, pitch, kernel size, FFT size) and aperture.
 * Holds every cache; get shared instances through `fourierPsfModel`.
 */
export class FourierPsfModel {
  readonly sampling: PupilSampling;
  readonly aperture: Readonly<ApertureOptions>;
  private readonly g: PupilGeometry;
  private readonly basisCache = new Map<string, Float64Array>();
  /** M-grid output index of each fine sample along one axis (length k q). */
  private readonly outIndex: Int32Array;
  private readonly phase: Float64Array;
  private readonly fieldRe: Float64Array;
  private readonly fieldIm: Float64Array;
  private readonly lineIn: Float64Array;
  private readonly lineOut: Float64Array;
  /** Row-transformed data at the needed columns: (kq columns, nRows) interleaved complex. */
  private readonly colData: Float64Array;
  private readonly fine: Float64Array;

  constructor(sampling: PupilSampling, aperture: ApertureOptions = {}) {
    const obscuration = aperture.obscuration ?? 0;
    if (!(obscuration >= 0 && obscuration < 1)) throw new ArgumentError("obscuration", "a diameter ratio in [0, 1)", obscuration);
    const edgeSupersampling = aperture.edgeSupersampling ?? 8;
    if (!(Number.isInteger(edgeSupersampling) && edgeSupersampling >= 1))
      throw new ArgumentError("edgeSupersampling", "an integer >= 1", edgeSupersampling);
    positive("apodizationSigma", aperture.apodizationSigma);
    this.sampling = sampling;
    this.aperture = { ...aperture, obscuration, edgeSupersampling };
    this.g = buildGeometry(sampling, { ...aperture, obscuration, edgeSupersampling });
    const { fftSize: M, oversample: q, kernelSize: k } = sampling;
    const kq = k * q;
    const c = Math.floor(k / 2);
    this.outIndex = new Int32Array(kq);
    for (let f = 0; f < kq; f++) {
      const t = f - c * q - Math.floor(q / 2);
      this.outIndex[f] = ((t % M) + M) % M;
    }
    const n = this.g.nPts;
    this.phase = new Float64Array(n);
    this.fieldRe = new Float64Array(n);
    this.fieldIm = new Float64Array(n);
    this.lineIn = new Float64Array(2 * M);
    this.lineOut = new Float64Array(2 * M);
    this.colData = new Float64Array(2 * kq * (this.g.rowStart.length - 1));
    this.fine = new Float64Array(kq * kq);
  }

  /** Number of pupil samples inside the aperture. */
  get pupilPointCount(): number {
    return this.g.nPts;
  }

  /** Normalised pupil coordinates (x right, y down, unit = pupil radius) and amplitudes of the samples. */
  pupilPoints(): { x: Float64Array; y: Float64Array; amplitude: Float64Array } {
    return { x: this.g.x, y: this.g.y, amplitude: this.g.amp };
  }

  /** Zernike modes evaluated at the pupil samples, (modes, points) row-major; cached per mode list. */
  basis(modes: readonly ZernikeMode[]): Float64Array {
    const key = modes.map((md) => `${md.n},${md.m}`).join(";");
    let b = this.basisCache.get(key);
    if (!b) {
      b = zernikeBasis(modes, this.g.x, this.g.y);
      if (this.basisCache.size >= 16) this.basisCache.delete(this.basisCache.keys().next().value as string);
      this.basisCache.set(key, b);
    }
    return b;
  }

  /** Phase in radians at each pupil sample for a Zernike wavefront. Returns an internal buffer. */
  private zernikePhase(w: ZernikeWavefront): Float64Array {
    const nModes = w.modes.length;
    if (w.coefficients.length !== nModes)
      throw new ArgumentError("coefficients", `${nModes} numbers (one per mode)`, Array.from(w.coefficients));
    const toWaves = w.unit === "waves" ? 1 : 1000 / this.sampling.wavelengthNm;
    const B = this.basis(w.modes);
    const n = this.g.nPts;
    const ph = this.phase;
    ph.fill(0);
    for (let k = 0; k < nModes; k++) {
      const ck = 2 * Math.PI * toWaves * w.coefficients[k]!;
      if (ck === 0) continue;
      const off = k * n;
      for (let i = 0; i < n; i++) ph[i] = ph[i]! + ck * B[off + i]!;
    }
    return ph;
  }

  /** PSF of a Zernike wavefront. */
  psf(w: ZernikeWavefront, out?: Float32Array): PupilPsf {
    return this.psfFromPhase(this.zernikePhase(w), out);
  }

  /**
   * PSF for an arbitrary pupil phase (radians, one value per pupil sample in `pupilPoints()` order).
   */
  psfFromPhase(phaseRad: ArrayLike<number>, out?: Float32Array): PupilPsf {
    const g = this.g;
    if (phaseRad.length !== g.nPts) throw new ArgumentError("phaseRad", `${g.nPts} values (one per pupil sample)`, phaseRad.length);
    const { fftSize: M, oversample: q, kernelSize: k } = this.sampling;
    const kq = k * q;
    const plan = fftPlan(M);
    const { fieldRe, fieldIm, lineIn, lineOut, colData, fine, outIndex } = this;
    const nRows = g.rowStart.length - 1;

    // Pupil field with the half-sample ramp folded in; the on-axis sum (no ramp) gives the Strehl ratio.
    let sRe = 0, sIm = 0;
    const { rampCos, rampSin } = g;
    for (let i = 0; i < g.nPts; i++) {
      const p = phaseRad[i]!;
      const a = g.amp[i]!;
      const re = a * Math.cos(p), im = a * Math.sin(p);
      sRe += re;
      sIm += im;
      if (rampCos && rampSin) {
        // (re + i im) * exp(i ramp), with cos/sin of the ramp cached.
        const rc = rampCos[i]!, rs = rampSin[i]!;
        fieldRe[i] = re * rc - im * rs;
        fieldIm[i] = re * rs + im * rc;
      } else {
        fieldRe[i] = re;
        fieldIm[i] = im;
      }
    }

    // Stage 1: FFT each non-zero row along x; keep the kq needed columns.
    for (let r = 0; r < nRows; r++) {
      lineIn.fill(0);
      for (let i = g.rowStart[r]!; i < g.rowStart[r + 1]!; i++) {
        const cIdx = g.col[i]!;
        lineIn[2 * cIdx] = fieldRe[i]!;
        lineIn[2 * cIdx + 1] = fieldIm[i]!;
      }
      plan.forward(lineIn, lineOut);
      for (let f = 0; f < kq; f++) {
        const u = outIndex[f]!;
        const d = 2 * (f * nRows + r);
        colData[d] = lineOut[2 * u]!;
        colData[d + 1] = lineOut[2 * u + 1]!;
      }
    }
    // Stage 2: FFT each needed column along y; keep the kq needed rows; intensity.
    let windowSum = 0;
    for (let f = 0; f < kq; f++) {
      lineIn.fill(0);
      for (let r = 0; r < nRows; r++) {
        const v = g.rowIndex[r]!;
        const d = 2 * (f * nRows + r);
        lineIn[2 * v] = colData[d]!;
        lineIn[2 * v + 1] = colData[d + 1]!;
      }
      plan.forward(lineIn, lineOut);
      for (let gRow = 0; gRow < kq; gRow++) {
        const u = outIndex[gRow]!;
        const re = lineOut[2 * u]!, im = lineOut[2 * u + 1]!;
        const val = re * re + im * im;
        fine[gRow * kq + f] = val;
        windowSum += val;
      }
    }

    // Pixel integration: sum q x q fine samples per pixel, then normalise to sum 1.
    const kernel = out ?? new Float32Array(k * k);
    if (kernel.length !== k * k) throw new ArgumentError("out", `a Float32Array of length ${k * k}`, kernel.length);
    const inv = windowSum > 0 ? 1 / windowSum : 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let acc = 0;
        for (let a = 0; a < q; a++) {
          const rowOff = (i * q + a) * kq + j * q;
          for (let b = 0; b < q; b++) acc += fine[rowOff + b]!;
        }
        kernel[i * k + j] = acc * inv;
      }
    // Parseval: the DFT over all M^2 outputs carries M^2 * sum |P|^2.
    const total = M * M * g.sumAmp2;
    return {
      kernel,
      energyInKernel: windowSum / total,
      strehl: (sRe * sRe + sIm * sIm) / (g.sumAmp * g.sumAmp),
    };
  }

  /**
   * The full padded pupil field (M x M interleaved complex, pupil centre at index (0, 0) as an FFT
   * expects, i.e. ifftshift-ed) for a given phase. For checks and visualisation, not the hot path.
   */
  pupilField(phaseRad: ArrayLike<number>): Float64Array {
    const g = this.g;
    const M = this.sampling.fftSize;
    const out = new Float64Array(2 * M * M);
    for (let r = 0; r < g.rowStart.length - 1; r++)
      for (let i = g.rowStart[r]!; i < g.rowStart[r + 1]!; i++) {
        const d = 2 * (g.rowIndex[r]! * M + g.col[i]!);
        const p = phaseRad[i]! + g.ramp[i]!;
        out[d] = g.amp[i]! * Math.cos(p);
        out[d + 1] = g.amp[i]! * Math.sin(p);
      }
    return out;
  }

  /** Indices into the M-grid (per axis) that the k q fine samples are read from. */
  fineSampleIndices(): Int32Array {
    return this.outIndex;
  }
}

const modelCache = new Map<string, FourierPsfModel>();

/** A shared, cached FourierPsfModel for this sampling and aperture (at most 32 kept). */
export function fourierPsfModel(sampling: PupilSampling, aperture: ApertureOptions = {}): FourierPsfModel {
  const key = JSON.stringify([sampling, aperture.obscuration ?? 0, aperture.apodizationSigma ?? null, aperture.edgeSupersampling ?? 8]);
  let m = modelCache.get(key);
  if (!m) {
    m = new FourierPsfModel(sampling, aperture);
    if (modelCache.size >= 32) modelCache.delete(modelCache.keys().next().value as string);
    modelCache.set(key, m);
  }
  return m;
}

/** One-call convenience: the PSF of a Zernike wavefront with the given sampling and aperture. */
export function zernikePsf(
  sampling: PupilSamplingOptions,
  wavefront: ZernikeWavefront,
  aperture: ApertureOptions = {},
): PupilPsf {
  return fourierPsfModel(planPupilSampling(sampling), aperture).psf(wavefront);
}
