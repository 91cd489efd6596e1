/**
 * Batched mixed-radix (2, 3, 4, 5) complex FFT along axis 0 of a row-major block, for the 2D
 * transforms of the FFT render engine.
 *
 * Why along axis 0: every butterfly combines whole rows with one twiddle, so the innermost loop runs
 * over a contiguous row with constant coefficients (no per-element twiddle loads, long loops even in
 * the first stages, cache lines fully used). A 2D transform is then: pass along axis 0, transpose,
 * pass along axis 0 again. Stockham autosort (ping-pong between two buffers) needs no digit-reversal
 * permutation, and works for any product of the supported radices.
 *
 * Data: split planes (re, im) of `rows x stride` float64; a pass transforms columns 0..len-1.
 */

import { cachedPlan } from "./plan-cache";
import { wasmPlanes, type Planes, type WasmPlanes } from "./planes";

/** Radices (4 first, then 2, 3, 5) whose product is n, or null when n has another prime factor. */
export function factorRadices(n: number): number[] | null {
  if (!Number.isInteger(n) || n < 1) return null;
  const out: number[] = [];
  let r = n;
  while (r % 4 === 0) {
    out.push(4);
    r /= 4;
  }
  if (r % 2 === 0) {
    out.push(2);
    r /= 2;
  }
  for (const p of [3, 5]) {
    while (r % p === 0) {
      out.push(p);
      r /= p;
    }
  }
  return r === 1 ? out : null;
}

/**
 * Cost per point of a stage of each radix and of a whole pass (calls, loop set-up), in ns, fitted to
 * the SIMD butterflies' times on this machine (passes of 256, 320 and 576 rows: 4.9, 6.1, 6.6 ns/point).
 */
const RADIX_COST: Record<number, number> = { 2: 0.6, 3: 1.25, 4: 0.8, 5: 2.0 };
const PASS_COST = 1.7;

/** Estimated cost per point of a length-n transform along axis 0 (ns). */
export function passCostPerPoint(n: number): number {
  const r = factorRadices(n);
  if (!r) return Infinity;
  return r.reduce((s, p) => s + (RADIX_COST[p] as number), PASS_COST);
}

interface Stage {
  radix: number;
  /** Product of the radices of the earlier stages. */
  ns: number;
  /** Twiddles w^(q k), k < ns, q = 1..radix-1: cos at 2 (k (radix - 1) + q - 1), sin after it. */
  tw: Float64Array;
}

const S3 = Math.sqrt(3) / 2;
const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

/** The cached AxisFft of length n and direction `sign` (plans are immutable, so callers share them). */
export function axisFftPlan(n: number, sign: 1 | -1): AxisFft {
  return cachedPlan("axis", `${n}:${sign}`, () => new AxisFft(n, sign));
}

/** FFT of length n along axis 0; sign -1: forward (e^{-2 pi i jk/n}), +1: inverse without the 1/n. */
export class AxisFft {
  private readonly stages: Stage[];

  constructor(
    readonly n: number,
    readonly sign: 1 | -1,
  ) {
    const radices = factorRadices(n);
    if (!radices) throw new RangeError(`FFT length must be a product of 2, 3 and 5, got ${n}`);
    this.stages = [];
    let ns = 1;
    for (const radix of radices) {
      const tw = new Float64Array(2 * ns * (radix - 1));
      for (let k = 0; k < ns; k++)
        for (let q = 1; q < radix; q++) {
          const a = (sign * 2 * Math.PI * q * k) / (ns * radix);
          tw[2 * (k * (radix - 1) + q - 1)] = Math.cos(a);
          tw[2 * (k * (radix - 1) + q - 1) + 1] = Math.sin(a);
        }
      this.stages.push({ radix, ns, tw });
      ns *= radix;
    }
  }

  /**
   * Transforms rows 0..n-1, columns 0..len-1 (row stride `stride`) of `a`, using `b` as scratch;
   * returns whichever of the two holds the result. Columns >= len are neither read nor written.
   */
  run(a: Planes, b: Planes, len: number, stride: number, strip = 0): Planes {
    // Optional column strips (all stages on a strip before the next one). Measured on this machine
    // (2 MiB L2, large L3) whole rows are fastest: longer loops, fewer calls; kept for measurements.
    const w = strip > 0 ? Math.max(2, Math.min(len, strip)) : len;
    let res = a;
    for (let c0 = 0; c0 < len; c0 += w) res = this.runStrip(a, b, c0, Math.min(len, c0 + w), stride);
    return res;
  }

