/**
 * Shift-invariant blur as a circular convolution on a (rows, cols) plane, evaluated with the 2D FFT
 * of src/fft/fft2.ts. The kernel is real, so two real planes travel in one complex transform
 * (a + i·b): conv(a + i·b) = conv(a) + i·conv(b), which halves the transforms per channel pair.
 *
 * Conventions: a PSF of size (kh, kw) has its centre at (floor(kh/2), floor(kw/2)), so a delta there
 * is the identity; `forward` is the convolution y = k * x (the blur), `adjoint` the correlation with
 * k (= convolution with the flipped kernel).
 */
import type { ImageHWC, NumericArray } from "../../array";
import { fft2InPlace } from "../../fft";
import { ArgumentError } from "../../util/errors";

/** psf2otf: the kernel zero-padded to (rows, cols), its centre rolled to (0, 0), transformed. */
export function psfToOtf(psf: ImageHWC<NumericArray>, rows: number, cols: number): Float64Array {
  const { height: kh, width: kw } = psf;
  if (psf.channels !== 1) throw new ArgumentError("psf", "one PSF plane (channels 1)", `${psf.channels} channels`);
  if (kh > rows || kw > cols) throw new RangeError(`PSF ${kh}x${kw} is larger than the ${rows}x${cols} plane`);
  const cy = Math.floor(kh / 2), cx = Math.floor(kw / 2);
  const z = new Float64Array(2 * rows * cols);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const r = (i - cy + rows) % rows, c = (j - cx + cols) % cols;
      z[2 * (r * cols + c)] += psf.data[i * kw + j]!;
    }
  return fft2InPlace(z, rows, cols, false);
}

export class FourierConvolution {
  readonly otf: Float64Array;
  private readonly buf: Float64Array;
  constructor(
    psf: ImageHWC<NumericArray>,
    readonly rows: number,
    readonly cols: number,
  ) {
    this.otf = psfToOtf(psf, rows, cols);
    this.buf = new Float64Array(2 * rows * cols);
  }

  /** Largest |OTF|^2: the Lipschitz constant of the data term's gradient (1 for a normalised non-negative PSF). */
  maxGain2(): number {
    let m = 0;
    for (let i = 0; i < this.otf.length; i += 2) m = Math.max(m, this.otf[i]! * this.otf[i]! + this.otf[i + 1]! * this.otf[i + 1]!);
    return m;
  }

  /**
   * Applies a real (Hermitian-spectrum) filter to one or two planes packed as a + i·b: `spectrum(z, k)`
   * replaces the interleaved value (z[2k], z[2k+1]) by its filtered value. Outs may alias the inputs.
   */
  filter(planes: readonly Float64Array[], outs: readonly Float64Array[], spectrum: (z: Float64Array, k: number) => void): void {
    const n = this.rows * this.cols, z = this.buf;
    const a = planes[0]!, b = planes[1];
    for (let i = 0; i < n; i++) {
      z[2 * i] = a[i]!;
      z[2 * i + 1] = b ? b[i]! : 0;
    }
    fft2InPlace(z, this.rows, this.cols, false);
    for (let k = 0; k < n; k++) spectrum(z, k);
    fft2InPlace(z, this.rows, this.cols, true);
    const oa = outs[0]!, ob = outs[1];
    for (let i = 0; i < n; i++) {
      oa[i] = z[2 * i]!;
      if (ob) ob[i] = z[2 * i + 1]!;
    }
  }

  /** outs = k * planes (the blur). */
  forward(planes: readonly Float64Array[], outs: readonly Float64Array[]): void {
    this.multiply(planes, outs, false);
  }
  /** outs = k ⋆ planes (correlation, the adjoint of forward). */
  adjoint(planes: readonly Float64Array[], outs: readonly Float64Array[]): void {
    this.multiply(planes, outs, true);
  }

  private multiply(planes: readonly Float64Array[], outs: readonly Float64Array[], conj: boolean): void {
    const h = this.otf, s = conj ? -1 : 1;
    this.filter(planes, outs, (z, k) => {
      const re = z[2 * k]!, im = z[2 * k + 1]!;
      const hr = h[2 * k]!, hi = s * h[2 * k + 1]!;
      z[2 * k] = re * hr - im * hi;
      z[2 * k + 1] = re * hi + im * hr;
    });
  }
}
