/**
 * Sequential real-ray tracing: exact intersection with conic/aspheric surfaces, vector Snell
 * refraction, vignetting at clear apertures, total internal reflection (ray dropped).
 */
import { RayBundle } from "./rays";
import { LensSystem, Surface, materialBefore } from "./system";

export interface TraceOptions {
  /** Stop after this surface index (inclusive); default: all surfaces, then the sensor plane. */
  lastSurface?: number;
  /** Propagate to the sensor plane after the last surface (default true when tracing all surfaces). */
  toSensor?: boolean;
  /** Record (x, y, z) after each surface, for drawing: path[s] = {x, y, z} copies. */
  recordPath?: boolean;
  /** Ignore clear apertures (for paraxial-like diagnostics); default false. */
  ignoreApertures?: boolean;
}

export interface TracePath {
  x: Float64Array[];
  y: Float64Array[];
  z: Float64Array[];
}

/** Newton iterations used to refine intersections with aspheric terms. */
const NEWTON_ITERS = 12;
const NEWTON_TOL_MM = 1e-12;

/**
 * Traces `rays` in place through the lens at `wavelengthUm`. Returns the recorded path when
 * asked (start point first, then one entry per surface, then the sensor).
 */
export function traceRays(lens: LensSystem, rays: RayBundle, wavelengthUm: number, opts: TraceOptions = {}): TracePath | undefined {
  const last = opts.lastSurface ?? lens.surfaces.length - 1;
  const toSensor = opts.toSensor ?? last === lens.surfaces.length - 1;
  const path: TracePath | undefined = opts.recordPath ? { x: [], y: [], z: [] } : undefined;
  const record = () => {
    if (!path) return;
    path.x.push(Float64Array.from(rays.x));
    path.y.push(Float64Array.from(rays.y));
    path.z.push(Float64Array.from(rays.z));
  };
  record();
  for (let i = 0; i <= last; i++) {
    const s = lens.surfaces[i]!;
    const n1 = materialBefore(lens, i).index(wavelengthUm);
    const n2 = s.materialAfter.index(wavelengthUm);
    traceSurface(s, rays, n1, n2, opts.ignoreApertures ?? false);
    record();
  }
  if (toSensor) {
    const n = lens.surfaces[lens.surfaces.length - 1]!.materialAfter.index(wavelengthUm);
    propagateToPlane(rays, lens.sensorZMm, n);
    record();
  }
  return path;
}

/** Moves every live ray to the plane z = zPlaneMm (straight line in a medium of index n). */
export function propagateToPlane(rays: RayBundle, zPlaneMm: number, n: number): void {
  const { x, y, z, dx, dy, dz, opl, valid } = rays;
  for (let j = 0; j < rays.count; j++) {
    if (!valid[j]) continue;
    const t = (zPlaneMm - z[j]!) / dz[j]!;
    x[j] = x[j]! + t * dx[j]!;
    y[j] = y[j]! + t * dy[j]!;
    z[j] = zPlaneMm;
    opl[j] = opl[j]! + n * t;
  }
}