  private runStrip(a: Planes, b: Planes, c0: number, c1: number, stride: number): Planes {
    let src = a;
    let dst = b;
    const n = this.n;
    const len = c1 - c0;
    for (const st of this.stages) {
      const r = st.radix;
      const m = n / r;
      const sIn = m * stride;
      const sOut = st.ns * stride;
      const ws = wasmPlanes(src) !== undefined && wasmPlanes(dst) !== undefined;
      const even = ws ? len & ~1 : 0;
      for (let j = 0; j < m; j++) {
        const k = j % st.ns;
        let inOff = j * stride + c0;
        let outOff = ((j - k) * r + k) * stride + c0;
        const t = 2 * k * (r - 1);
        if (even > 0) {
          runWasm(src as WasmPlanes, dst as WasmPlanes, r, inOff, sIn, outOff, sOut, even, st.tw, t, k === 0, this.sign);
          if (even === len) continue;
          inOff += even;
          outOff += even;
        }
        const rest = len - even;
        if (r === 4) radix4(src, dst, inOff, sIn, outOff, sOut, rest, st.tw, t, k === 0, this.sign);
        else if (r === 2) radix2(src, dst, inOff, sIn, outOff, sOut, rest, st.tw, t, k === 0);
        else if (r === 3) radix3(src, dst, inOff, sIn, outOff, sOut, rest, st.tw, t, k === 0, this.sign);
        else radix5(src, dst, inOff, sIn, outOff, sOut, rest, st.tw, t, this.sign);
      }
      const x = src;
      src = dst;
      dst = x;
    }
    return src;
  }
}

/** The SIMD butterfly for `len` (even) columns; element offsets in, byte pointers to wasm. */
function runWasm(src: WasmPlanes, dst: WasmPlanes, r: number, i0: number, sIn: number, o0: number, sOut: number, len: number, tw: Float64Array, t: number, plain: boolean, sign: number): void {
  const K = src.loops;
  const a = src.reOff + 8 * i0, b = src.imOff + 8 * i0, c = dst.reOff + 8 * o0, d = dst.imOff + 8 * o0;
  const si = 8 * sIn, so = 8 * sOut, nb = 8 * len;
  if (r === 4) {
    if (plain) K.r4plain(a, b, c, d, si, so, nb, 1, 0, 1, 0, 1, 0, sign);
    else K.r4(a, b, c, d, si, so, nb, tw[t], tw[t + 1], tw[t + 2], tw[t + 3], tw[t + 4], tw[t + 5], sign);
  } else if (r === 2) K.r2(a, b, c, d, si, so, nb, plain ? 1 : tw[t], plain ? 0 : tw[t + 1], sign);
  else if (r === 3) K.r3(a, b, c, d, si, so, nb, plain ? 1 : tw[t], plain ? 0 : tw[t + 1], plain ? 1 : tw[t + 2], plain ? 0 : tw[t + 3], sign);
  else K.r5(a, b, c, d, si, so, nb, tw[t], tw[t + 1], tw[t + 2], tw[t + 3], tw[t + 4], tw[t + 5], tw[t + 6], tw[t + 7], sign);
}

function radix2(src: Planes, dst: Planes, i0: number, sIn: number, o0: number, sOut: number, len: number, tw: Float64Array, t: number, plain: boolean): void {
  const sr = src.re, si = src.im, dr = dst.re, di = dst.im;
  const i1 = i0 + sIn, o1 = o0 + sOut;
  const w1r = plain ? 1 : tw[t], w1i = plain ? 0 : tw[t + 1];
  for (let c = 0; c < len; c++) {
    const a0r = sr[i0 + c], a0i = si[i0 + c];
    const x1r = sr[i1 + c], x1i = si[i1 + c];
    const a1r = x1r * w1r - x1i * w1i, a1i = x1r * w1i + x1i * w1r;
    dr[o0 + c] = a0r + a1r;
    di[o0 + c] = a0i + a1i;
    dr[o1 + c] = a0r - a1r;
    di[o1 + c] = a0i - a1i;
  }
}

