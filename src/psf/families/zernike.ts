/**
 * `zernike`: PSFs of an aberrated circular pupil by Fourier optics (src/optics/pupil.ts), with the
 * wavefront given as Zernike coefficients that may vary over the field (spec §3.6, made physical).
 *
 * Conventions (see src/optics/zernike.ts): orthonormal (RMS-normalised) Zernike modes, pupil x
 * right / y down; `ordering` (osa: j from 0, or noll: j from 1) is the index convention of
 * `coefficients` and of the metadata. Coefficients are in `unit`:
 *   waves  waves at each channel's own wavelength (same phase in every channel), or
 *   um     micrometres of optical path difference (phase 2 pi W / lambda: red channels see less).
 *
 * The wavefront at a field point is the sum of three optional parts:
 *   coefficients  constant; one list, or one list per channel
 *   field         a rotationally symmetric lens: for each entry {mode: [n, m >= 0], c: [c0, c1, ...]}
 *                 the mode (n, m) has coefficient c(h) = sum_p c[p] h^p in the field point's
 *                 meridional frame, h = r / R (r: distance from the image centre, R: half the
 *                 sensor diagonal). It is rotated to the sensor frame by the field azimuth
 *                 phi = atan2(yc, xc): c(n, +m) += c(h) cos(m phi), c(n, -m) += c(h) sin(m phi).
 *                 E.g. astigmatism {mode: [2, 2], c: [0, 0, 0.2]} grows as h^2 and points radially.
 *   random        per position, drawn from the position's random stream (the grid hands every
 *                 channel the same stream, so all channels share one wavefront): every mode with
 *                 2 <= n <= max_order (n >= 1 with include_tilt) gets N(0, s_i^2),
 *                 s_i = (std + field_std h^field_power) exp(-decay t_i^2), t_i = linspace(0, 20, count)
 *                 (the original's spectral envelope has decay 0.01; default 0 = flat).
 *
 * Optics parameters: f_number (image-space working N), pixel_pitch_um (default: sensor.pixel_pitch_um),
 * pupil_samples (minimum samples across the pupil), padding (minimum M / Np, 2 = Nyquist), fft_size
 * and oversample (explicit overrides), obscuration (diameter ratio), apodization_sigma (Gaussian
 * amplitude, pupil radii). Kernel: k x k, optical axis at pixel (k//2, k//2), sum 1 before the
 * channel transmission.
 * Metadata per position and channel: the coefficients of modes first..first+count-1 in `ordering`
 * (in `unit`), then the Strehl ratio and the fraction of the PSF's energy inside the kernel.
 *
 * compat: svd-v2 reproduces the original exactly (spec §3.6): `radial_order` (the original's kwarg n), Noll modes
 * 1..(n+1)(n+2)/2 on a k-point grid linspace(-1, 1), aperture rho < 0.33, phase in radians with
 * std 1.86590 exp(-0.005 t_i^2), psf = fftshift(|FFT2(ifftshift(mask exp(-i phase)))|^2) at k x k
 * (no padding, no physical units, not normalised); metadata: the coefficients.
 */
import { array, boolean, integer, number, object, oneOf, optional, withDefault, type Schema, type Context } from "../../config/schema";
import { ConfigError } from "../../util/errors";
import type { Rng } from "../../util/rng";
import {
  fourierPsfModel,
  planPupilSampling,
  type FourierPsfModel,
  type ApertureOptions,
  type PupilSamplingOptions,
} from "../../optics/pupil";
import {
  firstIndex,
  indexToNm,
  modesInOrder,
  nmToIndex,
  zernikeBasis,
  zernikeModeCount,
  type ZernikeMode,
  type ZernikeOrdering,
} from "../../optics/zernike";
import { complexAbs2, fft2InPlace, fftshift2, ifftshift2 } from "../../fft";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, type FamilyContext, type PsfFamily } from "./family";

/** A field-law term: mode (n, m >= 0) with coefficient sum_p c[p] h^p in the meridional frame. */
export interface FieldTerm {
  n: number;
  m: number;
  c: number[];
}

export interface RandomLaw {
  maxOrder: number;
  includeTilt: boolean;
  std: number;
  fieldStd: number;
  fieldPower: number;
  decay: number;
}

export interface ZernikeSourceOptions {
  kernelSize: number;
  fNumber: number;
  pixelPitchUm: number;
  ordering: ZernikeOrdering;
  unit: "waves" | "um";
  /** Constant coefficients per channel (index i = mode firstIndex(ordering) + i); empty = none. */
  coefficients: readonly (readonly number[])[];
  field: readonly FieldTerm[];
  random?: RandomLaw;
  pupilSamples?: number;
  padding?: number;
  fftSize?: number;
  oversample?: number;
  aperture?: ApertureOptions;
}

