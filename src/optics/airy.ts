/**
 * Analytic diffraction references: Bessel functions J0, J1 and the Airy pattern of a circular
 * aperture. Used to check the Fourier-optics PSFs and for plotting references in notebooks.
 */

/**
 * Bessel function of the first kind of integer order n, from Bessel's integral
 *   J_n(x) = (1/pi) * integral_0^pi cos(n tau - x sin tau) d tau.
 * The integrand extends to a smooth 2*pi-periodic function, so the trapezoidal rule converges
 * exponentially; with more nodes than |x| + 40 the result is accurate to ~1e-14 for |x| < 1e3.
 */
export function besselJ(n: number, x: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`besselJ: order must be a non-negative integer, got ${n}`);
  const nodes = Math.max(64, Math.ceil(Math.abs(x) + 40 + n));
  const h = Math.PI / nodes;
  // Trapezoid over [0, pi] with both end points at half weight.
  let sum = 0.5 * (Math.cos(0) + Math.cos(n * Math.PI));
  for (let i = 1; i < nodes; i++) {
    const t = i * h;
    sum += Math.cos(n * t - x * Math.sin(t));
  }
  return (sum * h) / Math.PI;
}

export const besselJ0 = (x: number): number => besselJ(0, x);
export const besselJ1 = (x: number): number => besselJ(1, x);

/** First zero of J1: the Airy dark ring sits at x = 3.8317..., i.e. r = 1.2197 lambda N. */
export const BESSEL_J1_FIRST_ZERO = 3.8317059702075125;

/** Radius of the first Airy dark ring in micrometres: 3.8317/pi * lambda * N (= 1.22 lambda N). */
export function airyFirstZeroUm(wavelengthNm: number, fNumber: number): number {
  return (BESSEL_J1_FIRST_ZERO / Math.PI) * (wavelengthNm / 1000) * fNumber;
}

/** Airy intensity normalised to 1 at the centre: [2 J1(x)/x]^2 with x = pi r / (lambda N). */
export function airyIntensity(radiusUm: number, wavelengthNm: number, fNumber: number): number {
  const x = (Math.PI * radiusUm) / ((wavelengthNm / 1000) * fNumber);
  if (Math.abs(x) < 1e-8) return 1;
  const v = (2 * besselJ1(x)) / x;
  return v * v;
}

/** Fraction of the Airy pattern's energy inside radius r: 1 - J0(x)^2 - J1(x)^2. */
export function airyEncircledEnergy(radiusUm: number, wavelengthNm: number, fNumber: number): number {
  const x = (Math.PI * radiusUm) / ((wavelengthNm / 1000) * fNumber);
  const j0 = besselJ0(x);
  const j1 = besselJ1(x);
  return 1 - j0 * j0 - j1 * j1;
}
