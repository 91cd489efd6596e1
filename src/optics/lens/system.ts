/**
 * A sequential lens: an ordered list of rotationally symmetric surfaces on the z axis (light travels
 * toward +z), a stop, and a flat sensor. Lengths in millimetres, wavelengths in micrometres.
 */
import type { Material } from "../glass/dispersion";
import { constantIndex } from "../glass/dispersion";
import { InputFileError, SvdError } from "../../util/errors";

/** How a surface bends light. */
export type SurfaceKind =
  /** Conic with optional even-asphere terms: z = c r^2 / (1 + sqrt(1 - (1+k) c^2 r^2)) + sum_i a_i r^(2i+2). */
  | "conic"
  /** A flat aperture that does not refract (the stop, or a baffle). */
  | "aperture"
  /** An ideal (paraxial) thin lens of focal length `focalLengthMm`: images every point perfectly. */
  | "paraxial";

export interface Surface {
  kind: SurfaceKind;
  /** Axial position of the vertex, mm. */
  zMm: number;
  /** Vertex curvature 1/R, 1/mm (0 = flat). */
  curvature: number;
  /** Conic constant k (0 = sphere, -1 = paraboloid). */
  conic: number;
  /** Even-asphere coefficients: asphere[i] multiplies r^(2i+2) (i.e. a2, a4, a6, ...), mm^(1-2i-2). */
  asphere: number[];
  /** Clear semi-diameter, mm: rays landing farther from the axis are vignetted (Infinity = no limit). */
  semiDiameterMm: number;
  /** Medium after the surface (toward the sensor). */
  materialAfter: Material;
  /** Focal length of a `paraxial` surface, mm. */
  focalLengthMm?: number;
}

export interface LensSystem {
  name: string;
  surfaces: Surface[];
  /** Index into `surfaces` of the aperture stop. */
  stopIndex: number;
  /** Axial position of the sensor plane, mm. */
  sensorZMm: number;
  /** Sensor width and height, mm. */
  sensorSizeMm: [number, number];
  /** Medium in object space (air). */
  objectMaterial: Material;
  /** Free text carried from the lens file (design source, notes). */
  info?: string;
}

export const AIR: Material = constantIndex(1, "AIR");

/** Sag z(r^2) relative to the vertex, and dz/d(r^2). NaN when r is outside the conic's domain. */
export function sagAndSlope(s: Surface, r2: number): [number, number] {
  const c = s.curvature;
  const q = 1 - (1 + s.conic) * c * c * r2;
  if (q < 0) return [NaN, NaN];
  const root = Math.sqrt(q);
  let z = (c * r2) / (1 + root);
  let dz = root > 0 ? c / (2 * root) : c === 0 ? 0 : Infinity;
  const a = s.asphere;
  if (a.length) {
    let rp = r2; // r^(2i+2)
    let rpm = 1; // r^(2i)
    for (let i = 0; i < a.length; i++) {
      z += a[i]! * rp;
      dz += (i + 1) * a[i]! * rpm;
      rpm = rp;
      rp *= r2;
    }
  }
  return [z, dz];
}

/** Vertex (paraxial) curvature including the r^2 asphere term: 2 a2 adds to c. */
export function paraxialCurvature(s: Surface): number {
  return s.curvature + 2 * (s.asphere[0] ?? 0);
}

/** validateLens for a lens read from `file`: a broken lens is an InputFileError naming the file. */
export function validateLensFile(lens: LensSystem, file: string): void {
  try {
    validateLens(lens, file);
  } catch (e) {
    throw new InputFileError(file, (e as Error).message.replace(`${file}: `, ""));
  }
}

/** Checks the structural rules every lens must satisfy; `where` names the source for errors. */
export function validateLens(lens: LensSystem, where = lens.name): void {
  if (lens.surfaces.length === 0) throw new SvdError(`${where}: lens has no surfaces`);
  let prev = -Infinity;
  lens.surfaces.forEach((s, i) => {
    if (!Number.isFinite(s.zMm)) throw new SvdError(`${where}: surface ${i}: axial position is ${s.zMm}`);
    if (s.zMm < prev - 1e-9)
      throw new SvdError(`${where}: surface ${i} at z=${s.zMm} mm lies before surface ${i - 1} at z=${prev} mm (negative thickness)`);
    prev = s.zMm;
    if (!(s.semiDiameterMm > 0)) throw new SvdError(`${where}: surface ${i}: semi-diameter must be > 0 mm, found ${s.semiDiameterMm}`);
    if (s.kind === "paraxial" && !(s.focalLengthMm && Number.isFinite(s.focalLengthMm)))
      throw new SvdError(`${where}: surface ${i}: a paraxial surface needs a finite focal length`);
  });
  if (!(lens.stopIndex >= 0 && lens.stopIndex < lens.surfaces.length))
    throw new SvdError(`${where}: stop index ${lens.stopIndex} is not a surface index`);
  if (lens.sensorZMm < prev) throw new SvdError(`${where}: sensor at z=${lens.sensorZMm} mm lies before the last surface (z=${prev} mm)`);
}

/** Medium before surface i. */
export function materialBefore(lens: LensSystem, i: number): Material {
  return i === 0 ? lens.objectMaterial : lens.surfaces[i - 1]!.materialAfter;
}

/** A copy of the lens with the sensor moved. */
export function withSensorAt(lens: LensSystem, sensorZMm: number): LensSystem {
  return { ...lens, sensorZMm };
}

/** Total track from the first vertex to the sensor, mm. */
export function totalTrackMm(lens: LensSystem): number {
  return lens.sensorZMm - lens.surfaces[0]!.zMm;
}