/** The clean, physical zernike source. */
export class ZernikeSource implements PsfSource {
  readonly family = "zernike";
  readonly kernelSize: number;
  readonly metadataKeys: readonly string[];
  /** Modes first..first+count-1 of the ordering: every mode any part of the law touches. */
  readonly modes: readonly ZernikeMode[];
  private readonly randomSlots: Int32Array;
  private readonly randomEnvelope: Float64Array;
  private readonly models = new Map<number, FourierPsfModel>();
  private readonly coef: Float64Array;

  constructor(readonly options: ZernikeSourceOptions) {
    this.kernelSize = options.kernelSize;
    const ord = options.ordering;
    const first = firstIndex(ord);
    let maxOrder = 0;
    for (const list of options.coefficients)
      for (let i = 0; i < list.length; i++) if (list[i] !== 0) maxOrder = Math.max(maxOrder, indexToNm(first + i, ord).n);
    for (const t of options.field) maxOrder = Math.max(maxOrder, t.n);
    if (options.random) maxOrder = Math.max(maxOrder, options.random.maxOrder);
    // Enough consecutive indices to hold every mode of order <= maxOrder, and every given coefficient.
    let count = zernikeModeCount(maxOrder);
    for (const list of options.coefficients) count = Math.max(count, list.length);
    this.modes = modesInOrder(count, ord);
    this.metadataKeys = [...this.modes.map((_, i) => `${ord}${first + i}`), "strehl", "energy_in_kernel"];
    this.coef = new Float64Array(count);
    const slots: number[] = [];
    if (options.random) {
      const minN = options.random.includeTilt ? 1 : 2;
      this.modes.forEach((md, i) => {
        if (md.n >= minN && md.n <= options.random!.maxOrder) slots.push(i);
      });
    }
    this.randomSlots = Int32Array.from(slots);
    this.randomEnvelope = new Float64Array(slots.length);
    const decay = options.random?.decay ?? 0;
    for (let s = 0; s < slots.length; s++) {
      const t = slots.length > 1 ? (20 * s) / (slots.length - 1) : 0;
      this.randomEnvelope[s] = Math.exp(-decay * t * t);
    }
  }

  /** The cached Fourier model for one wavelength (one per channel in practice). */
  modelFor(wavelengthNm: number): FourierPsfModel {
    let m = this.models.get(wavelengthNm);
    if (!m) {
      const o = this.options;
      const sampling: PupilSamplingOptions = {
        wavelengthNm,
        fNumber: o.fNumber,
        pixelPitchUm: o.pixelPitchUm,
        kernelSize: o.kernelSize,
        pupilSamples: o.pupilSamples,
        padding: o.padding,
        fftSize: o.fftSize,
        oversample: o.oversample,
      };
      m = fourierPsfModel(planPupilSampling(sampling), o.aperture ?? {});
      this.models.set(wavelengthNm, m);
    }
    return m;
  }

  /**
   * The coefficient vector (modes in `this.modes` order, in `unit`) at a field point. Consumes
   * random numbers from `rng` only when a random law is set. Returns an internal buffer.
   */
  coefficientsAt(p: FieldPoint, rng: Rng): Float64Array {
    const o = this.options;
    const c = this.coef;
    c.fill(0);
    const given = o.coefficients.length === 0 ? undefined : (o.coefficients[p.channel] ?? o.coefficients[0]);
    if (given) for (let i = 0; i < given.length; i++) c[i] = given[i]!;
    const h = Math.hypot(p.xc, p.yc) / p.fieldRadiusPx;
    if (o.field.length > 0) {
      const phi = Math.atan2(p.yc, p.xc);
      const first = firstIndex(o.ordering);
      for (const t of o.field) {
        let v = 0;
        for (let e = t.c.length - 1; e >= 0; e--) v = v * h + t.c[e]!;
        if (t.m === 0) c[nmToIndex(t.n, 0, o.ordering) - first] += v;
        else {
          c[nmToIndex(t.n, t.m, o.ordering) - first] += v * Math.cos(t.m * phi);
          c[nmToIndex(t.n, -t.m, o.ordering) - first] += v * Math.sin(t.m * phi);
        }
      }
    }
    if (o.random) {
      const s = o.random.std + o.random.fieldStd * Math.pow(h, o.random.fieldPower);
      for (let i = 0; i < this.randomSlots.length; i++) c[this.randomSlots[i]!] += rng.normal(0, s * this.randomEnvelope[i]!);
    }
    return c;
  }

