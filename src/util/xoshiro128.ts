/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, one 32-bit word per step, exact in JS via
 * Math.imul and int32 shifts. The one implementation of the algorithm: util/Rng (seeded through
 * splitmix32) and data/PixelStream (seeded from an Rng's words) both step this state.
 *
 * The state words are kept as int32 (sign bit and all); only the output is made unsigned. That skips
 * the `>>> 0` per update in the ~10⁶-draws-per-image noise loop and gives the same bits.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Four 32-bit state words; the all-zero state (a fixed point) is replaced by s0 = 1. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }
}
