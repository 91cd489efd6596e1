/**
 * Best focus: the sensor plane that minimises the geometric spot size. Past the last surface every
 * ray is a straight line, so a spot's mean-square radius about its centroid is a quadratic in the
 * sensor position z, and its minimum has a closed form (no search): with hits a + u t on the plane
 * z0 + t (u = dx/dz, dy/dz), Var(a + u t) is smallest at t = -Cov(a, u) / Var(u), summed over x
 * and y and over the object points.
 */
import { ArgumentError } from "../../util/errors";
import { paraxial, type ParaxialData } from "./paraxial";
import { launchRays, samplePupil, type ObjectPoint, type PupilSampling } from "./sources";
import { LensSystem, withSensorAt } from "./system";
import { traceRays } from "./trace";

export interface BestFocus {
  /** Sensor position (absolute z, mm) of the smallest mean-square spot radius. */
  sensorZMm: number;
  /** The lens with its sensor moved there. */
  lens: LensSystem;
  /** Root of the mean over object points of the mean-square spot radius there, mm. */
  rmsRadiusMm: number;
  /** The same at the lens's current sensor position, mm (for comparison). */
  rmsRadiusAtCurrentMm: number;
}

export interface BestFocusOptions {
  /** Object points whose spots are minimised together (default: on axis, at infinity). */
  objects?: ObjectPoint[];
  /** Rays per object point (default a 4096-ray golden-angle spiral over the entrance pupil). */
  sampling?: PupilSampling;
  par?: ParaxialData;
}

/** Second moments of one spot's rays on a reference plane, as sums over the live rays. */
interface SpotMoments {
  n: number;
  /** Var(a) + Var(a_y), Cov(a, u) + Cov(a_y, u_y), Var(u) + Var(u_y), each times n. */
  saa: number;
  sau: number;
  suu: number;
}

function spotMoments(lens: LensSystem, object: ObjectPoint, wavelengthUm: number, sampling: PupilSampling, par: ParaxialData): SpotMoments {
  const rays = launchRays(lens, par, object, samplePupil(sampling));
  traceRays(lens, rays, wavelengthUm); // ends on the current sensor plane: the reference plane z0
  let n = 0;
  let [ax, ay, ux, uy] = [0, 0, 0, 0];
  for (let j = 0; j < rays.count; j++) {
    if (!rays.valid[j]) continue;
    n++;
    ax += rays.x[j]!;
    ay += rays.y[j]!;
    ux += rays.dx[j]! / rays.dz[j]!;
    uy += rays.dy[j]! / rays.dz[j]!;
  }
  if (n < 2) throw new ArgumentError("objects", "object points whose rays reach the sensor", `${n} live ray(s) for ${JSON.stringify(object)}`);
  [ax, ay, ux, uy] = [ax / n, ay / n, ux / n, uy / n];
  let saa = 0, sau = 0, suu = 0;
  for (let j = 0; j < rays.count; j++) {
    if (!rays.valid[j]) continue;
    const dax = rays.x[j]! - ax, day = rays.y[j]! - ay;
    const dux = rays.dx[j]! / rays.dz[j]! - ux, duy = rays.dy[j]! / rays.dz[j]! - uy;
    saa += dax * dax + day * day;
    sau += dax * dux + day * duy;
    suu += dux * dux + duy * duy;
  }
  return { n, saa, sau, suu };
}

/**
 * The sensor plane with the smallest RMS spot radius (about each spot's centroid, averaged over
 * `objects` as mean squares) at one wavelength. Exact for the sampled rays: the result's spot is
 * what spotDiagram measures on `lens` with the same rays.
 */
export function bestFocus(lens: LensSystem, wavelengthUm: number, opts: BestFocusOptions = {}): BestFocus {
  const objects = opts.objects ?? [{ kind: "infinite", fieldXRad: 0, fieldYRad: 0 }];
  if (objects.length === 0) throw new ArgumentError("objects", "at least one object point", "[]");
  const sampling = opts.sampling ?? { kind: "spiral", count: 4096 };
  const par = opts.par ?? paraxial(lens, wavelengthUm);
  const moments = objects.map((o) => spotMoments(lens, o, wavelengthUm, sampling, par));
  // Mean over objects of (saa + 2 sau t + suu t^2) / n.
  let A = 0, B = 0, C = 0;
  for (const m of moments) {
    A += m.saa / m.n;
    B += m.sau / m.n;
    C += m.suu / m.n;
  }
  const k = objects.length;
  if (!(C > 0)) throw new ArgumentError("objects", "rays that converge at different angles (a spot that changes with focus)", "parallel rays at the sensor");
  const t = -B / C;
  const ms = Math.max(0, (A + 2 * B * t + C * t * t) / k);
  const sensorZMm = lens.sensorZMm + t;
  return { sensorZMm, lens: withSensorAt(lens, sensorZMm), rmsRadiusMm: Math.sqrt(ms), rmsRadiusAtCurrentMm: Math.sqrt(A / k) };
}
