/**
 * First-order (paraxial) optics by y-nu ray tracing: focal lengths, principal planes, pupils,
 * f-number, paraxial image positions. Surfaces act through their vertex curvature (plus the r^2
 * asphere term); a `paraxial` surface through its power 1/f.
 */
import { LensSystem, materialBefore, paraxialCurvature } from "./system";

/** A paraxial ray: height y (mm) and reduced angle nu = n * u, at axial position z. */
interface YNu {
  y: number;
  nu: number;
  z: number;
  n: number;
}

function surfacePower(lens: LensSystem, i: number, wavelengthUm: number): number {
  const s = lens.surfaces[i]!;
  if (s.kind === "aperture") return 0;
  if (s.kind === "paraxial") return (s.materialAfter.index(wavelengthUm)) / s.focalLengthMm!;
  const n1 = materialBefore(lens, i).index(wavelengthUm);
  const n2 = s.materialAfter.index(wavelengthUm);
  return paraxialCurvature(s) * (n2 - n1);
}

/** Traces a paraxial ray from its current plane through surfaces [from, to] (inclusive). */
function traceYNu(lens: LensSystem, ray: YNu, from: number, to: number, wavelengthUm: number): YNu {
  let { y, nu, z, n } = ray;
  for (let i = from; i <= to; i++) {
    const s = lens.surfaces[i]!;
    y += ((s.zMm - z) / n) * nu;
    z = s.zMm;
    nu -= y * surfacePower(lens, i, wavelengthUm);
    n = s.materialAfter.index(wavelengthUm);
  }
  return { y, nu, z, n };
}

export interface ParaxialData {
  wavelengthUm: number;
  /** Effective focal length, mm. */
  eflMm: number;
  /** Back focal length: last vertex to the rear focal point, mm. */
  bflMm: number;
  /** Front focal length: front focal point to the first vertex, mm (positive when in front). */
  fflMm: number;
  /** Entrance pupil: axial position (mm) and radius (mm). */
  entrancePupilZMm: number;
  entrancePupilRadiusMm: number;
  /** Exit pupil: axial position and radius, mm. */
  exitPupilZMm: number;
  exitPupilRadiusMm: number;
  /** F-number EFL / entrance pupil diameter (infinite conjugate). */
  fNumber: number;
  /** Rear focal point position, mm. */
  rearFocusZMm: number;
}

/** Paraxial data of the lens at `wavelengthUm`. */
export function paraxial(lens: LensSystem, wavelengthUm: number): ParaxialData {
  const nS = lens.surfaces.length;
  const z0 = lens.surfaces[0]!.zMm;
  const n0 = lens.objectMaterial.index(wavelengthUm);
  const zLast = lens.surfaces[nS - 1]!.zMm;
  // Marginal ray from infinity.
  const a = traceYNu(lens, { y: 1, nu: 0, z: z0, n: n0 }, 0, nS - 1, wavelengthUm);
  const eflMm = -1 / a.nu; // y_in / u_out with n_out = 1 in air; in general n_out * y / (n u) = 1/power
  const uOut = a.nu / a.n;
  const bflMm = -a.y / uOut;
  // Reverse: front focal length from a ray parallel in image space, via symmetry of the power:
  // FFL = EFL * n0 ... computed by tracing (y=0, nu=1) to find the front principal geometry.
  const b = traceYNu(lens, { y: 0, nu: 1, z: z0, n: n0 }, 0, nS - 1, wavelengthUm);
  // Ray entering at angle nu0 = 1 through first vertex with y0 = 0, and ray a (y0 = 1, nu0 = 0):
  // an object-space ray (y0, nu0) leaves with nu = a.nu * y0 + b.nu * nu0. Parallel output (nu = 0)
  // means y0 / nu0 = -b.nu / a.nu: it crosses the axis at z0 - y0 / u0 = the front focal point.
  const fflMm = (-b.nu / a.nu) * n0;

  // Stop imaged into object space (entrance pupil) and image space (exit pupil).
  const st = lens.stopIndex;
  const stop = lens.surfaces[st]!;
  const aS = traceYNu(lens, { y: 1, nu: 0, z: z0, n: n0 }, 0, st, wavelengthUm);
  const bS = traceYNu(lens, { y: 0, nu: 1, z: z0, n: n0 }, 0, st, wavelengthUm);
  // Chief ray: y0 * aS.y + nu0 * bS.y = 0 at the stop -> y0/nu0 = -bS.y / aS.y; crosses axis at z0 - y0/u0.
  const entrancePupilZMm = st === 0 ? stop.zMm : z0 + (bS.y / aS.y) * n0;
  const entrancePupilRadiusMm = st === 0 ? stop.semiDiameterMm : stop.semiDiameterMm / Math.abs(aS.y);
  // Exit pupil: trace from the stop centre with a unit angle and from the stop edge parallel.
  let exitPupilZMm = stop.zMm;
  let exitPupilRadiusMm = stop.semiDiameterMm;
  if (st < nS - 1) {
    const nStop = stop.materialAfter.index(wavelengthUm);
    const c = traceYNu(lens, { y: 0, nu: 1, z: stop.zMm, n: nStop }, st + 1, nS - 1, wavelengthUm);
    const d = traceYNu(lens, { y: 1, nu: 0, z: stop.zMm, n: nStop }, st + 1, nS - 1, wavelengthUm);
    const uc = c.nu / c.n;
    exitPupilZMm = uc !== 0 ? zLast - c.y / uc : Infinity;
    const yd = d.y + (d.nu / d.n) * (exitPupilZMm - zLast);
    exitPupilRadiusMm = stop.semiDiameterMm * Math.abs(yd);
  }
  return {
    wavelengthUm,
    eflMm,
    bflMm,
    fflMm,
    entrancePupilZMm,
    entrancePupilRadiusMm,
    exitPupilZMm,
    exitPupilRadiusMm,
    fNumber: eflMm / (2 * entrancePupilRadiusMm),
    rearFocusZMm: zLast + bflMm,
  };
}

/**
 * Paraxial image position for an axial object at `objectZMm` (finite, in front of the lens; use
 * -Infinity for an object at infinity). Returns the z where the image forms.
 */
export function paraxialImageZ(lens: LensSystem, objectZMm: number, wavelengthUm: number): number {
  const nS = lens.surfaces.length;
  const z0 = lens.surfaces[0]!.zMm;
  const n0 = lens.objectMaterial.index(wavelengthUm);
  const ray: YNu = Number.isFinite(objectZMm)
    ? { y: 0, nu: n0 * 1e-3, z: objectZMm, n: n0 }
    : { y: 1e-3, nu: 0, z: z0, n: n0 };
  const out = traceYNu(lens, ray, 0, nS - 1, wavelengthUm);
  const u = out.nu / out.n;
  return out.z - out.y / u;
}
