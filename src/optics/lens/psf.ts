/**
 * Spot diagrams and incoherent (geometric) PSFs from traced rays.
 *
 * Kernel convention (the same as DeepLens' `psf`): the image inversion is undone (hits negated),
 * so a kernel shows the blur as it appears in the upright image; row 0 is the top (+y), the
 * reference point (chief ray, centroid, or ideal image point) sits at pixel (k/2, k/2), each ray
 * is splatted bilinearly, and the kernel sums to 1 (rays outside the window are dropped).
 */
import { ArgumentError } from "../../util/errors";
import { LensSystem } from "./system";
import { ParaxialData, paraxial } from "./paraxial";
import { ObjectPoint, PupilSampling, launchRays, samplePupil } from "./sources";
import { traceRays } from "./trace";
import { RayBundle } from "./rays";

export interface SpotDiagram {
  /** Sensor hit positions of the live rays, mm (sensor coordinates, not inverted). */
  x: Float64Array;
  y: Float64Array;
  /** Centroid, mm. */
  centroidMm: [number, number];
  /** RMS radius about the centroid and the largest distance from it, mm. */
  rmsRadiusMm: number;
  maxRadiusMm: number;
  /** Fraction of launched rays that reached the sensor. */
  transmitted: number;
}

/** Traces `sampling` from `object` to the sensor and returns the surviving hits. */
export function traceToSensor(lens: LensSystem, object: ObjectPoint, wavelengthUm: number, sampling: PupilSampling, par?: ParaxialData, pupilScale = 1): RayBundle {
  const p = par ?? paraxial(lens, wavelengthUm);
  const rays = launchRays(lens, p, object, samplePupil(sampling), pupilScale);
  traceRays(lens, rays, wavelengthUm);
  return rays;
}

export function spotDiagram(lens: LensSystem, object: ObjectPoint, wavelengthUm: number, sampling: PupilSampling = { kind: "spiral", count: 2048 }): SpotDiagram {
  const rays = traceToSensor(lens, object, wavelengthUm, sampling);
  const n = rays.validCount();
  const x = new Float64Array(n), y = new Float64Array(n);
  let k = 0, sx = 0, sy = 0;
  for (let j = 0; j < rays.count; j++) {
    if (!rays.valid[j]) continue;
    x[k] = rays.x[j]!;
    y[k] = rays.y[j]!;
    sx += x[k]!;
    sy += y[k]!;
    k++;
  }
  const cx = n ? sx / n : NaN, cy = n ? sy / n : NaN;
  let s2 = 0, mx = 0;
  for (let i = 0; i < n; i++) {
    const d2 = (x[i]! - cx) ** 2 + (y[i]! - cy) ** 2;
    s2 += d2;
    if (d2 > mx) mx = d2;
  }
  return { x, y, centroidMm: [cx, cy], rmsRadiusMm: n ? Math.sqrt(s2 / n) : NaN, maxRadiusMm: Math.sqrt(mx), transmitted: n / rays.count };
}

export type PsfCentre = "chief" | "centroid" | "ideal" | [number, number];

export interface GeometricPsfOptions {
  kernelSize: number;
  pixelPitchMm: number;
  /** Pupil sampling (default: golden-angle spiral of 16384 rays, DeepLens' spp). */
  sampling?: PupilSampling;
  /**
   * Where the kernel centre sits: "chief" = centroid of rays through the central 20% of the
   * pupil (DeepLens' recenter=True), "centroid" = centroid of all rays, "ideal" = the paraxial
   * (pinhole) image point, or explicit sensor coordinates in mm.
   */
  centre?: PsfCentre;
  /** Ray weight: "uniform" (equal pupil area, radiometrically right) or "cos2" (DeepLens' d_z^2). */
  rayWeight?: "uniform" | "cos2";
  /** Paraxial data at this wavelength, to skip recomputing. */
  paraxialData?: ParaxialData;
}

export interface LensPsf {
  /** (k, k) row-major, sums to 1 (or all zero when no ray landed in the window). */
  kernel: Float64Array;
  kernelSize: number;
  /** Sensor position (mm, not inverted) of the kernel centre. */
  centreMm: [number, number];
  /** Fraction of launched rays that reached the sensor / landed in the window. */
  transmitted: number;
  inWindow: number;
}

