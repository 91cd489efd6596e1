/**
 * Sensor noise for the forward model, drawn from the project's seeded Rng (same seed, same noise).
 *   gaussian:          y = x + N(0, sigma^2)
 *   poisson-gaussian:  y = Poisson(max(x, 0) * photonsAtOne) / photonsAtOne + N(0, readSigma^2)
 *                      (shot noise with `photonsAtOne` photo-electrons for a value of 1, plus read noise
 *                      in the same [0, 1] units)
 * No clipping: the caller decides (writing an 8/16-bit image clips).
 */
import { ArgumentError } from "../util/errors";
import type { NdArray } from "../array";
import type { Rng } from "../util/rng";

export type NoiseModel =
  | { type: "none" }
  | { type: "gaussian"; sigma: number }
  | { type: "poisson-gaussian"; photonsAtOne: number; readSigma: number };

export function addNoise(img: NdArray, model: NoiseModel, rng: Rng): NdArray {
  const out = Float32Array.from(img.data);
  if (model.type === "none") return { data: out, shape: [...img.shape] };
  if (model.type === "gaussian") {
    if (!(model.sigma >= 0)) throw new ArgumentError("noise.sigma", "a number >= 0", model.sigma);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + rng.normal(0, model.sigma);
  } else if (model.type === "poisson-gaussian") {
    if (!(model.photonsAtOne > 0)) throw new ArgumentError("noise.photonsAtOne", "a number > 0", model.photonsAtOne);
    if (!(model.readSigma >= 0)) throw new ArgumentError("noise.readSigma", "a number >= 0", model.readSigma);
    const g = model.photonsAtOne;
    for (let i = 0; i < out.length; i++) {
      const shot = rng.poisson(Math.max(0, out[i] as number) * g) / g;
      out[i] = shot + (model.readSigma > 0 ? rng.normal(0, model.readSigma) : 0);
    }
  } else throw new ArgumentError("noise.type", '"none", "gaussian" or "poisson-gaussian"', (model as { type: unknown }).type);
  return { data: out, shape: [...img.shape] };
}
