/**
 * `lens`: PSFs of a real lens design by sequential ray tracing (src/optics/lens), the physics the
 * original delegated to DeepLens' GeoLens.psf (spec §3.7, §10).
 *
 * Field mapping (DeepLens' convention): a field point at centred pixel (xc, yc) has normalised
 * sensor coordinates x_norm = xc / (W//2), y_norm = -yc / (H//2) (+y up); the object point is
 * (x_norm, y_norm) times half the lens' sensor size times the pinhole scale -depth / EFL, at depth
 * `depth_mm` (negative, in front of the first vertex; `.inf` for an object at infinity, then the
 * field angle has tan = image height / EFL). The lens file's own sensor size is kept and only the
 * pixel count follows the grid's sensor (DeepLens' set_sensor), unless `sensor_size_mm` is given.
 * Channel c is traced at wavelengths_nm[c]: list them R, G, B ([685, 532.8, 472.5], the default
 * configs) for physically right colour; the original's ascending [472.5, 532.8, 685] is a config choice.
 *
 * Parameters: lens_file (.json DeepLens or .zmx Zemax, relative to the config file), depth_mm
 * (default -10000, the original's), method (geometric: ray hits splatted bilinearly, DeepLens'
 * psf; wavefront: OPD on the exit pupil -> Fourier PSF, for near-diffraction-limited lenses),
 * rays (spiral pupil samples, default 16384 = DeepLens' spp), centre (chief | centroid | ideal),
 * ray_weight (uniform | cos2), refocus (none | depth: move the sensor to the paraxial image of
 * depth_mm | best: to the plane of the smallest mean-square spot over a 5 x 5 sampling of the
 * sensor at depth_mm and the middle wavelength, optics/lens bestFocus), pupil_samples (wavefront
 * grid). Kernel: upright (image inversion undone), row 0 = top, centre at (k/2, k/2), sum 1. Metadata: [xc, yc, x_norm, y_norm] (the original's deeplens metadata).
 */
import * as path from "path";
import { array, integer, number, object, oneOf, optional, string, withDefault } from "../../config/schema";
import { ConfigError } from "../../util/errors";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, type PsfFamily } from "./family";
import { LensSystem, ParaxialData, bestFocus, fieldToObject, geometricPsf, loadLens, paraxial, refocus, wavefrontPsf, type ObjectPoint } from "../../optics/lens";

/** The d line: the field mapping's EFL is taken there, whatever the channels' wavelengths. */
const D_LINE_UM = 0.5875618;

/** Normalised sensor positions (x, y in [-1, 1]) whose spots `refocus: best` minimises together. */
const FOCUS_FIELD = [-1, -0.5, 0, 0.5, 1];

/** The lens with its sensor at the best focus for objects at `depthMm` over the sensor (5 x 5 positions). */
export function refocusForField(lens: LensSystem, sensorSizeMm: [number, number], depthMm: number, wavelengthUm: number): LensSystem {
  const sized = { ...lens, sensorSizeMm };
  const efl = paraxial(lens, D_LINE_UM).eflMm;
  const objects: ObjectPoint[] = [];
  for (const yn of FOCUS_FIELD) for (const xn of FOCUS_FIELD) objects.push(fieldToObject(sized, efl, xn, yn, depthMm));
  return bestFocus(lens, wavelengthUm, { objects, sampling: { kind: "spiral", count: 1024 } }).lens;
}

const schema = object({
  ...commonFields,
  lens_file: string(),
  depth_mm: withDefault(number(), -10000), // -.inf in YAML = object at infinity
  method: withDefault(oneOf("geometric", "wavefront"), "geometric"),
  rays: withDefault(integer({ min: 16 }), 16384),
  centre: withDefault(oneOf("chief", "centroid", "ideal"), "chief"),
  ray_weight: withDefault(oneOf("uniform", "cos2"), "uniform"),
  refocus: withDefault(oneOf("none", "depth", "best"), "none"),
  pupil_samples: withDefault(integer({ min: 8, max: 1024 }), 64),
  sensor_size_mm: optional(array(number({ min: 0 }), { length: 2 })),
});

export interface LensSourceOptions {
  kernelSize: number;
  /** Sensor pixel counts (the grid's sensor) and the physical sensor size used for the mapping. */
  sensorPx: [number, number]; // [W, H]
  sensorSizeMm: [number, number];
  depthMm: number;
  method: "geometric" | "wavefront";
  rays: number;
  centre: "chief" | "centroid" | "ideal";
  rayWeight: "uniform" | "cos2";
  pupilSamples: number;
}

