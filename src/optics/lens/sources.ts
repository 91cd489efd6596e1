/**
 * Ray bundles launched from an object point (finite distance) or a direction (object at
 * infinity) into the entrance pupil, with three pupil samplings: a golden-angle spiral (even,
 * deterministic, no grid aliasing in PSFs), a square grid (for wavefront maps), and uniform random.
 */
import type { Rng } from "../../util/rng";
import { ArgumentError } from "../../util/errors";
import { RayBundle } from "./rays";
import { LensSystem, sagAndSlope } from "./system";
import { ParaxialData } from "./paraxial";

export type ObjectPoint =
  /**
   * Object at infinity, seen at field angles (radians) from the axis: +x right, +y up (where the
   * object is; its light therefore travels toward -x/-y, and the image forms at -x/-y).
   */
  | { kind: "infinite"; fieldXRad: number; fieldYRad: number }
  /** A point source at (x, y, z) mm; z is absolute (the first lens vertex is usually at 0, so z < 0). */
  | { kind: "finite"; xMm: number; yMm: number; zMm: number };

export type PupilSampling =
  | { kind: "spiral"; count: number }
  | { kind: "grid"; size: number }
  | { kind: "random"; count: number; rng: Rng };

export interface PupilPoints {
  /** Normalised pupil coordinates in the unit disk. */
  px: Float64Array;
  py: Float64Array;
  /** For grid sampling: the grid index (row * size + col) of each point. */
  gridIndex?: Int32Array;
  gridSize?: number;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

export function samplePupil(s: PupilSampling): PupilPoints {
  if (s.kind === "spiral") {
    if (!(s.count >= 1)) throw new ArgumentError("pupil.count", "a positive ray count", s.count);
    const px = new Float64Array(s.count), py = new Float64Array(s.count);
    for (let i = 0; i < s.count; i++) {
      const r = Math.sqrt((i + 0.5) / s.count);
      const a = i * GOLDEN_ANGLE;
      px[i] = r * Math.cos(a);
      py[i] = r * Math.sin(a);
    }
    return { px, py };
  }
  if (s.kind === "random") {
    const px = new Float64Array(s.count), py = new Float64Array(s.count);
    for (let i = 0; i < s.count; i++) {
      const r = Math.sqrt(s.rng.random());
      const a = 2 * Math.PI * s.rng.random();
      px[i] = r * Math.cos(a);
      py[i] = r * Math.sin(a);
    }
    return { px, py };
  }
  const n = s.size;
  if (!(n >= 2)) throw new ArgumentError("pupil.size", "a grid size >= 2", n);
  const xs: number[] = [], ys: number[] = [], idx: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      // Cell centres of an n x n grid over [-1, 1]^2; row 0 = +y (top).
      const x = -1 + (2 * c + 1) / n;
      const y = 1 - (2 * r + 1) / n;
      if (x * x + y * y <= 1) {
        xs.push(x);
        ys.push(y);
        idx.push(r * n + c);
      }
    }
  }
  return { px: Float64Array.from(xs), py: Float64Array.from(ys), gridIndex: Int32Array.from(idx), gridSize: n };
}

/**
 * Rays from `object` through the entrance pupil (scaled by `pupilScale`, e.g. 0.2 for a chief-ray
 * estimate). For an object at infinity the rays start on a plane perpendicular to their common
 * direction, so their optical path lengths start in phase.
 */
export function launchRays(lens: LensSystem, par: ParaxialData, object: ObjectPoint, pupil: PupilPoints, pupilScale = 1): RayBundle {
  const n = pupil.px.length;
  const rays = new RayBundle(n);
  const zEp = par.entrancePupilZMm;
  const rEp = par.entrancePupilRadiusMm * pupilScale;
  const first = lens.surfaces[0]!;
  if (object.kind === "infinite") {
    const tx = -Math.tan(object.fieldXRad), ty = -Math.tan(object.fieldYRad);
    const norm = Math.sqrt(1 + tx * tx + ty * ty);
    const ux = tx / norm, uy = ty / norm, uz = 1 / norm;
    // Start far enough in front of the first surface (its sag at the rim may bulge toward -z).
    const rim = Math.min(first.semiDiameterMm, 1e3);
    const [sagRim] = sagAndSlope(first, rim * rim);
    const zStart = first.zMm - Math.abs(Number.isFinite(sagRim) ? sagRim : rim) - rEp * (Math.abs(tx) + Math.abs(ty)) - 1;
    const l0 = (zEp - zStart) / uz;
    for (let j = 0; j < n; j++) {
      const ex = pupil.px[j]! * rEp, ey = pupil.py[j]! * rEp;
      const lj = ex * ux + ey * uy + l0;
      rays.x[j] = ex - lj * ux;
      rays.y[j] = ey - lj * uy;
      rays.z[j] = zEp - lj * uz;
      rays.dx[j] = ux;
      rays.dy[j] = uy;
      rays.dz[j] = uz;
      rays.px[j] = pupil.px[j]!;
      rays.py[j] = pupil.py[j]!;
    }
  } else {
    if (!(object.zMm < first.zMm)) throw new ArgumentError("object.zMm", `a point in front of the first surface (z < ${first.zMm} mm)`, object.zMm);
    for (let j = 0; j < n; j++) {
      const ex = pupil.px[j]! * rEp, ey = pupil.py[j]! * rEp;
      const vx = ex - object.xMm, vy = ey - object.yMm, vz = zEp - object.zMm;
      const inv = 1 / Math.sqrt(vx * vx + vy * vy + vz * vz);
      rays.x[j] = object.xMm;
      rays.y[j] = object.yMm;
      rays.z[j] = object.zMm;
      rays.dx[j] = vx * inv;
      rays.dy[j] = vy * inv;
      rays.dz[j] = vz * inv;
      rays.px[j] = pupil.px[j]!;
      rays.py[j] = pupil.py[j]!;
    }
  }
  return rays;
}

/**
 * DeepLens' field convention: normalised sensor coordinates (x right, y up, each in [-1, 1] of the
 * sensor half-width/height) at object depth `depthMm` (negative, mm in front of the first vertex)
 * map to an object point through the pinhole scale -depth / EFL. Infinite depth gives field angles
 * with tan(theta) = image height / EFL.
 */
export function fieldToObject(lens: LensSystem, eflMm: number, xNorm: number, yNorm: number, depthMm: number): ObjectPoint {
  const hx = (xNorm * lens.sensorSizeMm[0]) / 2;
  const hy = (yNorm * lens.sensorSizeMm[1]) / 2;
  if (!Number.isFinite(depthMm)) return { kind: "infinite", fieldXRad: Math.atan(hx / eflMm), fieldYRad: Math.atan(hy / eflMm) };
  const scale = -depthMm / eflMm;
  return { kind: "finite", xMm: hx * scale, yMm: hy * scale, zMm: lens.surfaces[0]!.zMm + depthMm };
}
