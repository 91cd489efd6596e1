/**
 * Builds a LensSystem from a Zemax-style table: one row per surface with radius of curvature,
 * thickness to the next surface and the material after it. Convenient for code and tests.
 */
import { getMaterial } from "../glass/catalog";
import type { Material } from "../glass/dispersion";
import { AIR, LensSystem, Surface, validateLens } from "./system";
import { paraxial, paraxialImageZ } from "./paraxial";

export interface SurfaceRow {
  /** Radius of curvature, mm (Infinity or 0 = flat). */
  radiusMm?: number;
  /** Distance to the next surface (or to the sensor after the last row), mm. */
  thicknessMm: number;
  /** Material after the surface: catalogue name, "nd/Vd", or a Material (default air). */
  material?: string | Material;
  semiDiameterMm?: number;
  conic?: number;
  asphere?: number[];
  /** This row is the aperture stop (a flat row with no material change becomes a pure aperture). */
  stop?: boolean;
  /** An ideal thin lens of this focal length (mm) instead of a refracting surface. */
  paraxialFocalLengthMm?: number;
}

export interface LensTable {
  name?: string;
  rows: SurfaceRow[];
  /** Sensor size [w, h] mm (default 10 x 10). */
  sensorSizeMm?: [number, number];
  /** "paraxial-focus" puts the sensor at the paraxial focus for an object at infinity (at `wavelengthUm`). */
  sensor?: "last-thickness" | "paraxial-focus";
  wavelengthUm?: number;
  objectMaterial?: string | Material;
}

function mat(m: string | Material | undefined): Material {
  if (m === undefined) return AIR;
  return typeof m === "string" ? getMaterial(m) : m;
}

export function buildLens(t: LensTable): LensSystem {
  const surfaces: Surface[] = [];
  let z = 0;
  let stopIndex = 0;
  let prev: Material = mat(t.objectMaterial);
  t.rows.forEach((r, i) => {
    const materialAfter = mat(r.material);
    const R = r.radiusMm ?? Infinity;
    const curvature = !Number.isFinite(R) || R === 0 ? 0 : 1 / R;
    const semi = r.semiDiameterMm ?? Infinity;
    let s: Surface;
    if (r.paraxialFocalLengthMm !== undefined)
      s = { kind: "paraxial", zMm: z, curvature: 0, conic: 0, asphere: [], semiDiameterMm: semi, materialAfter, focalLengthMm: r.paraxialFocalLengthMm };
    else if (r.stop && curvature === 0 && !r.asphere?.length && materialAfter === prev)
      s = { kind: "aperture", zMm: z, curvature: 0, conic: 0, asphere: [], semiDiameterMm: semi, materialAfter };
    else s = { kind: "conic", zMm: z, curvature, conic: r.conic ?? 0, asphere: r.asphere ?? [], semiDiameterMm: semi, materialAfter };
    if (r.stop) stopIndex = i;
    surfaces.push(s);
    prev = materialAfter;
    z += r.thicknessMm;
  });
  const lens: LensSystem = {
    name: t.name ?? "lens",
    surfaces,
    stopIndex,
    sensorZMm: z,
    sensorSizeMm: t.sensorSizeMm ?? [10, 10],
    objectMaterial: mat(t.objectMaterial),
  };
  if (t.sensor === "paraxial-focus") lens.sensorZMm = paraxialImageZ(lens, -Infinity, t.wavelengthUm ?? 0.5875618);
  validateLens(lens);
  return lens;
}

/** Moves the sensor to the paraxial image of an axial object at `depthMm` in front of the first vertex. */
export function refocus(lens: LensSystem, depthMm: number, wavelengthUm = 0.5875618): LensSystem {
  const zObj = Number.isFinite(depthMm) ? lens.surfaces[0]!.zMm + depthMm : -Infinity;
  return { ...lens, sensorZMm: paraxialImageZ(lens, zObj, wavelengthUm) };
}

export { paraxial };
