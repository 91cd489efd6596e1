/**
 * Fast per-pixel random draws for sensor noise: a local xoshiro128** stream (util/xoshiro128, the
 * state util/Rng steps too) seeded from 128 bits drawn from the caller's Rng, so the result stays a pure function
 * of that Rng, with everything inlined for the one hot loop that draws ~10⁶ values per image.
 *
 * Why not Rng directly: its `random()` spends two 32-bit words per double (53 bits) and Knuth's
 * product method spends λ+1 uniforms per Poisson draw below λ = 30. Here a uniform is one 32-bit
 * word (resolution 2⁻³², far below anything a PNG can show), Poisson draws below λ = 10 use
 * inversion (one uniform per draw), and λ ≥ 10 uses Hormann's PTRS (transformed rejection with
 * squeeze, ~1.15 uniform pairs per draw, exact), like NumPy's generator.
 *
 * The state step is shared with Rng (util/xoshiro128). The polar normal and PTRS below look like
 * Rng's but are kept apart on purpose: they draw 32-bit uniforms where Rng draws 53-bit ones, and
 * Rng's PTRS acceptance test is written as a sum of logs with the Lanczos logGamma. One shared
 * version would change the seeded numbers (and so the files) of one side or the other.
 */
import type { Rng } from "../util/rng";
import { logGamma } from "../util/rng";
import { Xoshiro128 } from "../util/xoshiro128";

const TWO_M32 = 1 / 4294967296;

const LOG_FACTORIAL_SMALL = Float64Array.from({ length: 10 }, (_, k) => logGamma(k + 1));
const HALF_LOG_2PI = 0.9189385332046728;

/**
 * log(k!) for integer k ≥ 0: a table below 10, else Stirling's series to the k⁻⁵ term (error
 * < 1/(1680·k⁷) ≤ 6e-11 at k = 10), several times cheaper than the Lanczos logGamma in PTRS's
 * rejection test (~12% of draws reach it).
 */
export function logFactorial(k: number): number {
  if (k < 10) return LOG_FACTORIAL_SMALL[k] as number;
  const r = 1 / k;
  const r2 = r * r;
  return (k + 0.5) * Math.log(k) - k + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260));
}

export class PixelStream extends Xoshiro128 {
  private spare = 0;
  private hasSpare = false;

  /** Seeded from four 32-bit words of `rng`, so the stream is a pure function of it. */
  constructor(rng: Rng) {
    super(rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32());
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() * TWO_M32;
  }

  /** Standard normal (Marsaglia polar method: two values per accepted pair). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Poisson-distributed count with mean `lambda` (exact: inversion below 10, PTRS above). */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 10) {
      // inversion by sequential search: P(0) = e^-λ, P(k) = P(k-1)·λ/k
      let p = Math.exp(-lambda);
      let cdf = p;
      const u = this.uniform();
      let k = 0;
      while (u > cdf) {
        k++;
        p *= lambda / k;
        const next = cdf + p;
        if (next === cdf) break; // far tail beyond double precision
        cdf = next;
      }
      return k;
    }
    // Hormann (1993), "The transformed rejection method for generating Poisson random variables"
    const slam = Math.sqrt(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.uniform() - 0.5;
      const V = this.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      const invalpha = 1.1239 + 1.1328 / (b - 3.4);
      if (Math.log((V * invalpha) / (a / (us * us) + b)) <= -lambda + k * Math.log(lambda) - logFactorial(k)) return k;
    }
  }
}
