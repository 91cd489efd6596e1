/**
 * `metasurface`: PSFs of a flat (metasurface) lens by scalar wave optics (src/optics/metasurface,
 * src/optics/wave): the physics the original's DFlat extension used (spec §11).
 *
 * The lens: a square grid of `grid_samples` cells of `dx_um`, a circular aperture of
 * `aperture_radius_mm`, and a phase profile (`phase: hyperbolic` focusing at `focal_length_mm` for
 * `design_wavelength_nm` and `design_depth_mm`, or `polynomial` with `coefficients_rad` over
 * `norm_radius_mm`). With `library` (a cell table, configs/metasurface/) the profile is quantised to
 * the nearest cells at the design wavelength and every channel sees the cells' own response at its
 * wavelength (the metasurface's real dispersion); without it an ideal metasurface is used: the
 * design phase wrapped to [0, 2 pi) at the design wavelength, scaled by design / channel wavelength
 * (a fixed wrapped optical path, hence the diffractive focal shift f ~ 1 / lambda).
 *
 * Field mapping: the field point at centred pixel (xc, yc) (y down) is the image of an object at
 * field angles atan(xc p / z), atan(-yc p / z) (p = pixel pitch, z = lens-sensor distance), or, at
 * finite `depth_mm` (negative), of the point (xc p, -yc p) * |depth| / z. Kernel: upright, row 0 =
 * top, centred on the pinhole image point at (k/2, k/2), sum 1. Metadata: [field_x_rad,
 * field_y_rad, encircled] (encircled = fraction of the aperture's power inside the kernel window).
 */
import * as path from "path";
import { array, integer, number, object, oneOf, optional, string, withDefault } from "../../config/schema";
import { ConfigError } from "../../util/errors";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, type PsfFamily } from "./family";
import {
  CellLibrary,
  LensGrid,
  circularAperture,
  hyperbolicPhase,
  layoutResponse,
  loadCellLibrary,
  metasurfacePsf,
  polynomialPhase,
  quantiseToLibrary,
  wrapPhase,
} from "../../optics/metasurface";

const schema = object({
  ...commonFields,
  focal_length_mm: number({ min: 0 }),
  sensor_distance_mm: optional(number({ min: 0 })),
  aperture_radius_mm: number({ min: 0 }),
  grid_samples: withDefault(integer({ min: 16, max: 4096 }), 256),
  dx_um: withDefault(number({ min: 0 }), 1),
  phase: withDefault(oneOf("hyperbolic", "polynomial"), "hyperbolic"),
  coefficients_rad: optional(array(number())),
  norm_radius_mm: optional(number({ min: 0 })),
  design_wavelength_nm: withDefault(number({ min: 0 }), 532),
  design_depth_mm: withDefault(number(), -Infinity),
  library: optional(string()),
  depth_mm: withDefault(number(), -Infinity),
  method: withDefault(oneOf("asm", "fresnel"), "asm"),
  pixel_pitch_um: optional(number({ min: 0 })),
  padding: withDefault(number({ min: 1 }), 2),
});

export interface MetasurfaceSourceOptions {
  kernelSize: number;
  grid: LensGrid;
  apertureRadiusUm: number;
  designPhase: Float64Array;
  designWavelengthNm: number;
  library?: CellLibrary;
  sensorDistanceUm: number;
  depthMm: number;
  pixelPitchUm: number;
  method: "asm" | "fresnel";
  padding: number;
}

export class MetasurfaceSource implements PsfSource {
  readonly family = "metasurface";
  readonly metadataKeys = ["field_x_rad", "field_y_rad", "encircled"] as const;
  readonly kernelSize: number;
  private readonly aperture: Float64Array;
  private readonly layout?: Int32Array;
  private readonly responses = new Map<number, { amp: Float64Array; phase: Float64Array }>();

  constructor(readonly opts: MetasurfaceSourceOptions) {
    this.kernelSize = opts.kernelSize;
    this.aperture = circularAperture(opts.grid, opts.apertureRadiusUm);
    if (opts.library) this.layout = quantiseToLibrary(opts.library, opts.designPhase, opts.designWavelengthNm).index;
  }

  /** Lens transmission at a wavelength (cached per wavelength). */
  responseAt(wavelengthNm: number): { amp: Float64Array; phase: Float64Array } {
    let r = this.responses.get(wavelengthNm);
    if (!r) {
      if (this.opts.library && this.layout) r = layoutResponse(this.opts.library, this.layout, wavelengthNm);
      else {
        // An ideal metasurface: the design phase wrapped to [0, 2 pi) is a fixed optical path
        // (wrapped phase * lambda_d / 2 pi), so at lambda it becomes wrapped * lambda_d / lambda: the
        // diffractive dispersion of a metalens (focal length ~ 1 / lambda).
        const s = this.opts.designWavelengthNm / wavelengthNm;
        r = { amp: new Float64Array(this.opts.designPhase.length).fill(1), phase: this.opts.designPhase.map((v) => wrapPhase(v) * s) };
      }
      this.responses.set(wavelengthNm, r);
    }
    return r;
  }

