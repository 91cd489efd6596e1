/**
 * FFT renderer on typed arrays (the fast CPU path).
 *
 * Overlap-add on power-of-two tiles: the image is cut into blocks of B = T - k + 1 pixels, each block's
 * linear convolution with a k x k kernel fits a T x T FFT without aliasing, and the blocks' outputs
 * are added onto the output (on the zero-padded canvas, or wrapped for circular boundaries). T is
 * chosen to minimise tiles * T^2 log T, which also keeps a tile (1 MiB at T = 256) in cache.
 *
 * Two real convolutions per complex FFT: for real a1, a2, B1, B2,
 *   Re[(a1 + i a2) (*) (B1 - i B2)] = a1 (*) B1 + a2 (*) B2          (scatter: sums pairs of bases)
 *   (x (*) (B1 + i B2)) = x (*) B1 + i (x (*) B2)                     (gather: two blurred images at once)
 * so a basis of m kernels costs ceil(m/2) forward FFTs per tile (scatter) and one inverse. Kernel
 * spectra are computed once per tile size and reused across tiles, channels' images and calls.
 * The inverse is a forward FFT of the conjugate (the 1/T^2 is folded into the stored spectra).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import FFT = require("fft.js");
import type { NdArray } from "../util/ndarray";
import { checkInputs, resolveOptions, type RenderDims, type RenderOptions, type ResolvedOptions } from "./types";

interface FftLike {
  transform(out: Float64Array, data: Float64Array): void;
}

/** 2D in-place complex FFT of an interleaved T x T buffer; rows >= `rowsUsed` are known to be zero. */
class Fft2d {
  private readonly fft: FftLike;
  private readonly lineIn: Float64Array;
  private readonly lineOut: Float64Array;

  constructor(readonly size: number) {
    this.fft = new FFT(size) as unknown as FftLike;
    this.lineIn = new Float64Array(2 * size);
    this.lineOut = new Float64Array(2 * size);
  }

  forward(buf: Float64Array, rowsUsed = this.size): void {
    const T = this.size;
    const T2 = 2 * T;
    const out = this.lineOut;
    const inp = this.lineIn;
    for (let r = 0; r < rowsUsed; r++) {
      this.fft.transform(out, buf.subarray(r * T2, (r + 1) * T2));
      buf.set(out, r * T2);
    }
    for (let c = 0; c < T; c++) {
      const c2 = 2 * c;
      for (let r = 0, o = c2; r < T; r++, o += T2) {
        inp[2 * r] = buf[o] as number;
        inp[2 * r + 1] = buf[o + 1] as number;
      }
      this.fft.transform(out, inp);
      for (let r = 0, o = c2; r < T; r++, o += T2) {
        buf[o] = out[2 * r] as number;
        buf[o + 1] = out[2 * r + 1] as number;
      }
    }
  }
}

/** Picks the power-of-two tile size minimising the work for a (H, W) image and k x k kernels. */
export function chooseTileSize(height: number, width: number, k: number): number {
  let best = 0;
  let bestCost = Infinity;
  const limit = 1 << Math.ceil(Math.log2(Math.max(height, width) + k - 1));
  for (let T = 1 << Math.ceil(Math.log2(Math.max(2 * k, 8))); T <= Math.max(limit, 8); T *= 2) {
    const B = T - k + 1;
    const tiles = Math.ceil(height / B) * Math.ceil(width / B);
    // Tiles larger than 512 leave the cache; weigh them up a little.
    const cost = tiles * T * T * Math.log2(T) * (T > 512 ? 1.3 : 1);
    if (cost < bestCost) {
      bestCost = cost;
      best = T;
    }
  }
  return best;
}

export interface FftRendererOptions extends RenderOptions {
  /** Force a tile size (power of two >= k); default: chosen per image size. */
  tileSize?: number;
}

/** Renders with one basis; spectra are cached per tile size. */
export class FftRenderer {
  readonly opts: ResolvedOptions;
  private readonly spectra = new Map<number, Float64Array[]>();
  private readonly channels: number;
  private readonly count: number;
  private readonly k: number;

  constructor(readonly basisPsfs: NdArray, private readonly options: FftRendererOptions = {}) {
    this.opts = resolveOptions(options);
    [this.channels, this.count, this.k] = basisPsfs.shape as [number, number, number];
  }

