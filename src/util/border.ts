/**
 * Border handling: where an index outside [0, n) of a length-n axis reads from. The one place
 * the repo's filters, pads and FFT frame extensions take their border semantics from.
 *
 * Named as NumPy's `np.pad` modes (scipy.ndimage calls the same rules by other names):
 *   "reflect"    d c b | a b c d | c b a   no edge repeat   (np.pad 'reflect',   scipy.ndimage 'mirror', torch 'reflect')
 *   "symmetric"  c b a | a b c d | d c b   edge repeated    (np.pad 'symmetric', scipy.ndimage 'reflect')
 *   "edge"       a a a | a b c d | d d d   edge replicated  (np.pad 'edge',      scipy.ndimage 'nearest')
 * Indices any distance outside fold repeatedly, as np.pad does for pads wider than the axis.
 */
export type BorderMode = "reflect" | "symmetric" | "edge";
export const borderModes: readonly BorderMode[] = ["reflect", "symmetric", "edge"];

/** np.pad 'reflect': period 2(n−1), the edge sample is not repeated (−1 → 1, n → n−2). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}

/** np.pad 'symmetric' (half-sample symmetric): period 2n, the edge sample is repeated (−1 → 0, n → n−1). */
export function symmetricIndex(i: number, n: number): number {
  const period = 2 * n;
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - 1 - m;
  return m;
}

/** np.pad 'edge': clamps to the nearest edge sample. */
export function edgeIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

const indexers: Record<BorderMode, (i: number, n: number) => number> = { reflect: reflectIndex, symmetric: symmetricIndex, edge: edgeIndex };

/** The index function of a mode (pick it once outside a hot loop). */
export function borderIndexer(mode: BorderMode): (i: number, n: number) => number {
  const f = indexers[mode];
  if (!f) throw new RangeError(`border mode must be one of ${borderModes.join(", ")}, found ${JSON.stringify(mode)}`);
  return f;
}

/** Index in [0, n) that position `i` of a length-`n` axis reads under `mode`. */
export function borderIndex(i: number, n: number, mode: BorderMode): number {
  return borderIndexer(mode)(i, n);
}