  psfAt(p: FieldPoint): PsfSample {
    const o = this.opts;
    const z = o.sensorDistanceUm;
    const xImg = p.xc * o.pixelPitchUm, yImg = -p.yc * o.pixelPitchUm; // upright image coordinates, +y up
    const fieldX = Math.atan(xImg / z), fieldY = Math.atan(yImg / z);
    const source = Number.isFinite(o.depthMm)
      ? { kind: "finite" as const, xUm: (xImg * -o.depthMm * 1000) / z, yUm: (yImg * -o.depthMm * 1000) / z, depthUm: -o.depthMm * 1000 }
      : { kind: "infinite" as const, fieldXRad: fieldX, fieldYRad: fieldY };
    const { amp, phase } = this.responseAt(p.wavelengthNm);
    const psf = metasurfacePsf(
      { grid: o.grid, amp, phase, aperture: this.aperture },
      source,
      { wavelengthUm: p.wavelengthNm / 1000, sensorDistanceUm: z, kernelSize: this.kernelSize, pixelPitchUm: o.pixelPitchUm, method: o.method, pad: o.padding },
    );
    return { kernel: Float32Array.from(psf.kernel), metadata: [fieldX, fieldY, psf.encircled] };
  }
}

export const metasurfaceFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "metasurface",
  description: "scalar wave-optics PSFs of a metasurface lens (hyperbolic/polynomial phase, nanocylinder library)",
  schema,
  create(p, ctx) {
    const key = (k: string) => `${ctx.keyPath}.${k}`;
    const pitch = p.pixel_pitch_um ?? ctx.sensor.pixelPitchUm;
    if (!pitch) throw new ConfigError(ctx.configFile, key("pixel_pitch_um"), "a pixel pitch in um (here or as sensor.pixel_pitch_um)", undefined);
    const grid: LensGrid = { n: p.grid_samples, dxUm: p.dx_um };
    const apertureUm = p.aperture_radius_mm * 1000;
    if (apertureUm > (grid.n * grid.dxUm) / 2)
      throw new ConfigError(ctx.configFile, key("aperture_radius_mm"), `at most half the lens grid (${(grid.n * grid.dxUm) / 2000} mm = grid_samples * dx_um / 2)`, p.aperture_radius_mm);
    if (p.design_depth_mm >= 0) throw new ConfigError(ctx.configFile, key("design_depth_mm"), "a negative depth (mm) or -.inf", p.design_depth_mm);
    if (p.depth_mm >= 0) throw new ConfigError(ctx.configFile, key("depth_mm"), "a negative depth (mm) or -.inf", p.depth_mm);
    let designPhase: Float64Array;
    if (p.phase === "polynomial") {
      if (!p.coefficients_rad?.length) throw new ConfigError(ctx.configFile, key("coefficients_rad"), "a list of phase coefficients (rad) for phase: polynomial", p.coefficients_rad);
      designPhase = polynomialPhase(grid, p.coefficients_rad, (p.norm_radius_mm ?? p.aperture_radius_mm) * 1000);
    } else {
      designPhase = hyperbolicPhase(grid, {
        focalLengthUm: p.focal_length_mm * 1000,
        wavelengthUm: p.design_wavelength_nm / 1000,
        objectDistanceUm: Number.isFinite(p.design_depth_mm) ? -p.design_depth_mm * 1000 : Infinity,
      });
    }
    let library: CellLibrary | undefined;
    if (p.library) {
      try {
        library = loadCellLibrary(path.resolve(path.dirname(ctx.configFile), p.library));
      } catch (e) {
        throw new ConfigError(ctx.configFile, key("library"), "a readable cell library JSON", p.library, (e as Error).message);
      }
    }
    const sensorDistanceUm = (p.sensor_distance_mm ?? p.focal_length_mm) * 1000;
    if (ctx.kernelSize * pitch > grid.n * grid.dxUm)
      throw new ConfigError(ctx.configFile, key("grid_samples"), `a lens grid wider than the kernel window (${ctx.kernelSize} px * ${pitch} um)`, p.grid_samples);
    return new MetasurfaceSource({
      kernelSize: ctx.kernelSize,
      grid,
      apertureRadiusUm: apertureUm,
      designPhase,
      designWavelengthNm: p.design_wavelength_nm,
      library,
      sensorDistanceUm,
      depthMm: p.depth_mm,
      pixelPitchUm: pitch,
      method: p.method,
      padding: p.padding,
    });
  },
};