  /** Stored spectra for tile size T: per channel and pair, conj(FFT(B1 -/+ i B2)) / T^2, interleaved. */
  private spectraFor(T: number): Float64Array[] {
    let s = this.spectra.get(T);
    if (s) return s;
    const { channels: C, count: m, k } = this;
    const fft = new Fft2d(T);
    const sign = this.opts.form === "scatter" ? -1 : 1;
    const scale = 1 / (T * T);
    s = [];
    for (let c = 0; c < C; c++)
      for (let p = 0; p < m; p += 2) {
        const buf = new Float64Array(2 * T * T);
        const b1 = this.basisPsfs.data.subarray((c * m + p) * k * k, (c * m + p + 1) * k * k);
        const b2 = p + 1 < m ? this.basisPsfs.data.subarray((c * m + p + 1) * k * k, (c * m + p + 2) * k * k) : null;
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++) {
            buf[2 * (y * T + x)] = b1[y * k + x] as number;
            if (b2) buf[2 * (y * T + x) + 1] = sign * (b2[y * k + x] as number);
          }
        fft.forward(buf, k);
        for (let i = 0; i < buf.length; i += 2) {
          buf[i] = (buf[i] as number) * scale;
          buf[i + 1] = -(buf[i + 1] as number) * scale;
        }
        s.push(buf);
      }
    this.spectra.set(T, s);
    return s;
  }

  /** image (C, H, W), coef (C, m, H, W) -> (C, H, W) or (C, H + k - 1, W + k - 1) for output "full". */
  render(image: NdArray, coef: NdArray): NdArray {
    const d = checkInputs(image, this.basisPsfs, coef, this.opts);
    const T = this.options.tileSize ?? chooseTileSize(d.height, d.width, d.kernelSize);
    if (!Number.isInteger(T) || T < d.kernelSize || (T & (T - 1)) !== 0)
      throw new RangeError(`tileSize must be a power of two no smaller than the kernel (${d.kernelSize}), got ${T}`);
    const spectra = this.spectraFor(T);
    const out = new Float32Array(d.channels * d.outHeight * d.outWidth);
    const acc = new Float64Array(d.outHeight * d.outWidth);
    const work = new TileWork(T, d, this.opts);
    const pairs = Math.ceil(d.count / 2);
    for (let c = 0; c < d.channels; c++) {
      acc.fill(0);
      const chSpectra = spectra.slice(c * pairs, (c + 1) * pairs);
      const x = image.data.subarray(c * d.height * d.width, (c + 1) * d.height * d.width);
      const a = coef.data.subarray(c * d.count * d.height * d.width, (c + 1) * d.count * d.height * d.width);
      for (let by = 0; by < d.height; by += work.B)
        for (let bx = 0; bx < d.width; bx += work.B) {
          if (this.opts.form === "scatter") work.scatterTile(x, a, chSpectra, by, bx, acc);
          else work.gatherTile(x, a, chSpectra, by, bx, acc);
        }
      const o = out.subarray(c * d.outHeight * d.outWidth, (c + 1) * d.outHeight * d.outWidth);
      for (let i = 0; i < acc.length; i++) o[i] = acc[i] as number;
    }
    return { data: out, shape: [d.channels, d.outHeight, d.outWidth] };
  }
}

/** Buffers and the per-tile steps for one tile size. */
class TileWork {
  readonly B: number;
  private readonly fft: Fft2d;
  private readonly z: Float64Array;
  private readonly s: Float64Array;
  private readonly g: Float64Array;

  constructor(readonly T: number, readonly d: RenderDims, readonly o: ResolvedOptions) {
    this.B = T - d.kernelSize + 1;
    this.fft = new Fft2d(T);
    this.z = new Float64Array(2 * T * T);
    this.s = new Float64Array(2 * T * T);
    this.g = new Float64Array(2 * T * T);
  }

  /** Output index of tile position j for block start b along an axis of length n (out length nOut), or -1. */
  private mapIndex(b: number, j: number, n: number): number {
    const p = b + j - this.d.centre;
    if (this.o.boundary === "circular") return ((p % n) + n) % n;
    if (this.o.output === "full") return p + this.d.centre;
    return p >= 0 && p < n ? p : -1;
  }

