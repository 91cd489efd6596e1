/**
 * FFT helpers on interleaved complex typed arrays (pupil -> PSF, wave propagation, MTF, the models'
 * Wiener layers; the FFT render engine uses the batched axis-0 path, axis-fft.ts, instead). Built on
 * the `fft.js` package (radix-4, power-of-two sizes);
 * other sizes go through Bluestein's chirp-z algorithm on a power-of-two transform, so any length
 * works and powers of two stay fastest.
 *
 * Conventions (the same as NumPy's `numpy.fft`):
 * - Complex data is *interleaved*: element i is (re, im) = (a[2i], a[2i+1]).
 * - 2D arrays are row-major with shape (rows, cols); a complex 2D array has length 2*rows*cols.
 * - forward: X[k] = sum_n x[n] exp(-2 pi i k n / N)   (no scaling)
 * - inverse: x[n] = (1/N) sum_k X[k] exp(+2 pi i k n / N)
 * - fftshift moves index 0 to index floor(N/2); ifftshift undoes it (they differ for odd N).
 *
 * Plans (twiddle tables, Bluestein chirps, scratch buffers) are cached per size (plan-cache.ts), so
 * repeated transforms of one size allocate nothing after the first call.
 */
import FFT = require("fft.js");
import { cachedPlan } from "./plan-cache";

/** A 1D complex transform of one fixed length. Input and output are interleaved complex arrays. */
export interface Fft1d {
  readonly size: number;
  /** out <- FFT(input). `out` and `input` must be different arrays of length 2*size. */
  forward(input: Float64Array, out: Float64Array): void;
  /** out <- IFFT(input) (scaled by 1/size). `out` and `input` must be different arrays. */
  inverse(input: Float64Array, out: Float64Array): void;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Power-of-two lengths straight through fft.js (which needs size >= 2). */
class RadixPlan implements Fft1d {
  private readonly fft: FFT;
  constructor(readonly size: number) {
    this.fft = new FFT(size);
  }
  forward(input: Float64Array, out: Float64Array): void {
    this.fft.transform(out, input);
  }
  inverse(input: Float64Array, out: Float64Array): void {
    this.fft.inverseTransform(out, input);
  }
}

/** Length 1: the transform is the identity. */
class IdentityPlan implements Fft1d {
  readonly size = 1;
  forward(input: Float64Array, out: Float64Array): void {
    out[0] = input[0]!;
    out[1] = input[1]!;
  }
  inverse(input: Float64Array, out: Float64Array): void {
    this.forward(input, out);
  }
}

/**
 * Bluestein: with w_k = exp(-i pi k^2 / N), X_k = conj-free form
 *   X_k = w_k * sum_n (x_n w_n) * conj(w_{k-n}),
 * a linear convolution evaluated by a power-of-two FFT of length m >= 2N-1.
 * The inverse uses IFFT(x) = conj(FFT(conj(x))) / N.
 */
class BluesteinPlan implements Fft1d {
  private readonly m: number;
  private readonly inner: RadixPlan;
  /** w_k for k < size, interleaved. */
  private readonly chirp: Float64Array;
  /** FFT of the convolution kernel conj(w) laid out circularly over length m. */
  private readonly kernelSpectrum: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly conjIn: Float64Array;

  constructor(readonly size: number) {
    const n = size;
    this.m = nextPowerOfTwo(2 * n - 1);
    this.inner = new RadixPlan(this.m);
    this.chirp = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      // k^2 mod 2N keeps the angle small, so large k keeps full precision.
      const k2 = (k * k) % (2 * n);
      const ang = (-Math.PI * k2) / n;
      this.chirp[2 * k] = Math.cos(ang);
      this.chirp[2 * k + 1] = Math.sin(ang);
    }
    const kernel = new Float64Array(2 * this.m);
    for (let k = 0; k < n; k++) {
      const re = this.chirp[2 * k]!;
      const im = -this.chirp[2 * k + 1]!; // conj(w_k)
      kernel[2 * k] = re;
      kernel[2 * k + 1] = im;
      if (k > 0) {
        kernel[2 * (this.m - k)] = re;
        kernel[2 * (this.m - k) + 1] = im;
      }
    }
    this.kernelSpectrum = new Float64Array(2 * this.m);
    this.inner.forward(kernel, this.kernelSpectrum);
    this.a = new Float64Array(2 * this.m);
    this.b = new Float64Array(2 * this.m);
    this.conjIn = new Float64Array(2 * n);
  }

