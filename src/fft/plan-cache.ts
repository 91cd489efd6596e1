/**
 * The one cache of FFT plans (twiddle tables, Bluestein chirps) for both FFT paths: a plan depends
 * only on its kind and length and is costly to build, so each is built once per process and shared
 * by every caller (scratch buffers inside a plan are safe to share: JS runs one transform at a time).
 */
const plans = new Map<string, unknown>();

/** The plan of `kind` for `key` (e.g. a length, or length and direction), built by `make` once. */
export function cachedPlan<T>(kind: string, key: string | number, make: () => T): T {
  const id = `${kind}:${key}`;
  let plan = plans.get(id) as T | undefined;
  if (plan === undefined) {
    plan = make();
    plans.set(id, plan);
  }
  return plan;
}
