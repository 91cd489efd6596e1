/**
 * Zernike polynomials: index conventions, conversions and evaluation.
 *
 * Definition used everywhere in this project (orthonormal, i.e. "RMS-normalised"):
 *
 *   Z_n^m(rho, theta) = N_n^m * R_n^|m|(rho) * { cos(m theta)   m > 0
 *                                              { 1              m = 0
 *                                              { sin(|m| theta) m < 0
 *   N_n^m = sqrt(2 (n + 1))  for m != 0,   sqrt(n + 1)  for m = 0
 *   R_n^|m|(rho) = sum_{s=0}^{(n-|m|)/2} (-1)^s (n-s)! / ( s! ((n+|m|)/2 - s)! ((n-|m|)/2 - s)! ) rho^(n-2s)
 *
 * with n >= 0, |m| <= n, n - |m| even. Over the unit disk, (1/pi) * integral Z_i Z_j dA = delta_ij,
 * so a coefficient is the RMS wavefront error contributed by its mode (piston aside), in whatever
 * unit the coefficient carries.
 *
 * Pupil coordinates: x = rho cos(theta) grows to the right (image column), y = rho sin(theta) grows
 * DOWNWARD (image row), matching the PSF kernels and FieldPoint.yc. theta is therefore clockwise on
 * screen. (ANSI Z80.28 uses y upward; to convert coefficients, negate every mode with m < 0.)
 *
 * Two single-index orderings:
 * - OSA/ANSI: j = (n (n + 2) + m) / 2, starting at j = 0 (piston). Within order n, m runs
 *   -n, -n+2, ..., n. j: 0 (0,0) 1 (1,-1) 2 (1,1) 3 (2,-2) 4 (2,0) 5 (2,2) ...
 * - Noll (1976): starting at j = 1 (piston). Within order n, modes are sorted by |m|; for m != 0
 *   the pair (n, +|m|), (n, -|m|) takes two consecutive indices, the even one for the cosine
 *   (m > 0) and the odd one for the sine (m < 0). j: 1 (0,0) 2 (1,1) 3 (1,-1) 4 (2,0) 5 (2,-2) 6 (2,2) ...
 */

export type ZernikeOrdering = "osa" | "noll";

/** A Zernike mode by its radial order n and signed azimuthal frequency m. */
export interface ZernikeMode {
  n: number;
  m: number;
}

function checkMode(n: number, m: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || Math.abs(m) > n || (n - Math.abs(m)) % 2 !== 0)
    throw new RangeError(`invalid Zernike mode (n=${n}, m=${m}): need integers n >= 0, |m| <= n, n - |m| even`);
}

function checkIndex(j: number, first: number, name: string): void {
  if (!Number.isInteger(j) || j < first) throw new RangeError(`invalid ${name} Zernike index ${j}: need an integer >= ${first}`);
}

/** Number of modes with radial order <= maxOrder: (n+1)(n+2)/2. */
export function zernikeModeCount(maxOrder: number): number {
  return ((maxOrder + 1) * (maxOrder + 2)) / 2;
}

/** Smallest n such that j (0-based count of lower modes) falls in order n. */
function orderOfPosition(p: number): number {
  // p modes precede the mode; order n holds positions [n(n+1)/2, (n+1)(n+2)/2).
  let n = Math.floor((Math.sqrt(8 * p + 1) - 1) / 2);
  while (((n + 1) * (n + 2)) / 2 <= p) n++;
  while ((n * (n + 1)) / 2 > p) n--;
  return n;
}

/** OSA/ANSI index (0-based) -> (n, m). */
export function osaToNm(j: number): ZernikeMode {
  checkIndex(j, 0, "OSA");
  const n = orderOfPosition(j);
  const m = 2 * j - n * (n + 2);
  return { n, m };
}

/** (n, m) -> OSA/ANSI index (0-based). */
export function nmToOsa(n: number, m: number): number {
  checkMode(n, m);
  return (n * (n + 2) + m) / 2;
}

/** Noll index (1-based) -> (n, m). */
export function nollToNm(j: number): ZernikeMode {
  checkIndex(j, 1, "Noll");
  const n = orderOfPosition(j - 1);
  const p = j - 1 - (n * (n + 1)) / 2; // position within order n, 0..n
  const absM = n % 2 === 0 ? 2 * Math.ceil(p / 2) : 2 * Math.floor(p / 2) + 1;
  const m = absM === 0 ? 0 : j % 2 === 0 ? absM : -absM;
  return { n, m };
}

/** (n, m) -> Noll index (1-based). */
export function nmToNoll(n: number, m: number): number {
  checkMode(n, m);
  const base = (n * (n + 1)) / 2 + 1;
  if (m === 0) return base;
  // The pair for |m| occupies base + |m| - 1 and base + |m|; cosine (m > 0) takes the even one.
  const a = base + Math.abs(m) - 1;
  const even = a % 2 === 0 ? a : a + 1;
  return m > 0 ? even : even === a ? a + 1 : a;
}

export function osaToNoll(j: number): number {
  const { n, m } = osaToNm(j);
  return nmToNoll(n, m);
}

export function nollToOsa(j: number): number {
  const { n, m } = nollToNm(j);
  return nmToOsa(n, m);
}

/** The first index of an ordering: 0 for OSA, 1 for Noll. */
export function firstIndex(ordering: ZernikeOrdering): number {
  return ordering === "osa" ? 0 : 1;
}

export function indexToNm(j: number, ordering: ZernikeOrdering): ZernikeMode {
  return ordering === "osa" ? osaToNm(j) : nollToNm(j);
}