  forward(input: Float64Array, out: Float64Array): void {
    const { a, b, chirp, kernelSpectrum: ks } = this;
    const n = this.size;
    a.fill(0);
    for (let k = 0; k < n; k++) {
      const xr = input[2 * k]!, xi = input[2 * k + 1]!;
      const wr = chirp[2 * k]!, wi = chirp[2 * k + 1]!;
      a[2 * k] = xr * wr - xi * wi;
      a[2 * k + 1] = xr * wi + xi * wr;
    }
    this.inner.forward(a, b);
    for (let k = 0; k < this.m; k++) {
      const br = b[2 * k]!, bi = b[2 * k + 1]!;
      const kr = ks[2 * k]!, ki = ks[2 * k + 1]!;
      b[2 * k] = br * kr - bi * ki;
      b[2 * k + 1] = br * ki + bi * kr;
    }
    this.inner.inverse(b, a);
    for (let k = 0; k < n; k++) {
      const cr = a[2 * k]!, ci = a[2 * k + 1]!;
      const wr = chirp[2 * k]!, wi = chirp[2 * k + 1]!;
      out[2 * k] = cr * wr - ci * wi;
      out[2 * k + 1] = cr * wi + ci * wr;
    }
  }

  inverse(input: Float64Array, out: Float64Array): void {
    const n = this.size;
    const c = this.conjIn;
    for (let k = 0; k < n; k++) {
      c[2 * k] = input[2 * k]!;
      c[2 * k + 1] = -input[2 * k + 1]!;
    }
    this.forward(c, out);
    const s = 1 / n;
    for (let k = 0; k < n; k++) {
      out[2 * k] = out[2 * k]! * s;
      out[2 * k + 1] = -out[2 * k + 1]! * s;
    }
  }
}

/** The cached 1D plan for `size` (any positive integer). */
export function fftPlan(size: number): Fft1d {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
  return cachedPlan<Fft1d>("fft1d", size, () => (size === 1 ? new IdentityPlan() : isPowerOfTwo(size) ? new RadixPlan(size) : new BluesteinPlan(size)));
}

/** Scratch line buffers per length, reused by the 2D transforms (JS is single-threaded). */
const lineScratch = new Map<number, [Float64Array, Float64Array]>();
function scratchFor(n: number): [Float64Array, Float64Array] {
  let s = lineScratch.get(n);
  if (!s) {
    s = [new Float64Array(2 * n), new Float64Array(2 * n)];
    lineScratch.set(n, s);
  }
  return s;
}

/**
 * In-place 2D complex FFT of an interleaved (rows, cols) array: rows first, then columns.
 * `inverse` applies the 1/(rows*cols) scaling. Returns `data`.
 */
export function fft2InPlace(data: Float64Array, rows: number, cols: number, inverse = false): Float64Array {
  if (data.length !== 2 * rows * cols)
    throw new RangeError(`fft2: array length ${data.length} does not match 2*${rows}*${cols}`);
  const rowPlan = fftPlan(cols);
  const [rin, rout] = scratchFor(cols);
  for (let r = 0; r < rows; r++) {
    const off = 2 * r * cols;
    rin.set(data.subarray(off, off + 2 * cols));
    if (inverse) rowPlan.inverse(rin, rout);
    else rowPlan.forward(rin, rout);
    data.set(rout, off);
  }
  transformColumns(data, rows, cols, inverse, 0, cols);
  return data;
}

/**
 * Transforms columns [c0, c1) of an interleaved (rows, cols) array in place along the row axis.
 * Exposed so that callers who need only some output columns (pruned transforms) can skip the rest.
 */
export function transformColumns(data: Float64Array, rows: number, cols: number, inverse: boolean, c0: number, c1: number): void {
  const colPlan = fftPlan(rows);
  const [cin, cout] = scratchFor(rows);
  for (let c = c0; c < c1; c++) {
    for (let r = 0; r < rows; r++) {
      const src = 2 * (r * cols + c);
      cin[2 * r] = data[src]!;
      cin[2 * r + 1] = data[src + 1]!;
    }
    if (inverse) colPlan.inverse(cin, cout);
    else colPlan.forward(cin, cout);
    for (let r = 0; r < rows; r++) {
      const dst = 2 * (r * cols + c);
      data[dst] = cout[2 * r]!;
      data[dst + 1] = cout[2 * r + 1]!;
    }
  }
}