function centroidOf(rays: RayBundle): [number, number] {
  let n = 0, sx = 0, sy = 0;
  for (let j = 0; j < rays.count; j++) {
    if (!rays.valid[j]) continue;
    n++;
    sx += rays.x[j]!;
    sy += rays.y[j]!;
  }
  return n ? [sx / n, sy / n] : [NaN, NaN];
}

/** Ideal (paraxial/pinhole) image point of `object` on the sensor plane. */
export function idealImagePoint(lens: LensSystem, par: ParaxialData, object: ObjectPoint): [number, number] {
  if (object.kind === "infinite") {
    return [-par.eflMm * Math.tan(object.fieldXRad), -par.eflMm * Math.tan(object.fieldYRad)];
  }
  const depth = object.zMm - lens.surfaces[0]!.zMm;
  const m = par.eflMm / depth; // DeepLens' pinhole scale, negative: inverted image
  return [object.xMm * m, object.yMm * m];
}

export function resolveCentre(lens: LensSystem, par: ParaxialData, object: ObjectPoint, wavelengthUm: number, centre: PsfCentre, allRays?: RayBundle): [number, number] {
  if (Array.isArray(centre)) return centre;
  if (centre === "ideal") return idealImagePoint(lens, par, object);
  if (centre === "centroid" && allRays) return centroidOf(allRays);
  const chief = traceToSensor(lens, object, wavelengthUm, { kind: "spiral", count: 256 }, par, 0.2);
  const c = centroidOf(chief);
  if (Number.isFinite(c[0])) return c;
  return idealImagePoint(lens, par, object);
}

/** Adds `weight` bilinearly at fractional pixel (row, col) of a (k, k) kernel. */
export function splatBilinear(kernel: Float64Array, k: number, row: number, col: number, weight: number): boolean {
  const r0 = Math.floor(row), c0 = Math.floor(col);
  const fr = row - r0, fc = col - c0;
  if (r0 < -1 || c0 < -1 || r0 >= k || c0 >= k) return false;
  let inside = false;
  const put = (r: number, c: number, w: number) => {
    if (r >= 0 && r < k && c >= 0 && c < k && w > 0) {
      kernel[r * k + c] = kernel[r * k + c]! + w;
      inside = true;
    }
  };
  put(r0, c0, weight * (1 - fr) * (1 - fc));
  put(r0, c0 + 1, weight * (1 - fr) * fc);
  put(r0 + 1, c0, weight * fr * (1 - fc));
  put(r0 + 1, c0 + 1, weight * fr * fc);
  return inside;
}

/** Incoherent PSF of `object` at `wavelengthUm` from ray hits on the sensor. */
export function geometricPsf(lens: LensSystem, object: ObjectPoint, wavelengthUm: number, opts: GeometricPsfOptions): LensPsf {
  const k = opts.kernelSize;
  if (!(Number.isInteger(k) && k >= 1)) throw new ArgumentError("kernelSize", "a positive integer", k);
  if (!(opts.pixelPitchMm > 0)) throw new ArgumentError("pixelPitchMm", "a positive pitch in mm", opts.pixelPitchMm);
  const par = opts.paraxialData ?? paraxial(lens, wavelengthUm);
  const rays = traceToSensor(lens, object, wavelengthUm, opts.sampling ?? { kind: "spiral", count: 16384 }, par);
  const [cx, cy] = resolveCentre(lens, par, object, wavelengthUm, opts.centre ?? "chief", rays);
  const kernel = new Float64Array(k * k);
  const inv = 1 / opts.pixelPitchMm;
  const half = k / 2;
  const cos2 = opts.rayWeight === "cos2";
  let live = 0, landed = 0;
  for (let j = 0; j < rays.count; j++) {
    if (!rays.valid[j]) continue;
    live++;
    const col = half - (rays.x[j]! - cx) * inv;
    const row = half + (rays.y[j]! - cy) * inv;
    const w = cos2 ? rays.dz[j]! * rays.dz[j]! : 1;
    if (splatBilinear(kernel, k, row, col, w)) landed++;
  }
  let sum = 0;
  for (let i = 0; i < kernel.length; i++) sum += kernel[i]!;
  if (sum > 0) for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  return { kernel, kernelSize: k, centreMm: [cx, cy], transmitted: live / rays.count, inWindow: landed / rays.count };
}