export function nmToIndex(n: number, m: number, ordering: ZernikeOrdering): number {
  return ordering === "osa" ? nmToOsa(n, m) : nmToNoll(n, m);
}

/** Modes for `count` consecutive indices starting at the ordering's first index. */
export function modesInOrder(count: number, ordering: ZernikeOrdering): ZernikeMode[] {
  const f = firstIndex(ordering);
  return Array.from({ length: count }, (_, i) => indexToNm(f + i, ordering));
}

/** Conventional names of the low-order modes (for labels and metadata). */
export function zernikeName(n: number, m: number): string {
  const names: Record<string, string> = {
    "0,0": "piston",
    "1,1": "tilt x",
    "1,-1": "tilt y",
    "2,0": "defocus",
    "2,2": "astigmatism 0deg",
    "2,-2": "astigmatism 45deg",
    "3,1": "coma x",
    "3,-1": "coma y",
    "3,3": "trefoil x",
    "3,-3": "trefoil y",
    "4,0": "primary spherical",
    "4,2": "secondary astigmatism 0deg",
    "4,-2": "secondary astigmatism 45deg",
    "4,4": "tetrafoil x",
    "4,-4": "tetrafoil y",
  };
  return names[`${n},${m}`] ?? `Z(${n},${m})`;
}

/** Normalisation N_n^m making the modes orthonormal over the unit disk (RMS 1). */
export function zernikeNormalization(n: number, m: number): number {
  checkMode(n, m);
  return m === 0 ? Math.sqrt(n + 1) : Math.sqrt(2 * (n + 1));
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

const radialCoefCache = new Map<string, Float64Array>();

/**
 * Coefficients of R_n^|m| as a polynomial in rho^2, lowest power first, after factoring out
 * rho^|m|: R = rho^|m| * sum_t a_t rho^(2t). Cached per (n, |m|).
 */
function radialCoefficients(n: number, absM: number): Float64Array {
  const key = `${n},${absM}`;
  let a = radialCoefCache.get(key);
  if (!a) {
    const smax = (n - absM) / 2;
    a = new Float64Array(smax + 1);
    for (let s = 0; s <= smax; s++) {
      const c = ((s % 2 === 0 ? 1 : -1) * factorial(n - s)) / (factorial(s) * factorial((n + absM) / 2 - s) * factorial((n - absM) / 2 - s));
      // rho^(n-2s) = rho^|m| * (rho^2)^((n-|m|)/2 - s)
      a[smax - s] = c;
    }
    radialCoefCache.set(key, a);
  }
  return a;
}

/** The radial polynomial R_n^|m|(rho) (not normalised). */
export function zernikeRadial(n: number, m: number, rho: number): number {
  checkMode(n, m);
  const absM = Math.abs(m);
  const a = radialCoefficients(n, absM);
  const r2 = rho * rho;
  let acc = 0;
  for (let t = a.length - 1; t >= 0; t--) acc = acc * r2 + a[t]!;
  return acc * Math.pow(rho, absM);
}

/** The normalised Zernike mode at polar coordinates (rho, theta). No disk mask is applied. */
export function zernikePolar(n: number, m: number, rho: number, theta: number): number {
  const radial = zernikeRadial(n, m, rho) * zernikeNormalization(n, m);
  if (m > 0) return radial * Math.cos(m * theta);
  if (m < 0) return radial * Math.sin(-m * theta);
  return radial;
}

/** The normalised Zernike mode at Cartesian pupil coordinates (x right, y down). No mask. */
export function zernikeXY(n: number, m: number, x: number, y: number): number {
  return zernikePolar(n, m, Math.hypot(x, y), Math.atan2(y, x));
}

/**
 * Evaluates `modes` at the points (x[i], y[i]) (normalised pupil coordinates).
 * Returns a (modes.length, x.length) row-major array: basis[k * nPts + i] = Z_k(x_i, y_i).
 */
export function zernikeBasis(modes: readonly ZernikeMode[], x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const nPts = x.length;
  if (y.length !== nPts) throw new RangeError(`zernikeBasis: x has ${nPts} points, y has ${y.length}`);
  const out = new Float64Array(modes.length * nPts);
  const rho = new Float64Array(nPts);
  const theta = new Float64Array(nPts);
  for (let i = 0; i < nPts; i++) {
    rho[i] = Math.hypot(x[i]!, y[i]!);
    theta[i] = Math.atan2(y[i]!, x[i]!);
  }
  modes.forEach((mode, k) => {
    for (let i = 0; i < nPts; i++) out[k * nPts + i] = zernikePolar(mode.n, mode.m, rho[i]!, theta[i]!);
  });
  return out;
}

/**
 * Re-orders a coefficient vector from one ordering to another. Input index i stands for mode
 * firstIndex(from) + i; the output has the same modes at their positions in `to`, zero-filled
 * where the target ordering has a mode the input did not cover (the output length is the smallest
 * that holds every input mode).
 */
export function convertCoefficients(coefficients: ArrayLike<number>, from: ZernikeOrdering, to: ZernikeOrdering): Float64Array {
  if (from === to) return Float64Array.from(coefficients as ArrayLike<number>);
  const modes = modesInOrder(coefficients.length, from);
  const targetPos = modes.map((md) => nmToIndex(md.n, md.m, to) - firstIndex(to));
  const out = new Float64Array(Math.max(0, ...targetPos.map((p) => p + 1)));
  targetPos.forEach((p, i) => (out[p] = coefficients[i]!));
  return out;
}
