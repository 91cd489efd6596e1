/**
 * Bessel functions J0, J1 (Airy patterns, waveguide modes) and modified Bessel K0, K1 (evanescent
 * field of a pillar mode), by the polynomial approximations of Abramowitz & Stegun 9.4.1-9.4.6 and
 * 9.8.1-9.8.8 (absolute error below ~1e-7). Golden values from SciPy are in test/optics/wave/.
 */

function poly(t: number, c: readonly number[]): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * t + c[i]!;
  return s;
}

export function besselJ0(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 3) {
    const t = (x / 3) ** 2;
    return poly(t, [1, -2.2499997, 1.2656208, -0.3163866, 0.0444479, -0.0039444, 0.00021]);
  }
  const y = 3 / ax;
  const f0 = poly(y, [0.79788456, -0.00000077, -0.0055274, -0.00009512, 0.00137237, -0.00072805, 0.00014476]);
  const th = ax + poly(y, [-0.78539816, -0.04166397, -0.00003954, 0.00262573, -0.00054125, -0.00029333, 0.00013558]);
  return (f0 * Math.cos(th)) / Math.sqrt(ax);
}

export function besselJ1(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 3) {
    const t = (x / 3) ** 2;
    return x * poly(t, [0.5, -0.56249985, 0.21093573, -0.03954289, 0.00443319, -0.00031761, 0.00001109]);
  }
  const y = 3 / ax;
  const f1 = poly(y, [0.79788456, 0.00000156, 0.01659667, 0.00017105, -0.00249511, 0.00113653, -0.00020033]);
  const th = ax + poly(y, [-2.35619449, 0.12499612, 0.0000565, -0.00637879, 0.00074348, 0.00079824, -0.00029166]);
  const v = (f1 * Math.cos(th)) / Math.sqrt(ax);
  return x < 0 ? -v : v;
}

function besselI0(x: number): number {
  const t = (x / 3.75) ** 2;
  return poly(t, [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813]);
}

function besselI1(x: number): number {
  const t = (x / 3.75) ** 2;
  return x * poly(t, [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411]);
}

/** K0(x), x > 0. */
export function besselK0(x: number): number {
  if (x <= 2) {
    const t = (x / 2) ** 2;
    return -Math.log(x / 2) * besselI0(x) + poly(t, [-0.57721566, 0.4227842, 0.23069756, 0.0348859, 0.00262698, 0.0001075, 0.0000074]);
  }
  const y = 2 / x;
  return (Math.exp(-x) / Math.sqrt(x)) * poly(y, [1.25331414, -0.07832358, 0.02189568, -0.01062446, 0.00587872, -0.0025154, 0.00053208]);
}

/** K1(x), x > 0. */
export function besselK1(x: number): number {
  if (x <= 2) {
    const t = (x / 2) ** 2;
    return (x * Math.log(x / 2) * besselI1(x) + poly(t, [1, 0.15443144, -0.67278579, -0.18156897, -0.01919402, -0.00110404, -0.00004686])) / x;
  }
  const y = 2 / x;
  return (Math.exp(-x) / Math.sqrt(x)) * poly(y, [1.25331414, 0.23498619, -0.0365562, 0.01504268, -0.00780353, 0.00325614, -0.00068245]);
}

/** Airy intensity (2 J1(v) / v)^2, 1 at v = 0. */
export function airy(v: number): number {
  if (Math.abs(v) < 1e-8) return 1;
  const a = (2 * besselJ1(v)) / v;
  return a * a;
}
