/**
 * Synthetic test targets for MTF measurement: a slanted edge (ISO 12233) and a Siemens star, as
 * single-channel float images in [0, 1] (shape [h, w, 1]). Both are evaluated analytically per
 * pixel; `sigmaPx` blurs the edge with an exact Gaussian (the edge profile is the normal CDF), so
 * the blurred edge's MTF is exactly exp(-2 pi^2 sigma^2 f^2) (point sampling, no pixel aperture).
 * `supersample` integrates each pixel over an s x s grid (adds the pixel-aperture sinc, and
 * antialiases a sharp edge or the star's centre).
 */
import { ArgumentError } from "../util/errors";
import type { Rng } from "../util/rng";
import { imageShape, type ImageHWC } from "../array";

/** erf(x) to ~1e-15 relative: series near 0, continued fraction (erfc) further out. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const v = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -v : v;
  }
  // erfc x = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz)
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = d === 0 ? 1e-300 : d;
    c = ax + an / c;
    c = c === 0 ? 1e-300 : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

export interface SlantedEdgeTargetOptions {
  height: number;
  width: number;
  /** Edge tilt from vertical, degrees (ISO 12233 suggests about 5). Default 5. */
  angleDeg?: number;
  /** Gaussian blur sigma, pixels (0 = sharp). Default 0. */
  sigmaPx?: number;
  /** Dark and bright levels. Default 0.2 and 0.8 (a 4:1 contrast edge, as ISO 12233:2017 recommends). */
  low?: number;
  high?: number;
  /** Edge position: horizontal offset of the edge from the image centre at the centre row, pixels. */
  offsetPx?: number;
  /** Pixel integration over s x s sub-samples (default 1 = point sampling). */
  supersample?: number;
  /** Additive Gaussian noise standard deviation, with the generator that draws it. */
  noiseStd?: number;
  rng?: Rng;
}

/** Near-vertical edge, dark on the left, bright on the right. */
export function slantedEdgeTarget(o: SlantedEdgeTargetOptions): ImageHWC {
  const { height: h, width: w } = o;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 8 && w >= 8)) throw new ArgumentError("height/width", "integers >= 8", [h, w]);
  const angle = ((o.angleDeg ?? 5) * Math.PI) / 180;
  const sigma = o.sigmaPx ?? 0;
  const low = o.low ?? 0.2;
  const high = o.high ?? 0.8;
  const s = o.supersample ?? 1;
  if ((o.noiseStd ?? 0) > 0 && !o.rng) throw new ArgumentError("rng", "an Rng when noiseStd > 0", undefined);
  const cx = (w - 1) / 2 + (o.offsetPx ?? 0);
  const cy = (h - 1) / 2;
  // Unit normal of the edge line (pointing to the bright side); the line is tilted by `angle` from vertical.
  const nx = Math.cos(angle);
  const ny = -Math.sin(angle);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let a = 0; a < s; a++)
        for (let b = 0; b < s; b++) {
          const px = x + (b + 0.5) / s - 0.5 - cx;
          const py = y + (a + 0.5) / s - 0.5 - cy;
          const d = px * nx + py * ny;
          acc += sigma > 0 ? normalCdf(d / sigma) : d > 0 ? 1 : d < 0 ? 0 : 0.5;
        }
      let v = low + ((high - low) * acc) / (s * s);
      if (o.noiseStd) v += o.noiseStd * o.rng!.normal();
      out[y * w + x] = v;
    }
  return { data: out, height: h, width: w, channels: 1 };
}

export interface SiemensStarOptions {
  /** Image side, pixels. */
  size: number;
  /** Number of cycles (dark + bright spoke pairs) around the circle. Default 36. */
  spokes?: number;
  /** "sine": 0.5 + 0.5 c cos(n phi) (ISO 12233:2014 sinusoidal star); "bar": square wave. Default "sine". */
  profile?: "sine" | "bar";
  /** Modulation c of the pattern around mean 0.5. Default 0.8. */
  contrast?: number;
  /** Pixel integration over s x s sub-samples (default 4, antialiases the centre). */
  supersample?: number;
}