  psfAt(p: FieldPoint, rng: Rng): PsfSample {
    const coefficients = this.coefficientsAt(p, rng);
    const r = this.modelFor(p.wavelengthNm).psf({ modes: this.modes, coefficients, unit: this.options.unit });
    return { kernel: r.kernel, metadata: [...coefficients, r.strehl, r.energyInKernel] };
  }
}

/** The original's zernike PSF (spec §3.6), for compat: svd-v2. */
export class SvdV2ZernikeSource implements PsfSource {
  readonly family = "zernike";
  readonly metadataKeys: readonly string[];
  private readonly count: number;
  /** Phase basis on the in-aperture grid points, (count, nPts). */
  private readonly basis: Float64Array;
  private readonly ptIndex: Int32Array;
  private readonly std: Float64Array;
  private readonly field: Float64Array;
  private readonly shifted: Float64Array;
  private readonly z: Float64Array;

  constructor(readonly kernelSize: number, readonly radialOrder: number) {
    const k = kernelSize;
    this.count = zernikeModeCount(radialOrder);
    this.metadataKeys = Array.from({ length: this.count }, (_, i) => `noll${i + 1}`);
    const xs: number[] = [], ys: number[] = [], idx: number[] = [];
    const lin = (i: number) => (k === 1 ? -1 : -1 + (2 * i) / (k - 1)); // numpy linspace(-1, 1, k)
    const D = 0.33;
    for (let r = 0; r < k; r++)
      for (let cc = 0; cc < k; cc++) {
        const x = lin(cc), y = lin(r);
        if (Math.hypot(x, y) < D) {
          xs.push(x);
          ys.push(y);
          idx.push(r * k + cc);
        }
      }
    this.basis = zernikeBasis(modesInOrder(this.count, "noll"), xs, ys);
    this.ptIndex = Int32Array.from(idx);
    // L = diag(sqrt(exp(-0.01 t_i^2) sqrt(4 / D))), t = linspace(0, 20, N).
    this.std = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const t = this.count > 1 ? (20 * i) / (this.count - 1) : 0;
      this.std[i] = Math.sqrt(Math.exp(-0.01 * t * t) * Math.sqrt(4 / D));
    }
    this.field = new Float64Array(2 * k * k);
    this.shifted = new Float64Array(2 * k * k);
    this.z = new Float64Array(this.count);
  }

  /** PSF for given Noll coefficients z (radians), exactly as the original computes it. */
  psfFromCoefficients(z: ArrayLike<number>): Float32Array {
    const k = this.kernelSize;
    const nPts = this.ptIndex.length;
    this.field.fill(0);
    for (let i = 0; i < nPts; i++) {
      let phase = 0;
      for (let j = 0; j < this.count; j++) phase += z[j]! * this.basis[j * nPts + i]!;
      const d = 2 * this.ptIndex[i]!;
      this.field[d] = Math.cos(phase); // exp(-i phase)
      this.field[d + 1] = -Math.sin(phase);
    }
    ifftshift2(this.field, k, k, 2, this.shifted);
    fft2InPlace(this.shifted, k, k);
    const intensity = fftshift2(complexAbs2(this.shifted), k, k);
    return Float32Array.from(intensity);
  }

  psfAt(_p: FieldPoint, rng: Rng): PsfSample {
    for (let i = 0; i < this.count; i++) this.z[i] = rng.normal() * this.std[i]!;
    return { kernel: this.psfFromCoefficients(this.z), metadata: Array.from(this.z) };
  }
}

// ---- config ----------------------------------------------------------------------------------

/** A list of numbers, or a list of per-channel lists. */
const coefficientLists: Schema<number[][]> = {
  expected: "a list of numbers, or one list of numbers per channel",
  parse(v: unknown, path: string, ctx: Context) {
    if (Array.isArray(v) && v.length > 0 && v.every((x) => Array.isArray(x)))
      return v.map((list, i) => array(number()).parse(list, `${path}[${i}]`, ctx));
    return [array(number()).parse(v, path, ctx)];
  },
};

// A mode is written `mode: [n, m]`: bare `n`/`y` keys would read as booleans under YAML 1.1.
const fieldTermSchema = object({
  mode: array(integer({ min: 0 }), { length: 2 }),
  c: array(number(), { minLength: 1 }),
});

const randomSchema = object({
  max_order: withDefault(integer({ min: 1, max: 30 }), 4),
  include_tilt: withDefault(boolean(), false),
  std: withDefault(number({ min: 0 }), 0.02),
  field_std: withDefault(number({ min: 0 }), 0),
  field_power: withDefault(number({ min: 0 }), 2),
  decay: withDefault(number({ min: 0 }), 0),
});

