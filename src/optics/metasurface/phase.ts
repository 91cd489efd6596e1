/**
 * Metasurface lens phase profiles on a square sample grid (DFlat's convention: n x n samples of
 * spacing dx centred at index (n - 1) / 2). Lengths in um.
 */
import { ArgumentError } from "../../util/errors";

export interface LensGrid {
  /** Samples per side. */
  n: number;
  dxUm: number;
}

/** Coordinates of sample (r, c): x = (c - (n-1)/2) dx, y = ((n-1)/2 - r) dx (row 0 = top, +y up). */
export function gridCoord(g: LensGrid, r: number, c: number): [number, number] {
  const h = (g.n - 1) / 2;
  return [(c - h) * g.dxUm, (h - r) * g.dxUm];
}

export function wrapPhase(p: number): number {
  const t = p % (2 * Math.PI);
  return t < 0 ? t + 2 * Math.PI : t;
}

export interface HyperbolicSpec {
  focalLengthUm: number;
  wavelengthUm: number;
  /** Design object distance (um, positive, in front); Infinity (default) for a collimated design. */
  objectDistanceUm?: number;
  /** Focal spot offset (um) for off-axis designs. */
  focusShiftXUm?: number;
  focusShiftYUm?: number;
}

/**
 * Hyperbolic focusing phase: phi = -2 pi / lambda (sqrt(z_o^2 + r^2) - z_o + sqrt(f^2 + |r - s|^2) - f)
 * (DFlat's focusing_lens, with constants removed so phi(0) = 0 on axis), not wrapped.
 */
export function hyperbolicPhase(g: LensGrid, spec: HyperbolicSpec): Float64Array {
  const { focalLengthUm: f, wavelengthUm: l } = spec;
  if (!(f > 0)) throw new ArgumentError("focalLengthUm", "a positive focal length (um)", f);
  const zo = spec.objectDistanceUm ?? Infinity;
  const sx = spec.focusShiftXUm ?? 0, sy = spec.focusShiftYUm ?? 0;
  const out = new Float64Array(g.n * g.n);
  const k = (2 * Math.PI) / l;
  for (let r = 0; r < g.n; r++)
    for (let c = 0; c < g.n; c++) {
      const [x, y] = gridCoord(g, r, c);
      const obj = Number.isFinite(zo) ? Math.sqrt(zo * zo + x * x + y * y) - zo : 0;
      out[r * g.n + c] = -k * (obj + Math.sqrt(f * f + (x - sx) ** 2 + (y - sy) ** 2) - Math.sqrt(f * f + sx * sx + sy * sy));
    }
  return out;
}

/**
 * Even polynomial (Zemax "Binary 2"-style) radial phase: phi(rho) = sum_i a_i rho^(2(i+1)),
 * rho = r / normRadiusUm. a_0 = -pi R^2 / (lambda f) gives a paraxial lens of focal length f.
 */
export function polynomialPhase(g: LensGrid, coefficientsRad: number[], normRadiusUm: number): Float64Array {
  if (!(normRadiusUm > 0)) throw new ArgumentError("normRadiusUm", "a positive normalisation radius (um)", normRadiusUm);
  const out = new Float64Array(g.n * g.n);
  for (let r = 0; r < g.n; r++)
    for (let c = 0; c < g.n; c++) {
      const [x, y] = gridCoord(g, r, c);
      const rho2 = (x * x + y * y) / (normRadiusUm * normRadiusUm);
      let p = 0, rp = rho2;
      for (const a of coefficientsRad) {
        p += a * rp;
        rp *= rho2;
      }
      out[r * g.n + c] = p;
    }
  return out;
}

/** Circular aperture mask (1 inside radius, 0 outside). */
export function circularAperture(g: LensGrid, radiusUm: number): Float64Array {
  const out = new Float64Array(g.n * g.n);
  for (let r = 0; r < g.n; r++)
    for (let c = 0; c < g.n; c++) {
      const [x, y] = gridCoord(g, r, c);
      out[r * g.n + c] = x * x + y * y <= radiusUm * radiusUm ? 1 : 0;
    }
  return out;
}