  scatterTile(x: Float32Array, a: Float32Array, spectra: Float64Array[], by: number, bx: number, acc: Float64Array): void {
    const { T, z, s, d } = this;
    const { width: W, height: H, count: m } = d;
    const plane = H * W;
    const bh = Math.min(this.B, H - by);
    const bw = Math.min(this.B, W - bx);
    s.fill(0);
    for (let p = 0; p < m; p += 2) {
      z.fill(0);
      const a1 = a.subarray(p * plane, (p + 1) * plane);
      const a2 = p + 1 < m ? a.subarray((p + 1) * plane, (p + 2) * plane) : null;
      for (let y = 0; y < bh; y++) {
        const src = (by + y) * W + bx;
        const dst = 2 * y * T;
        for (let xx = 0; xx < bw; xx++) {
          const v = x[src + xx] as number;
          z[dst + 2 * xx] = (a1[src + xx] as number) * v;
          if (a2) z[dst + 2 * xx + 1] = (a2[src + xx] as number) * v;
        }
      }
      this.fft.forward(z, bh);
      // s += conj(Z) * stored   (stored = conj(W) / T^2)
      const w = spectra[p >> 1] as Float64Array;
      for (let i = 0; i < z.length; i += 2) {
        const zr = z[i] as number;
        const zi = z[i + 1] as number;
        const wr = w[i] as number;
        const wi = w[i + 1] as number;
        s[i] = (s[i] as number) + zr * wr + zi * wi;
        s[i + 1] = (s[i + 1] as number) + zr * wi - zi * wr;
      }
    }
    this.fft.forward(s);
    this.accumulate(s, by, bx, acc, null, 0);
  }

  gatherTile(x: Float32Array, a: Float32Array, spectra: Float64Array[], by: number, bx: number, acc: Float64Array): void {
    const { T, z, g, d } = this;
    const { width: W, height: H, count: m } = d;
    const plane = H * W;
    const bh = Math.min(this.B, H - by);
    const bw = Math.min(this.B, W - bx);
    z.fill(0);
    for (let y = 0; y < bh; y++) for (let xx = 0; xx < bw; xx++) z[2 * (y * T + xx)] = x[(by + y) * W + bx + xx] as number;
    this.fft.forward(z, bh);
    for (let p = 0; p < m; p += 2) {
      const w = spectra[p >> 1] as Float64Array;
      // g = conj(X) * stored; FFT(g) = T^2 conj(IFFT(X W)) -> real part: x (*) B1, minus imaginary: x (*) B2.
      for (let i = 0; i < z.length; i += 2) {
        const zr = z[i] as number;
        const zi = z[i + 1] as number;
        const wr = w[i] as number;
        const wi = w[i + 1] as number;
        g[i] = zr * wr + zi * wi;
        g[i + 1] = zr * wi - zi * wr;
      }
      this.fft.forward(g);
      this.accumulate(g, by, bx, acc, a.subarray(p * plane, (p + 1) * plane), 1);
      if (p + 1 < m) this.accumulate(g, by, bx, acc, a.subarray((p + 1) * plane, (p + 2) * plane), -1);
    }
  }

  /**
   * acc[out(p)] += part(tile(j)) (times coef(p) in gather form), part = Re (which = 0, scatter),
   * Re (which = 1) or -Im (which = -1). Gather coefficients outside the image are the edge values.
   */
  private accumulate(buf: Float64Array, by: number, bx: number, acc: Float64Array, coefPlane: Float32Array | null, which: number): void {
    const { T, d } = this;
    const { height: H, width: W, outWidth: Wo } = d;
    const full = this.o.output === "full" && this.o.boundary === "zero";
    const xs = new Int32Array(T);
    const cx = new Int32Array(T);
    for (let j = 0; j < T; j++) {
      xs[j] = this.mapIndex(bx, j, W);
      const p = full ? (xs[j] as number) - d.centre : (xs[j] as number);
      cx[j] = Math.min(W - 1, Math.max(0, p));
    }
    const off = which === -1 ? 1 : 0;
    const sgn = which === -1 ? -1 : 1;
    for (let jy = 0; jy < T; jy++) {
      const oy = this.mapIndex(by, jy, H);
      if (oy < 0) continue;
      const row = oy * Wo;
      const crow = coefPlane ? Math.min(H - 1, Math.max(0, full ? oy - d.centre : oy)) * W : 0;
      const t = 2 * jy * T + off;
      for (let jx = 0; jx < T; jx++) {
        const ox = xs[jx] as number;
        if (ox < 0) continue;
        let v = sgn * (buf[t + 2 * jx] as number);
        if (coefPlane) v *= coefPlane[crow + (cx[jx] as number)] as number;
        acc[row + ox] = (acc[row + ox] as number) + v;
      }
    }
  }
}

/** One-shot convenience: renders `image` with a basis and its coefficient maps. */
export function renderFft(image: NdArray, basisPsfs: NdArray, coef: NdArray, opts: FftRendererOptions = {}): NdArray {
  return new FftRenderer(basisPsfs, opts).render(image, coef);
}
