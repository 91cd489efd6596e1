/**
 * The order in which training samples are drawn: position p of the run (step x accumulation x batch)
 * maps to (sample index, epoch). It depends only on the seed and the position, which is what makes a
 * resumed run see exactly the samples the uninterrupted run would have seen.
 */
import { Rng } from "../util/rng";

/** Per-epoch Fisher-Yates permutation (seeded by seed and epoch), cached for the current epoch. */
export class SampleOrder {
  private readonly cache = new Map<number, Uint32Array>();
  constructor(
    private readonly n: number,
    private readonly seed: number,
    private readonly shuffle: boolean,
  ) {}

  index(position: number): { index: number; epoch: number } {
    const epoch = Math.floor(position / this.n);
    const k = position % this.n;
    if (!this.shuffle) return { index: k, epoch };
    let perm = this.cache.get(epoch);
    if (!perm) {
      perm = new Uint32Array(this.n).map((_, i) => i);
      const rng = new Rng(`${this.seed}/order/${epoch}`);
      for (let i = this.n - 1; i > 0; i--) {
        const j = rng.int(0, i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      this.cache.clear();
      this.cache.set(epoch, perm);
    }
    return { index: perm[k]!, epoch };
  }
}