export function siemensStarTarget(o: SiemensStarOptions): ImageHWC {
  const n = o.size;
  if (!(Number.isInteger(n) && n >= 16)) throw new ArgumentError("size", "an integer >= 16", n);
  const spokes = o.spokes ?? 36;
  const c = o.contrast ?? 0.8;
  const s = o.supersample ?? 4;
  const centre = (n - 1) / 2;
  const out = new Float32Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let acc = 0;
      for (let a = 0; a < s; a++)
        for (let b = 0; b < s; b++) {
          const phi = Math.atan2(y + (a + 0.5) / s - 0.5 - centre, x + (b + 0.5) / s - 0.5 - centre);
          const wave = Math.cos(spokes * phi);
          acc += o.profile === "bar" ? (wave >= 0 ? 1 : -1) : wave;
        }
      out[y * n + x] = 0.5 + 0.5 * c * (acc / (s * s));
    }
  return { data: out, height: n, width: n, channels: 1 };
}

export interface StarMtfPoint {
  radiusPx: number;
  freqCyPx: number;
  mtf: number;
}

/**
 * MTF from an image of a Siemens star: along circles of radius r about the centre, the amplitude of
 * the n-th angular harmonic (bilinear sampling, 8n points) divided by the target's own amplitude at
 * that harmonic (c/2 for the sine star, (4/pi)(c/2) for the bar star) is the MTF at the local
 * frequency f = n / (2 pi r) cycles/pixel. Valid where the pattern is locally close to a plane
 * wave (r large against the blur); radii default to those giving f in [0.02, 0.5].
 */
export function siemensStarMtf(
  img: ImageHWC,
  o: {
    spokes?: number;
    contrast?: number;
    profile?: "sine" | "bar";
    centre?: [number, number];
    radiiPx?: number[];
    /**
     * The ideal (unblurred) target image: the result is divided by the same measurement on it, which
     * removes the pixel aperture of the rendering and the bilinear sampling of the analysis.
     */
    reference?: ImageHWC;
  } = {},
): StarMtfPoint[] {
  if (o.reference) {
    if (imageShape(o.reference).some((d, i) => d !== imageShape(img)[i])) {
      throw new ArgumentError("reference", `an image of the same shape [${imageShape(img).join(", ")}]`, `[${imageShape(o.reference).join(", ")}]`);
    }
    const measured = siemensStarMtf(img, { ...o, reference: undefined });
    const ideal = siemensStarMtf(o.reference, { ...o, reference: undefined, radiiPx: measured.map((p) => p.radiusPx) });
    return measured.map((p, i) => ({ ...p, mtf: p.mtf / ideal[i]!.mtf }));
  }
  const [h, w, ch] = imageShape(img);
  if (ch !== 1) throw new ArgumentError("image", "a single-channel image", `${ch} channels`);
  const spokes = o.spokes ?? 36;
  const c = o.contrast ?? 0.8;
  const ref = (o.profile === "bar" ? 4 / Math.PI : 1) * (c / 2);
  const [cy, cx] = o.centre ?? [(h - 1) / 2, (w - 1) / 2];
  const rMax = Math.min(cy, cx, h - 1 - cy, w - 1 - cx) - 1;
  const rMin = spokes / (2 * Math.PI * 0.5);
  const radii = o.radiiPx ?? Array.from({ length: 40 }, (_, i) => rMin + ((rMax - rMin) * i) / 39).filter((r) => r > 0 && r <= rMax);
  const m = 8 * spokes;
  const out: StarMtfPoint[] = [];
  const at = (yy: number, xx: number) => {
    const x0 = Math.floor(xx);
    const y0 = Math.floor(yy);
    const fx = xx - x0;
    const fy = yy - y0;
    const p = (r: number, q: number) => img.data[Math.min(h - 1, Math.max(0, r)) * w + Math.min(w - 1, Math.max(0, q))]!;
    return (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x0 + 1)) + fy * ((1 - fx) * p(y0 + 1, x0) + fx * p(y0 + 1, x0 + 1));
  };
  for (const r of radii) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < m; j++) {
      const phi = (2 * Math.PI * j) / m;
      const v = at(cy + r * Math.sin(phi), cx + r * Math.cos(phi));
      re += v * Math.cos(spokes * phi);
      im -= v * Math.sin(spokes * phi);
    }
    const amp = (2 / m) * Math.hypot(re, im);
    out.push({ radiusPx: r, freqCyPx: spokes / (2 * Math.PI * r), mtf: amp / ref });
  }
  return out.sort((a, b) => a.freqCyPx - b.freqCyPx);
}