function radix4(src: Planes, dst: Planes, i0: number, sIn: number, o0: number, sOut: number, len: number, tw: Float64Array, t: number, plain: boolean, sign: number): void {
  const sr = src.re, si = src.im, dr = dst.re, di = dst.im;
  const i1 = i0 + sIn, i2 = i1 + sIn, i3 = i2 + sIn;
  const o1 = o0 + sOut, o2 = o1 + sOut, o3 = o2 + sOut;
  if (plain) {
    for (let c = 0; c < len; c++) {
      const a0r = sr[i0 + c], a0i = si[i0 + c];
      const a1r = sr[i1 + c], a1i = si[i1 + c];
      const a2r = sr[i2 + c], a2i = si[i2 + c];
      const a3r = sr[i3 + c], a3i = si[i3 + c];
      const t0r = a0r + a2r, t0i = a0i + a2i;
      const t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      // sign * i * (a1 - a3)
      const t3r = sign * (a3i - a1i), t3i = sign * (a1r - a3r);
      dr[o0 + c] = t0r + t2r;
      di[o0 + c] = t0i + t2i;
      dr[o1 + c] = t1r + t3r;
      di[o1 + c] = t1i + t3i;
      dr[o2 + c] = t0r - t2r;
      di[o2 + c] = t0i - t2i;
      dr[o3 + c] = t1r - t3r;
      di[o3 + c] = t1i - t3i;
    }
    return;
  }
  const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3], w3r = tw[t + 4], w3i = tw[t + 5];
  for (let c = 0; c < len; c++) {
    const a0r = sr[i0 + c], a0i = si[i0 + c];
    const x1r = sr[i1 + c], x1i = si[i1 + c];
    const x2r = sr[i2 + c], x2i = si[i2 + c];
    const x3r = sr[i3 + c], x3i = si[i3 + c];
    const a1r = x1r * w1r - x1i * w1i, a1i = x1r * w1i + x1i * w1r;
    const a2r = x2r * w2r - x2i * w2i, a2i = x2r * w2i + x2i * w2r;
    const a3r = x3r * w3r - x3i * w3i, a3i = x3r * w3i + x3i * w3r;
    const t0r = a0r + a2r, t0i = a0i + a2i;
    const t1r = a0r - a2r, t1i = a0i - a2i;
    const t2r = a1r + a3r, t2i = a1i + a3i;
    const t3r = sign * (a3i - a1i), t3i = sign * (a1r - a3r);
    dr[o0 + c] = t0r + t2r;
    di[o0 + c] = t0i + t2i;
    dr[o1 + c] = t1r + t3r;
    di[o1 + c] = t1i + t3i;
    dr[o2 + c] = t0r - t2r;
    di[o2 + c] = t0i - t2i;
    dr[o3 + c] = t1r - t3r;
    di[o3 + c] = t1i - t3i;
  }
}

function radix3(src: Planes, dst: Planes, i0: number, sIn: number, o0: number, sOut: number, len: number, tw: Float64Array, t: number, plain: boolean, sign: number): void {
  const sr = src.re, si = src.im, dr = dst.re, di = dst.im;
  const i1 = i0 + sIn, i2 = i1 + sIn;
  const o1 = o0 + sOut, o2 = o1 + sOut;
  const w1r = plain ? 1 : tw[t], w1i = plain ? 0 : tw[t + 1], w2r = plain ? 1 : tw[t + 2], w2i = plain ? 0 : tw[t + 3];
  const s = sign * S3;
  for (let c = 0; c < len; c++) {
    const a0r = sr[i0 + c], a0i = si[i0 + c];
    const x1r = sr[i1 + c], x1i = si[i1 + c];
    const x2r = sr[i2 + c], x2i = si[i2 + c];
    const a1r = x1r * w1r - x1i * w1i, a1i = x1r * w1i + x1i * w1r;
    const a2r = x2r * w2r - x2i * w2i, a2i = x2r * w2i + x2i * w2r;
    const t1r = a1r + a2r, t1i = a1i + a2i;
    const br = a0r - 0.5 * t1r, bi = a0i - 0.5 * t1i;
    // s * i * (a1 - a2)
    const ur = -s * (a1i - a2i), ui = s * (a1r - a2r);
    dr[o0 + c] = a0r + t1r;
    di[o0 + c] = a0i + t1i;
    dr[o1 + c] = br + ur;
    di[o1 + c] = bi + ui;
    dr[o2 + c] = br - ur;
    di[o2 + c] = bi - ui;
  }
}