/** Intersects and refracts all live rays at one surface (n1 before, n2 after). */
export function traceSurface(s: Surface, rays: RayBundle, n1: number, n2: number, ignoreApertures = false): void {
  const { x, y, z, dx, dy, dz, opl, valid } = rays;
  const zv = s.zMm;
  const r2max = ignoreApertures ? Infinity : s.semiDiameterMm * s.semiDiameterMm;
  const c = s.curvature;
  const k1 = 1 + s.conic;
  const a = s.asphere;
  const hasAsphere = a.length > 0;
  const mu = n1 / n2;
  const flat = s.kind !== "conic" || (c === 0 && !hasAsphere);
  const fParax = s.focalLengthMm ?? 0;

  for (let j = 0; j < rays.count; j++) {
    if (!valid[j]) continue;
    const x0 = x[j]!, y0 = y[j]!, z0 = z[j]! - zv;
    const ux = dx[j]!, uy = dy[j]!, uz = dz[j]!;
    if (uz <= 0) {
      valid[j] = 0;
      continue;
    }
    let t: number;
    if (flat) {
      t = -z0 / uz;
    } else {
      // Exact intersection with the conic c (x^2 + y^2 + (1+k) z^2) - 2 z = 0, root on the vertex branch.
      const A = c * (ux * ux + uy * uy + k1 * uz * uz);
      const B = 2 * (c * (x0 * ux + y0 * uy + k1 * z0 * uz) - uz);
      const C = c * (x0 * x0 + y0 * y0 + k1 * z0 * z0) - 2 * z0;
      const disc = B * B - 4 * A * C;
      if (disc < 0) {
        valid[j] = 0;
        continue;
      }
      t = (2 * C) / (Math.sqrt(disc) - B);
      if (hasAsphere) {
        // Newton on f(t) = z(t) - sag(r(t)^2), starting from the conic hit.
        for (let it = 0; it < NEWTON_ITERS; it++) {
          const px = x0 + t * ux, py = y0 + t * uy, pz = z0 + t * uz;
          const r2 = px * px + py * py;
          const q = 1 - k1 * c * c * r2;
          if (q < 0) {
            t = NaN;
            break;
          }
          const root = Math.sqrt(q);
          let sag = (c * r2) / (1 + root);
          let dsag = c / (2 * root);
          let rp = r2, rpm = 1;
          for (let i = 0; i < a.length; i++) {
            sag += a[i]! * rp;
            dsag += (i + 1) * a[i]! * rpm;
            rpm = rp;
            rp *= r2;
          }
          const f = pz - sag;
          const df = uz - 2 * dsag * (px * ux + py * uy);
          const step = f / df;
          t -= step;
          if (Math.abs(step) < NEWTON_TOL_MM) break;
        }
        if (!Number.isFinite(t)) {
          valid[j] = 0;
          continue;
        }
      }
    }
    const hx = x0 + t * ux, hy = y0 + t * uy, hz = z0 + t * uz;
    const r2 = hx * hx + hy * hy;
    if (r2 > r2max) {
      valid[j] = 0;
      continue;
    }
    x[j] = hx;
    y[j] = hy;
    z[j] = hz + zv;
    opl[j] = opl[j]! + n1 * t;

    if (s.kind === "aperture") continue;
    if (s.kind === "paraxial") {
      // Ideal lens: a ray of slopes (tx, ty) goes to the focal-plane point (f tx, f ty, f); adding the
      // path difference that makes every ray of a plane wave arrive in phase.
      const tx = ux / uz, ty = uy / uz;
      const fx = fParax * tx - hx, fy = fParax * ty - hy, fz = fParax;
      const len = Math.sqrt(fx * fx + fy * fy + fz * fz) * Math.sign(fParax);
      dx[j] = fx / len;
      dy[j] = fy / len;
      dz[j] = fz / len;
      const tLen = Math.abs(fParax) * Math.sqrt(1 + tx * tx + ty * ty);
      opl[j] = opl[j]! + n2 * (tLen - Math.abs(len)) * Math.sign(fParax) - n1 * (hx * ux + hy * uy);
      continue;
    }
    // Surface normal (pointing toward +z): (-dz/dx, -dz/dy, 1) normalised.
    let dsag: number;
    if (c === 0 && !hasAsphere) dsag = 0;
    else {
      const q = 1 - k1 * c * c * r2;
      if (q <= 0) {
        valid[j] = 0;
        continue;
      }
      dsag = c / (2 * Math.sqrt(q));
      let rpm = 1;
      for (let i = 0; i < a.length; i++) {
        dsag += (i + 1) * a[i]! * rpm;
        rpm *= r2;
      }
    }
    let nx = -2 * hx * dsag, ny = -2 * hy * dsag;
    const inv = 1 / Math.sqrt(nx * nx + ny * ny + 1);
    nx *= inv;
    ny *= inv;
    const nz = inv;
    const cosI = ux * nx + uy * ny + uz * nz;
    const sin2T = mu * mu * (1 - cosI * cosI);
    if (sin2T > 1) {
      valid[j] = 0; // total internal reflection: not a sequential ray any more
      continue;
    }
    const g = Math.sqrt(1 - sin2T) - mu * cosI;
    dx[j] = mu * ux + g * nx;
    dy[j] = mu * uy + g * ny;
    dz[j] = mu * uz + g * nz;
  }
}
