/**
 * `gaussian`: an anisotropic Gaussian whose size grows with field radius (spec §3.2).
 *
 * Parameters (all sigmas in normalised kernel units: 1 unit = k/2 pixels):
 *   gaussian_type  "elliptical": sigma1 fixed, sigma2 grows as r/R; "circular": both grow as r/R
 *   sigma1         tangential std at the field edge (elliptical: everywhere)
 *   sigma2         radial std at the field edge; channel c's chromatic factor widens it by (1 + c)
 *   sigma_min      floor of both sigmas (> 0)
 *   chromatic      per-channel lateral-offset factor c (spec §3.1); default 0
 *   chromatic_trans per-channel transmission t (common key); default 1
 * Kernel centre at index (k/2, k/2); peak value 1 (before t) where the shape is not clipped.
 * Metadata per position: [theta, sigma1, sigma2, xc, yc, off_x, off_y] (xc, yc after the shift).
 */
import { array, number, object, oneOf, optional, withDefault } from "../../config/schema";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, perChannel, type FamilyContext, type PsfFamily } from "./family";
import { chromaticShift, kernelCentre } from "./kernel-grid";

export interface GaussianParams {
  /** Kernel index of the axis (see kernelCentre); default floor(k/2). */
  centre?: number;
  gaussianType: "elliptical" | "circular";
  sigma1: number;
  sigma2: number;
  sigmaMin: number;
  /** Per-channel chromatic factor c. */
  chromatic: readonly number[];
}

const schema = object({
  ...commonFields,
  gaussian_type: withDefault(oneOf("elliptical", "circular"), "elliptical"),
  sigma1: number({ min: 0 }),
  sigma2: number({ min: 0 }),
  sigma_min: number({ min: Number.MIN_VALUE }),
  chromatic: optional(array(number())),
});

export class GaussianSource implements PsfSource {
  readonly family = "gaussian";
  readonly metadataKeys = ["theta", "sigma1", "sigma2", "xc", "yc", "off_x", "off_y"] as const;
  constructor(
    readonly kernelSize: number,
    readonly params: GaussianParams,
  ) {}

  psfAt(p: FieldPoint, _rng?: unknown, out?: Float32Array): PsfSample {
    // fillQuadraticExp writes every element, so a reused buffer needs no clearing.
    const kernel = out && out.length === this.kernelSize * this.kernelSize ? out : new Float32Array(this.kernelSize * this.kernelSize);
    const metadata = this.evaluate(p.xc, p.yc, p.fieldRadiusPx, this.params.chromatic[p.channel] ?? 0, kernel);
    return { kernel, metadata };
  }

  /** Fills `out` (k*k) with the PSF at centred position (xc, yc) for chromatic factor c; returns the metadata. */
  evaluate(xc0: number, yc0: number, fieldRadiusPx: number, c: number, out: Float32Array): number[] {
    const k = this.kernelSize;
    const P = this.params;
    const { xc, yc, offX, offY } = chromaticShift(xc0, yc0, fieldRadiusPx, k, c);
    const rel = Math.hypot(xc, yc) / fieldRadiusPx;
    const s1 = P.gaussianType === "elliptical" ? 1 : rel;
    const sigma1 = Math.max(P.sigma1 * s1, P.sigmaMin);
    const sigma2 = Math.max(P.sigma2 * rel * (1 + c), P.sigmaMin);
    const theta = Math.atan2(xc, yc) + Math.PI / 2; // the original's argument order
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const sin2 = Math.sin(2 * theta);
    const i1 = 1 / (sigma1 * sigma1);
    const i2 = 1 / (sigma2 * sigma2);
    const a = (cos * cos * i2) / 2 + (sin * sin * i1) / 2;
    const b = (-sin2 * i2) / 4 + (sin2 * i1) / 4;
    const d = (sin * sin * i2) / 2 + (cos * cos * i1) / 2;
    fillQuadraticExp(out, k, a, b, d, offX, offY, P.centre ?? kernelCentre(k));
    return [theta, sigma1, sigma2, xc, yc, offX, offY];
  }
}

/**
 * out[i*k + j] = exp(-(a u^2 + 2b u v + d v^2)), u = (j - centre + offX)/(k/2), v = (i - centre + offY)/(k/2).
 *
 * Along a row the exponent is a quadratic in j, so consecutive values differ by a factor that is
 * itself geometric: f(j+1) = f(j) r_j, r_{j+1} = r_j q with q = exp(-2a du^2). Each row needs three
 * exp() calls instead of k. The recurrence starts at the row's maximum and walks outward, where
 * values only decrease, so underflow to zero is final and correct (no inf * 0).
 */
export function fillQuadraticExp(out: Float32Array, k: number, a: number, b: number, d: number, offX: number, offY: number, centre = Math.floor(k / 2)): void {
  const half = k / 2; // the unit of u and v: k/2 pixels
  const du = 1 / half;
  const q = Math.exp(-2 * a * du * du);
  const u0 = (-centre + offX) / half; // u at j = 0
  for (let i = 0; i < k; i++) {
    const v = (i - centre + offY) / half;
    // Row maximum at u* = -b v / a; start from the nearest column inside the kernel.
    let js = Math.round((-b * v) / a / du - u0 / du);
    if (js < 0) js = 0;
    else if (js > k - 1) js = k - 1;
    const us = u0 + js * du;
    const fs = Math.exp(-(a * us * us + 2 * b * us * v + d * v * v));
    const row = i * k;
    out[row + js] = fs;
    // Rightward: f(j+1)/f(j) = exp(-(a du (2u_j + du) + 2 b v du)).
    let f = fs;
    let r = Math.exp(-(a * du * (2 * us + du) + 2 * b * v * du));
    for (let j = js + 1; j < k; j++) {
      f *= r;
      r *= q;
      out[row + j] = f;
    }
    // Leftward: f(j-1)/f(j) = exp(-(a du (du - 2u_j) - 2 b v du)).
    f = fs;
    r = Math.exp(-(a * du * (du - 2 * us) - 2 * b * v * du));
    for (let j = js - 1; j >= 0; j--) {
      f *= r;
      r *= q;
      out[row + j] = f;
    }
  }
}

export const gaussianFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "gaussian",
  description: "anisotropic Gaussian growing with field radius (elliptical or circular law), chromatic offset and transmission",
  schema,
  create(p, ctx: FamilyContext) {
    return new GaussianSource(ctx.kernelSize, {
      gaussianType: p.gaussian_type,
      sigma1: p.sigma1,
      sigma2: p.sigma2,
      sigmaMin: p.sigma_min,
      chromatic: perChannel(ctx, "chromatic", p.chromatic, 0),
      centre: kernelCentre(ctx.kernelSize, ctx.compat),
    });
  },
};