/** Forward 2D FFT into a new array (input untouched). */
export function fft2(data: Float64Array, rows: number, cols: number): Float64Array {
  return fft2InPlace(Float64Array.from(data), rows, cols, false);
}

/** Inverse 2D FFT (scaled by 1/(rows*cols)) into a new array (input untouched). */
export function ifft2(data: Float64Array, rows: number, cols: number): Float64Array {
  return fft2InPlace(Float64Array.from(data), rows, cols, true);
}

/** A real (rows, cols) array as an interleaved complex array with zero imaginary part. */
export function realToComplex(real: ArrayLike<number>, out?: Float64Array): Float64Array {
  const o = out ?? new Float64Array(2 * real.length);
  for (let i = 0; i < real.length; i++) {
    o[2 * i] = real[i]!;
    o[2 * i + 1] = 0;
  }
  return o;
}

/** |z|^2 of each element of an interleaved complex array. */
export function complexAbs2(data: Float64Array, out?: Float64Array): Float64Array {
  const n = data.length / 2;
  const o = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const re = data[2 * i]!, im = data[2 * i + 1]!;
    o[i] = re * re + im * im;
  }
  return o;
}

/**
 * Circular shift of a (rows, cols) array by (dr, dc), element size `width` numbers
 * (1 = real, 2 = interleaved complex). Writes into `out` (must differ from `src`).
 */
export function roll2<T extends Float32Array | Float64Array>(
  src: T,
  rows: number,
  cols: number,
  dr: number,
  dc: number,
  out: T,
  width: 1 | 2 = 1,
): T {
  if (src === out) throw new RangeError("roll2: out must differ from src");
  if (src.length !== rows * cols * width) throw new RangeError(`roll2: length ${src.length} != ${rows}*${cols}*${width}`);
  const sr = ((dr % rows) + rows) % rows;
  const sc = ((dc % cols) + cols) % cols;
  for (let r = 0; r < rows; r++) {
    const rr = (r + sr) % rows;
    for (let c = 0; c < cols; c++) {
      const cc = (c + sc) % cols;
      const s = (r * cols + c) * width;
      const d = (rr * cols + cc) * width;
      out[d] = src[s]!;
      if (width === 2) out[d + 1] = src[s + 1]!;
    }
  }
  return out;
}

/** NumPy's fftshift over both axes: index 0 moves to floor(n/2). */
export function fftshift2<T extends Float32Array | Float64Array>(src: T, rows: number, cols: number, width: 1 | 2 = 1, out?: T): T {
  const o = out ?? (new (src.constructor as new (n: number) => T)(src.length));
  return roll2(src, rows, cols, Math.floor(rows / 2), Math.floor(cols / 2), o, width);
}

/** NumPy's ifftshift over both axes: index floor(n/2) moves to 0. */
export function ifftshift2<T extends Float32Array | Float64Array>(src: T, rows: number, cols: number, width: 1 | 2 = 1, out?: T): T {
  const o = out ?? (new (src.constructor as new (n: number) => T)(src.length));
  return roll2(src, rows, cols, -Math.floor(rows / 2), -Math.floor(cols / 2), o, width);
}

/**
 * Zero-pads a (rows, cols) array into (outRows, outCols). `centred` keeps the array's centre
 * element (floor(n/2)) at the output's centre element (floor(N/2)), which is what pupil padding
 * needs; otherwise the data is placed at the top-left corner.
 */
export function zeroPad2<T extends Float32Array | Float64Array>(
  src: T,
  rows: number,
  cols: number,
  outRows: number,
  outCols: number,
  opts: { centred?: boolean; width?: 1 | 2 } = {},
): T {
  const width = opts.width ?? 1;
  if (outRows < rows || outCols < cols) throw new RangeError(`zeroPad2: (${outRows}, ${outCols}) smaller than (${rows}, ${cols})`);
  const out = new (src.constructor as new (n: number) => T)(outRows * outCols * width);
  const r0 = opts.centred ? Math.floor(outRows / 2) - Math.floor(rows / 2) : 0;
  const c0 = opts.centred ? Math.floor(outCols / 2) - Math.floor(cols / 2) : 0;
  for (let r = 0; r < rows; r++) {
    out.set(src.subarray(r * cols * width, (r + 1) * cols * width), ((r + r0) * outCols + c0) * width);
  }
  return out;
}