const schema = object({
  ...commonFields,
  f_number: optional(number({ min: Number.MIN_VALUE })),
  pixel_pitch_um: optional(number({ min: Number.MIN_VALUE })),
  ordering: withDefault(oneOf("osa", "noll"), "osa"),
  unit: withDefault(oneOf("waves", "um"), "waves"),
  coefficients: optional(coefficientLists),
  field: withDefault(array(fieldTermSchema), []),
  random: optional(randomSchema),
  pupil_samples: withDefault(integer({ min: 8 }), 64),
  padding: withDefault(number({ min: 1 }), 2),
  fft_size: optional(integer({ min: 2 })),
  oversample: optional(integer({ min: 1 })),
  obscuration: withDefault(number({ min: 0, max: 0.99 }), 0),
  apodization_sigma: optional(number({ min: Number.MIN_VALUE })),
  /** The original's kwarg `n`: radial order of its random law (used under compat: svd-v2 only). */
  radial_order: optional(integer({ min: 0, max: 30 })),
});

type ZernikeSection = ReturnType<typeof schema.parse>;

function buildSource(p: ZernikeSection, ctx: FamilyContext): PsfSource {
  const where = (key: string) => `${ctx.keyPath}.${key}`;
  if (ctx.compat === "svd-v2") {
    if (p.radial_order === undefined)
      throw new ConfigError(ctx.configFile, where("radial_order"), "an integer radial order (the original's kwarg n)", undefined, "required under compat: svd-v2");
    return new SvdV2ZernikeSource(ctx.kernelSize, p.radial_order);
  }
  if (p.f_number === undefined) throw new ConfigError(ctx.configFile, where("f_number"), "a positive number (image-space working f-number)", undefined, "required");
  const pitch = p.pixel_pitch_um ?? ctx.sensor.pixelPitchUm;
  if (pitch === undefined)
    throw new ConfigError(ctx.configFile, where("pixel_pitch_um"), "a pixel pitch in micrometres (here or as sensor.pixel_pitch_um)", undefined, "required");
  const nCh = ctx.wavelengthsNm.length;
  const coefficients = p.coefficients ?? [];
  if (coefficients.length > 1 && coefficients.length !== nCh)
    throw new ConfigError(ctx.configFile, where("coefficients"), `one list, or ${nCh} lists (one per channel)`, p.coefficients);
  const field: FieldTerm[] = p.field.map((t, i) => {
    const [n, m] = t.mode as [number, number];
    if (m > n || (n - m) % 2 !== 0)
      throw new ConfigError(ctx.configFile, `${where("field")}[${i}].mode`, "[n, m] with 0 <= m <= n and n - m even", t.mode);
    return { n, m, c: t.c };
  });
  // Random law: explicit section, or the original's `n` as its order.
  const random: RandomLaw | undefined = p.random
    ? { maxOrder: p.random.max_order, includeTilt: p.random.include_tilt, std: p.random.std, fieldStd: p.random.field_std, fieldPower: p.random.field_power, decay: p.random.decay }
    : undefined;
  if (p.radial_order !== undefined)
    throw new ConfigError(ctx.configFile, where("radial_order"), "no radial_order outside compat: svd-v2 (use random.max_order)", p.radial_order);
  try {
    const source = new ZernikeSource({
      kernelSize: ctx.kernelSize,
      fNumber: p.f_number,
      pixelPitchUm: pitch,
      ordering: p.ordering,
      unit: p.unit,
      coefficients,
      field,
      random,
      pupilSamples: p.pupil_samples,
      padding: p.padding,
      fftSize: p.fft_size,
      oversample: p.oversample,
      aperture: { obscuration: p.obscuration, apodizationSigma: p.apodization_sigma },
    });
    // Plan every channel now so that impossible sampling fails before any work, naming the key.
    for (const w of ctx.wavelengthsNm) source.modelFor(w);
    return source;
  } catch (e) {
    const arg = (e as { argument?: string }).argument;
    if (arg) {
      const key = { fftSize: "fft_size", oversample: "oversample", obscuration: "obscuration", apodizationSigma: "apodization_sigma" }[arg] ?? arg;
      throw new ConfigError(ctx.configFile, where(key), "a value giving a valid pupil sampling", (p as Record<string, unknown>)[key], (e as Error).message);
    }
    throw e;
  }
}

export const zernikeFamily: PsfFamily<ZernikeSection> = {
  name: "zernike",
  description: "aberrated circular pupil -> PSF by FFT (Zernike coefficients: constant, field law, random), physical sampling",
  schema,
  create: buildSource,
};