function radix5(src: Planes, dst: Planes, i0: number, sIn: number, o0: number, sOut: number, len: number, tw: Float64Array, t: number, sign: number): void {
  const sr = src.re, si = src.im, dr = dst.re, di = dst.im;
  const i1 = i0 + sIn, i2 = i1 + sIn, i3 = i2 + sIn, i4 = i3 + sIn;
  const o1 = o0 + sOut, o2 = o1 + sOut, o3 = o2 + sOut, o4 = o3 + sOut;
  const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3];
  const w3r = tw[t + 4], w3i = tw[t + 5], w4r = tw[t + 6], w4i = tw[t + 7];
  const s1 = sign * S51, s2 = sign * S52;
  for (let c = 0; c < len; c++) {
    const a0r = sr[i0 + c], a0i = si[i0 + c];
    const x1r = sr[i1 + c], x1i = si[i1 + c];
    const x2r = sr[i2 + c], x2i = si[i2 + c];
    const x3r = sr[i3 + c], x3i = si[i3 + c];
    const x4r = sr[i4 + c], x4i = si[i4 + c];
    const a1r = x1r * w1r - x1i * w1i, a1i = x1r * w1i + x1i * w1r;
    const a2r = x2r * w2r - x2i * w2i, a2i = x2r * w2i + x2i * w2r;
    const a3r = x3r * w3r - x3i * w3i, a3i = x3r * w3i + x3i * w3r;
    const a4r = x4r * w4r - x4i * w4i, a4i = x4r * w4i + x4i * w4r;
    const t1r = a1r + a4r, t1i = a1i + a4i, t3r = a1r - a4r, t3i = a1i - a4i;
    const t2r = a2r + a3r, t2i = a2i + a3i, t4r = a2r - a3r, t4i = a2i - a3i;
    const b1r = a0r + C51 * t1r + C52 * t2r, b1i = a0i + C51 * t1i + C52 * t2i;
    const b2r = a0r + C52 * t1r + C51 * t2r, b2i = a0i + C52 * t1i + C51 * t2i;
    // i * (s1 t3 + s2 t4) and i * (s2 t3 - s1 t4), signs folded into s1, s2
    const u1r = -(s1 * t3i + s2 * t4i), u1i = s1 * t3r + s2 * t4r;
    const u2r = -(s2 * t3i - s1 * t4i), u2i = s2 * t3r - s1 * t4r;
    dr[o0 + c] = a0r + t1r + t2r;
    di[o0 + c] = a0i + t1i + t2i;
    dr[o1 + c] = b1r + u1r;
    di[o1 + c] = b1i + u1i;
    dr[o4 + c] = b1r - u1r;
    di[o4 + c] = b1i - u1i;
    dr[o2 + c] = b2r + u2r;
    di[o2 + c] = b2i + u2i;
    dr[o3 + c] = b2r - u2r;
    di[o3 + c] = b2i - u2i;
  }
}

/**
 * dst[c][r] = src[r][c] for r < rows, c < cols (src row stride `srcStride`, dst row stride
 * `dstStride`), in cache-sized blocks.
 */
export function transposePlanes(src: Planes, dst: Planes, rows: number, cols: number, srcStride: number, dstStride: number): void {
  const ws = wasmPlanes(src);
  const wd = wasmPlanes(dst);
  if (ws !== undefined && wd !== undefined && rows > 1 && cols > 1) {
    const r2 = rows & ~1;
    const c2 = cols & ~1;
    // Column blocks keep the destination lines being filled (2 x block rows) in L1 across row pairs
    // (2.5x faster than whole rows for 320 x 512 here).
    const CB = 32;
    for (let c0 = 0; c0 < c2; c0 += CB)
      ws.loops.tr2(ws.reOff + 8 * c0, ws.imOff + 8 * c0, wd.reOff + 8 * c0 * dstStride, wd.imOff + 8 * c0 * dstStride, r2, Math.min(CB, c2 - c0), 8 * srcStride, 8 * dstStride);
    // Odd last row / column.
    const sr = src.re, si = src.im, dr = dst.re, di = dst.im;
    if (r2 < rows) for (let c = 0; c < cols; c++) {
      dr[c * dstStride + r2] = sr[r2 * srcStride + c];
      di[c * dstStride + r2] = si[r2 * srcStride + c];
    }
    if (c2 < cols) for (let r = 0; r < r2; r++) {
      dr[c2 * dstStride + r] = sr[r * srcStride + c2];
      di[c2 * dstStride + r] = si[r * srcStride + c2];
    }
    return;
  }
  const BS = 32;
  const sr = src.re, si = src.im, dr = dst.re, di = dst.im;
  for (let r0 = 0; r0 < rows; r0 += BS) {
    const r1 = Math.min(rows, r0 + BS);
    for (let c0 = 0; c0 < cols; c0 += BS) {
      const c1 = Math.min(cols, c0 + BS);
      for (let c = c0; c < c1; c++) {
        const d = c * dstStride;
        for (let r = r0; r < r1; r++) {
          const s = r * srcStride + c;
          dr[d + r] = sr[s];
          di[d + r] = si[s];
        }
      }
    }
  }
}