export class LensSource implements PsfSource {
  readonly family = "lens";
  readonly metadataKeys = ["xc", "yc", "x_norm", "y_norm"] as const;
  readonly kernelSize: number;
  private readonly paraxialCache = new Map<number, ParaxialData>();
  private readonly eflMm: number;

  constructor(
    readonly lens: LensSystem,
    readonly opts: LensSourceOptions,
  ) {
    this.kernelSize = opts.kernelSize;
    this.eflMm = paraxial(lens, D_LINE_UM).eflMm;
  }

  /** Pixel pitch on the sensor, mm (sensor width / pixel count, DeepLens' set_sensor). */
  get pixelPitchMm(): number {
    return this.opts.sensorSizeMm[0] / this.opts.sensorPx[0];
  }

  private paraxialAt(wavelengthUm: number): ParaxialData {
    let p = this.paraxialCache.get(wavelengthUm);
    if (!p) {
      p = paraxial(this.lens, wavelengthUm);
      this.paraxialCache.set(wavelengthUm, p);
    }
    return p;
  }

  psfAt(p: FieldPoint): PsfSample {
    const [W, H] = this.opts.sensorPx;
    const xNorm = p.xc / Math.floor(W / 2);
    const yNorm = -p.yc / Math.floor(H / 2);
    const lens = { ...this.lens, sensorSizeMm: this.opts.sensorSizeMm };
    const object = fieldToObject(lens, this.eflMm, xNorm, yNorm, this.opts.depthMm);
    const wavelengthUm = p.wavelengthNm / 1000;
    const par = this.paraxialAt(wavelengthUm);
    const k = this.kernelSize;
    const res =
      this.opts.method === "wavefront"
        ? wavefrontPsf(lens, object, wavelengthUm, { kernelSize: k, pixelPitchMm: this.pixelPitchMm, pupilSize: this.opts.pupilSamples, paraxialData: par })
        : geometricPsf(lens, object, wavelengthUm, {
            kernelSize: k,
            pixelPitchMm: this.pixelPitchMm,
            sampling: { kind: "spiral", count: this.opts.rays },
            centre: this.opts.centre,
            rayWeight: this.opts.rayWeight,
            paraxialData: par,
          });
    return { kernel: Float32Array.from(res.kernel), metadata: [p.xc, p.yc, xNorm, yNorm] };
  }
}

export const lensFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "lens",
  description: "ray-traced PSFs of a real lens (DeepLens JSON or Zemax .zmx), geometric or wavefront",
  schema,
  create(p, ctx) {
    const file = path.resolve(path.dirname(ctx.configFile), p.lens_file);
    let lens: LensSystem;
    try {
      lens = loadLens(file);
    } catch (e) {
      throw new ConfigError(ctx.configFile, `${ctx.keyPath}.lens_file`, "a readable DeepLens .json or Zemax .zmx lens file", p.lens_file, (e as Error).message);
    }
    if (p.depth_mm >= 0) throw new ConfigError(ctx.configFile, `${ctx.keyPath}.depth_mm`, "a negative depth in mm (object in front of the lens) or -.inf", p.depth_mm);
    const middleWavelengthUm = (ctx.wavelengthsNm[Math.floor(ctx.wavelengthsNm.length / 2)] ?? 587.56) / 1000;
    if (p.refocus === "depth") lens = refocus(lens, p.depth_mm, middleWavelengthUm);
    const sensorSizeMm = (p.sensor_size_mm as [number, number] | undefined) ?? lens.sensorSizeMm;
    if (p.refocus === "best") {
      try {
        lens = refocusForField(lens, sensorSizeMm, p.depth_mm, middleWavelengthUm);
      } catch (e) {
        throw new ConfigError(ctx.configFile, `${ctx.keyPath}.refocus`, "a field whose rays reach the sensor (for 'best')", "best", (e as Error).message);
      }
    }
    return new LensSource(lens, {
      kernelSize: ctx.kernelSize,
      sensorPx: [ctx.sensor.widthPx, ctx.sensor.heightPx],
      sensorSizeMm,
      depthMm: p.depth_mm,
      method: p.method,
      rays: p.rays,
      centre: p.centre,
      rayWeight: p.ray_weight,
      pupilSamples: p.pupil_samples,
    });
  },
};
