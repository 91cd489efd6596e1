/**
 * PSFs of a metasurface (or any thin phase/amplitude mask) lens: the source wave (plane wave from a
 * field angle, or spherical wave from a point at finite depth) times the lens transmission and
 * aperture is propagated to the sensor (angular spectrum or Fresnel), squared, and integrated over
 * sensor pixels. The computation window follows the image point: the source's linear phase is
 * removed as a carrier and the output window is shifted (see `propagate`), so off-axis PSFs need
 * neither a finer lens sampling nor a larger grid.
 */
import { ArgumentError } from "../../util/errors";
import { Method, propagate } from "../wave/propagate";
import { integrateToPixels } from "../wave/resample";
import { LensGrid, gridCoord } from "./phase";

export interface MetasurfaceLens {
  grid: LensGrid;
  /** Transmission amplitude and phase per sample at the wavelength being simulated, (n, n). */
  amp: Float64Array;
  phase: Float64Array;
  /** Aperture mask (n, n), 1 inside. */
  aperture: Float64Array;
}

export type MetaSource =
  /** Plane wave from an object at infinity seen at field angles (rad; +x right, +y up). */
  | { kind: "infinite"; fieldXRad: number; fieldYRad: number }
  /** Point source at lateral (xUm, yUm) and distance depthUm (> 0) in front of the lens. */
  | { kind: "finite"; xUm: number; yUm: number; depthUm: number };

export interface MetaPsfOptions {
  wavelengthUm: number;
  /** Lens-to-sensor distance, um. */
  sensorDistanceUm: number;
  kernelSize: number;
  pixelPitchUm: number;
  method?: Method;
  /** Padding factor of the propagation grid (default 2). */
  pad?: number;
  /** Sub-samples per pixel side when integrating (default 4). */
  oversample?: number;
  /** Normalise the kernel to sum 1 (default true); otherwise it holds the fraction of aperture power. */
  normalise?: boolean;
}

export interface MetaPsf {
  /** (k, k) upright kernel (image inversion undone), row 0 = top, centre at pixel (k/2, k/2). */
  kernel: Float64Array;
  /** Image point (pinhole projection through the lens centre) on the sensor, um. */
  centreUm: [number, number];
  /** Fraction of the power leaving the aperture that lands inside the kernel window. */
  encircled: number;
}

/** PSF of `lens` for one source and wavelength. */
export function metasurfacePsf(lens: MetasurfaceLens, source: MetaSource, o: MetaPsfOptions): MetaPsf {
  const { grid } = lens;
  const n = grid.n;
  const z = o.sensorDistanceUm;
  const lambda = o.wavelengthUm;
  const k = (2 * Math.PI) / lambda;
  const window = n * grid.dxUm;
  if (o.kernelSize * o.pixelPitchUm > window)
    throw new ArgumentError("kernelSize * pixelPitchUm", `at most the lens grid width ${window} um (n * dx)`, o.kernelSize * o.pixelPitchUm);
  // Source carrier (phase gradient at the lens centre, cycles/um) and pinhole image point.
  let fx0: number, fy0: number, sx: number, sy: number;
  let srcPhase: (x: number, y: number) => number;
  if (source.kind === "infinite") {
    const tx = -Math.tan(source.fieldXRad), ty = -Math.tan(source.fieldYRad);
    const nrm = Math.sqrt(1 + tx * tx + ty * ty);
    const ux = tx / nrm, uy = ty / nrm;
    fx0 = ux / lambda;
    fy0 = uy / lambda;
    sx = z * tx;
    sy = z * ty;
    srcPhase = () => 0; // entirely carrier
  } else {
    if (!(source.depthUm > 0)) throw new ArgumentError("source.depthUm", "a positive distance in front of the lens (um)", source.depthUm);
    const d0 = Math.sqrt(source.xUm ** 2 + source.yUm ** 2 + source.depthUm ** 2);
    fx0 = -source.xUm / (lambda * d0);
    fy0 = -source.yUm / (lambda * d0);
    sx = (-source.xUm * z) / source.depthUm;
    sy = (-source.yUm * z) / source.depthUm;
    srcPhase = (x, y) => k * (Math.sqrt((x - source.xUm) ** 2 + (y - source.yUm) ** 2 + source.depthUm ** 2) - d0) - 2 * Math.PI * (fx0 * x + fy0 * y);
  }
  // Field on the lens, in propagate()'s layout: sample (r, c) at x = (c - n/2) dx, y = (r - n/2) dx,
  // so lens row r (top = +y) goes to field row n-1-r; DFlat's (n-1)/2 centring is kept exactly by
  // evaluating coordinates from gridCoord and placing them on the nearest field sample.
  const data = new Float64Array(2 * n * n);
  let power = 0;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const i = r * n + c;
      const a = lens.amp[i]! * lens.aperture[i]!;
      if (a === 0) continue;
      const [x, y] = gridCoord(grid, r, c);
      const ph = lens.phase[i]! + srcPhase(x, y);
      const j = 2 * ((n - 1 - r) * n + c);
      data[j] = a * Math.cos(ph);
      data[j + 1] = a * Math.sin(ph);
      power += a * a;
    }
  // Field sample (r', c') sits at x = (c' - n/2) dx while the lens sample it holds is at
  // (c - (n-1)/2) dx = field coordinate + dx/2: shifting the output window by (s - dx/2) puts the
  // image point s exactly on output sample n/2.
  const half = 0.5 * grid.dxUm;
  const out = propagate({ data, rows: n, cols: n, dxUm: grid.dxUm }, lambda, z, o.method ?? "asm", {
    pad: o.pad ?? 2,
    carrierFx: fx0,
    carrierFy: fy0,
    shiftXUm: sx - half,
    shiftYUm: sy - half,
  });
  power *= grid.dxUm * grid.dxUm; // sum |U|^2 dx^2, the same measure as the sensor-side integral
  const inten = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) inten[i] = out.data[2 * i]! ** 2 + out.data[2 * i + 1]! ** 2;
  // Output sample (r', c') is at sensor (x, y) = (sx + (c' - n/2) dx, sy + (r' - n/2) dx). The upright
  // view (image inversion undone, row 0 = top) has kernel rows growing with sensor +y and columns
  // growing with sensor -x, the same convention as the ray-traced lens PSFs.
  const kernel = integrateToPixels(
    { data: inten, rows: n, cols: n, stepUm: grid.dxUm, centreRow: n / 2, centreCol: n / 2 },
    o.kernelSize,
    o.pixelPitchUm,
    o.oversample ?? 4,
    1,
    -1,
  );
  let sum = 0;
  for (let i = 0; i < kernel.length; i++) sum += kernel[i]!;
  const pixelArea = o.pixelPitchUm * o.pixelPitchUm;
  const encircled = (sum * pixelArea) / Math.max(power, 1e-300);
  if (o.normalise ?? true) {
    if (sum > 0) for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  } else {
    for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i]! * pixelArea) / power;
  }
  return { kernel, centreUm: [sx, sy], encircled };
}
