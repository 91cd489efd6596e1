/**
 * FFT renderer on typed arrays (the fast CPU path).
 *
 * Overlap-add on Ty x Tx tiles (lengths with factors 2, 3, 5 only): the image is cut into blocks of
 * By = Ty - k + 1 by Bx = Tx - k + 1 pixels, each block's linear convolution with a k x k kernel fits
 * the tile's FFT without aliasing, and the blocks' outputs are added onto the output (on the
 * zero-padded canvas, or wrapped for circular boundaries). The tile shape minimises an estimate of
 * the FFT work (mixed radix lets it fit the image: 1024 + 63 -> 2 x 2 tiles of 576, not 6 x 6 of 256).
 *
 * Two real convolutions per complex FFT: for real a1, a2, B1, B2,
 *   Re[(a1 + i a2) (*) (B1 - i B2)] = a1 (*) B1 + a2 (*) B2          (scatter: sums pairs of bases)
 *   (x (*) (B1 + i B2)) = x (*) B1 + i (x (*) B2)                     (gather: two blurred images at once)
 * Scatter accumulates the spectra of all pairs and inverts once per tile: a basis of m kernels costs
 * ceil(m/2) forward FFTs and one inverse per tile. Kernel spectra (with the 1/(Ty Tx) folded in) are
 * computed once per tile shape and reused across tiles, images and calls.
 *
 * The 2D transforms are two batched passes along axis 0 with a transpose between (src/fft/axis-fft):
 * forward y-pass over the block's columns only, transpose, x-pass; the spectrum lives as [kx][ky].
 */
import type { ImageHWC, NdArray } from "../array";
import { axisFftPlan, factorRadices, passCostPerPoint, PlaneArena, transposePlanes, wasmPlanes, type AxisFft, type Planes } from "../fft";
import { asPlanar, checkInputs, inInputForm, resolveOptions, type RenderDims, type RenderInput, type RenderOptions, type ResolvedOptions } from "./types";

/** Smallest length >= n with only the factors 2, 3 and 5. */
export function nextSmooth(n: number): number {
  let m = Math.max(1, Math.ceil(n));
  while (!factorRadices(m)) m++;
  return m;
}

/** Estimated cost of one tile (per FFT) of Ty x Tx: both passes plus transposes, fills, products. */
function tileCost(ty: number, tx: number): number {
  return ty * tx * (passCostPerPoint(ty) + passCostPerPoint(tx) + 3);
}

/** Memory budget of the cached basis spectra of one tile shape (bytes). */
const SPECTRA_BUDGET_BYTES = 256 * 2 ** 20;

/** Tile lengths worth trying along an axis of n pixels for k x k kernels (smooth, k <= T <= canvas). */
function axisCandidates(n: number, k: number): number[] {
  const out: number[] = [];
  const top = nextSmooth(n + k - 1);
  for (let t = Math.max(k, 8); t <= top; t++) if (factorRadices(t)) out.push(t);
  if (out.length === 0) out.push(nextSmooth(Math.max(k, 8)));
  return out;
}

/**
 * Picks the tile shape [Ty, Tx] minimising the estimated work for a (H, W) image and k x k kernels,
 * among shapes whose `spectraCount` cached spectra (complex float64) fit the memory budget.
 * (1024^2, k = 64, 24 spectra: 576 x 576, 2 x 2 tiles; measured 758 ms vs 840 for 320 x 576 and 891
 * for one 1152^2 tile.)
 */
export function chooseTileShape(height: number, width: number, k: number, spectraCount = 1): [number, number] {
  let best: [number, number] = [0, 0];
  let bestCost = Infinity;
  const maxPoints = SPECTRA_BUDGET_BYTES / (16 * Math.max(1, spectraCount));
  for (const ty of axisCandidates(height, k))
    for (const tx of axisCandidates(width, k)) {
      if (ty * tx > maxPoints && bestCost < Infinity) continue;
      const tiles = Math.ceil(height / (ty - k + 1)) * Math.ceil(width / (tx - k + 1));
      const cost = tiles * tileCost(ty, tx);
      if (cost < bestCost) {
        bestCost = cost;
        best = [ty, tx];
      }
    }
  return best;
}

/** Square tile size of the chosen shape's larger side (kept for callers that print one number). */
export function chooseTileSize(height: number, width: number, k: number, spectraCount = 1): number {
  return Math.max(...chooseTileShape(height, width, k, spectraCount));
}

export interface FftRendererOptions extends RenderOptions {
  /** Force a square tile size (a product of 2, 3 and 5, >= k); default: a shape chosen per image size. */
  tileSize?: number;
  /** Use the WebAssembly SIMD butterflies where available (default true); false: plain JS butterflies. */
  simd?: boolean;
}

/** Forward and inverse passes for one tile shape. */
class TilePlan {
  readonly fy: AxisFft;
  readonly fx: AxisFft;
  readonly iy: AxisFft;
  readonly ix: AxisFft;
  constructor(
    readonly ty: number,
    readonly tx: number,
  ) {
    this.fy = axisFftPlan(ty, -1);
    this.fx = axisFftPlan(tx, -1);
    this.iy = axisFftPlan(ty, 1);
    this.ix = axisFftPlan(tx, 1);
  }
}

/** Work buffers of one tile shape and the 2D transforms on them. */
class Tile2d {
  constructor(
    readonly plan: TilePlan,
    readonly p: Planes,
    readonly q: Planes,
  ) {}

  /**
   * Forward 2D FFT of the block in `p` ([y][x], row stride Tx, values at x < bw; the caller zeroes
   * the rows past the block). Columns >= bw are neither read nor trusted: the y-pass skips them and
   * the transposed rows they would fill are zeroed. Returns the planes (p or q) holding the spectrum
   * as [kx][ky] (row stride Ty).
   */
  forward(bw: number): Planes {
    const { ty, tx, fy, fx } = this.plan;
    const a = fy.run(this.p, this.q, bw, tx);
    const b = a === this.p ? this.q : this.p;
    transposePlanes(a, b, ty, bw, tx, ty);
    b.re.fill(0, bw * ty);
    b.im.fill(0, bw * ty);
    return fx.run(b, a, ty, ty);
  }

  /** Inverse (unscaled) 2D FFT of `s` ([kx][ky]); s is used as scratch. Returns planes holding [y][x] (stride Tx). */
  inverse(s: Planes): Planes {
    const { ty, tx, iy, ix } = this.plan;
    const a = ix.run(s, this.p, ty, ty);
    const b = a === this.q ? this.p : this.q;
    transposePlanes(a, b, tx, ty, ty, tx);
    return iy.run(b, a, tx, tx);
  }
}

/**
 * Everything for one tile shape: transforms, one memory (wasm when available) holding the work
 * buffers and the basis spectra.
 */
class ShapeContext {
  readonly plan: TilePlan;
  readonly arena: PlaneArena;
  readonly tile: Tile2d;
  /** Spectrum accumulator (scatter) / product (gather). */
  readonly s: Planes;
  /** Image spectrum (gather). */
  readonly x0: Planes;
  readonly spectra: Planes[] = [];

  constructor(ty: number, tx: number, spectraCount: number, simd: boolean) {
    const n = ty * tx;
    this.plan = new TilePlan(ty, tx);
    this.arena = new PlaneArena(2 * (n + 1) * (spectraCount + 4), !simd);
    this.tile = new Tile2d(this.plan, this.arena.alloc(n), this.arena.alloc(n));
    this.s = this.arena.alloc(n);
    this.x0 = this.arena.alloc(n);
    for (let i = 0; i < spectraCount; i++) this.spectra.push(this.arena.alloc(n));
  }
}

/** Renders with one basis; spectra are cached per tile shape. */
export class FftRenderer {
  readonly opts: ResolvedOptions;
  private readonly contexts = new Map<string, ShapeContext>();
  private readonly channels: number;
  private readonly count: number;
  private readonly k: number;

  constructor(
    readonly basisPsfs: NdArray,
    private readonly options: FftRendererOptions = {},
  ) {
    this.opts = resolveOptions(options);
    [this.channels, this.count, this.k] = basisPsfs.shape as [number, number, number];
  }

  /** The context of a tile shape, with its spectra: per channel and pair, FFT(B1 -/+ i B2) / (Ty Tx) as [kx][ky]. */
  private contextFor(ty: number, tx: number): ShapeContext {
    const key = `${ty}x${tx}`;
    const cached = this.contexts.get(key);
    if (cached) return cached;
    const { channels: C, count: m, k } = this;
    const pairs = Math.ceil(m / 2);
    const ctx = new ShapeContext(ty, tx, C * pairs, this.options.simd !== false);
    const tile = ctx.tile;
    const sign = this.opts.form === "scatter" ? -1 : 1;
    const scale = 1 / (ty * tx);
    for (let c = 0; c < C; c++)
      for (let p = 0; p < m; p += 2) {
        const buf = tile.p;
        buf.re.fill(0);
        buf.im.fill(0);
        const b1 = this.basisPsfs.data.subarray((c * m + p) * k * k, (c * m + p + 1) * k * k);
        const b2 = p + 1 < m ? this.basisPsfs.data.subarray((c * m + p + 1) * k * k, (c * m + p + 2) * k * k) : null;
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++) {
            buf.re[y * tx + x] = b1[y * k + x];
            if (b2) buf.im[y * tx + x] = sign * b2[y * k + x];
          }
        const spec = tile.forward(k);
        const out = ctx.spectra[c * pairs + (p >> 1)] as Planes;
        for (let i = 0; i < ty * tx; i++) {
          out.re[i] = spec.re[i] * scale;
          out.im[i] = spec.im[i] * scale;
        }
      }
    this.contexts.set(key, ctx);
    return ctx;
  }

  /** Checks the inputs and picks the tile shape (forced square `tileSize` or the cost model's). */
  layout(image: NdArray, coef: NdArray): RenderLayout {
    const d = checkInputs(image, this.basisPsfs, coef, this.opts);
    let ty: number;
    let tx: number;
    if (this.options.tileSize !== undefined) {
      const T = this.options.tileSize;
      if (!Number.isInteger(T) || T < d.kernelSize || !factorRadices(T))
        throw new RangeError(`tileSize must be a product of 2, 3 and 5 no smaller than the kernel (${d.kernelSize}), got ${T}`);
      ty = tx = T;
    } else [ty, tx] = chooseTileShape(d.height, d.width, d.kernelSize, d.channels * Math.ceil(d.count / 2));
    const bands: number[] = [];
    for (let by = 0; by < d.height; by += ty - d.kernelSize + 1) bands.push(by);
    return { d, ty, tx, bands };
  }

  /**
   * One band: the contributions of the tile row starting at image row `by` in channel c, summed over
   * its tiles in order into `band` (an output plane, zero on entry). Returns the output rows it
   * touched, [lo, hi) (all rows for circular boundaries).
   */
  renderBand(image: NdArray, coef: NdArray, lay: RenderLayout, c: number, by: number, band: Float64Array): [number, number] {
    const { d, ty, tx } = lay;
    const ctx = this.contextFor(ty, tx);
    const pairs = Math.ceil(d.count / 2);
    const work = new TileWork(ctx, d, this.opts);
    const chSpectra = ctx.spectra.slice(c * pairs, (c + 1) * pairs);
    const x = image.data.subarray(c * d.height * d.width, (c + 1) * d.height * d.width);
    const a = coef.data.subarray(c * d.count * d.height * d.width, (c + 1) * d.count * d.height * d.width);
    for (let bx = 0; bx < d.width; bx += work.bx) {
      if (this.opts.form === "scatter") work.scatterTile(x, a, chSpectra, by, bx, band);
      else work.gatherTile(x, a, chSpectra, by, bx, band);
    }
    if (this.opts.boundary === "circular") return [0, d.outHeight];
    const top = this.opts.output === "full" ? by : by - d.centre;
    return [Math.max(0, top), Math.min(d.outHeight, top + ty)];
  }

  /** image (C, H, W), coef (C, m, H, W) -> (C, H, W) or (C, H + k - 1, W + k - 1) for output "full". */
  render(image: ImageHWC, coef: NdArray): ImageHWC;
  render(image: NdArray, coef: NdArray): NdArray;
  render(input: RenderInput, coef: NdArray): RenderInput {
    return inInputForm(input, this.renderPlanar(asPlanar(input), coef));
  }

  /** Planar (C, H, W) -> planar (C, outHeight, outWidth). */
  renderPlanar(image: NdArray, coef: NdArray): NdArray {
    const lay = this.layout(image, coef);
    const { d } = lay;
    const plane = d.outHeight * d.outWidth;
    const out = new Float32Array(d.channels * plane);
    const acc = new Float64Array(plane);
    const band = new Float64Array(plane);
    for (let c = 0; c < d.channels; c++) {
      acc.fill(0);
      for (const by of lay.bands) {
        const [lo, hi] = this.renderBand(image, coef, lay, c, by, band);
        addBand(acc, band, lo * d.outWidth, hi * d.outWidth);
        band.fill(0, lo * d.outWidth, hi * d.outWidth);
      }
      out.set(acc, c * plane);
    }
    return { data: out, shape: [d.channels, d.outHeight, d.outWidth] };
  }
}

/** Bands are summed in tile-row order, one after another (the same order in every execution path). */
export function addBand(acc: Float64Array, band: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) acc[i] += band[i];
}

/** Dimensions, tile shape and band starts (image rows) of one render call. */
export interface RenderLayout {
  d: RenderDims;
  ty: number;
  tx: number;
  bands: number[];
}

/** Buffers and the per-tile steps for one tile shape. */
class TileWork {
  /** Block sizes (pixels of the image per tile) along y and x. */
  readonly by: number;
  readonly bx: number;
  private readonly tile: Tile2d;
  private readonly s: Planes;
  private readonly x0: Planes;
  private readonly xs: Int32Array;
  private readonly cx: Int32Array;
  /** Coefficient plane of the missing partner of an odd basis count. */
  private readonly zeros: Float32Array;

  readonly plan: TilePlan;

  constructor(
    ctx: ShapeContext,
    readonly d: RenderDims,
    readonly o: ResolvedOptions,
  ) {
    const plan = (this.plan = ctx.plan);
    this.by = plan.ty - d.kernelSize + 1;
    this.bx = plan.tx - d.kernelSize + 1;
    this.tile = ctx.tile;
    this.s = ctx.s;
    this.x0 = ctx.x0;
    this.xs = new Int32Array(plan.tx);
    this.cx = new Int32Array(plan.tx);
    this.zeros = new Float32Array(d.count % 2 === 1 ? d.height * d.width : 0);
  }

  /** Output index of tile position j for block start b along an axis of length n, or -1. */
  private mapIndex(b: number, j: number, n: number): number {
    const p = b + j - this.d.centre;
    if (this.o.boundary === "circular") return ((p % n) + n) % n;
    // Full output: canvas positions 0 .. n + k - 2; tile positions past it hold only round-off.
    if (this.o.output === "full") return p + this.d.centre < n + this.d.kernelSize - 1 ? p + this.d.centre : -1;
    return p >= 0 && p < n ? p : -1;
  }

  /** Image pixels [rows, columns] of the block at (by, bx): blocks in the last row/column stop at the edge. */
  private blockSize(by: number, bx: number): [number, number] {
    return [Math.min(this.by, this.d.height - by), Math.min(this.bx, this.d.width - bx)];
  }

  scatterTile(x: Float32Array, a: Float32Array, spectra: Planes[], by: number, bx: number, acc: Float64Array): void {
    const { d, s, tile } = this;
    const { width: W, height: H, count: m } = d;
    const { ty, tx } = this.plan;
    const plane = H * W;
    const [bh, bw] = this.blockSize(by, bx);
    const n = ty * tx;
    s.re.fill(0);
    s.im.fill(0);
    const zr = tile.p.re;
    const zi = tile.p.im;
    const zeros = this.zeros;
    for (let p = 0; p < m; p += 2) {
      const a1 = a.subarray(p * plane, (p + 1) * plane);
      const a2 = p + 1 < m ? a.subarray((p + 1) * plane, (p + 2) * plane) : zeros;
      for (let y = 0; y < bh; y++) {
        const src = (by + y) * W + bx;
        const dst = y * tx;
        weightPair(x, a1, a2, src, zr, zi, dst, bw);
      }
      zr.fill(0, bh * tx);
      zi.fill(0, bh * tx);
      const z = tile.forward(bw);
      multiplyAccumulate(z, spectra[p >> 1], s, n);
    }
    const y = tile.inverse(s);
    this.accumulate(y.re, by, bx, acc, null);
  }

  gatherTile(x: Float32Array, a: Float32Array, spectra: Planes[], by: number, bx: number, acc: Float64Array): void {
    const { d, s, tile, x0 } = this;
    const { width: W, height: H, count: m } = d;
    const { ty, tx } = this.plan;
    const plane = H * W;
    const [bh, bw] = this.blockSize(by, bx);
    const n = ty * tx;
    const zr = tile.p.re;
    const zi = tile.p.im;
    for (let y = 0; y < bh; y++) for (let i = 0; i < bw; i++) {
      zr[y * tx + i] = x[(by + y) * W + bx + i];
      zi[y * tx + i] = 0;
    }
    zr.fill(0, bh * tx);
    zi.fill(0, bh * tx);
    const X = tile.forward(bw);
    x0.re.set(X.re);
    x0.im.set(X.im);
    for (let p = 0; p < m; p += 2) {
      const w = spectra[p >> 1];
      const Xr = x0.re, Xi = x0.im, wr = w.re, wi = w.im, sr = s.re, si = s.im;
      for (let i = 0; i < n; i++) {
        const ar = Xr[i], ai = Xi[i], br = wr[i], bi = wi[i];
        sr[i] = ar * br - ai * bi;
        si[i] = ar * bi + ai * br;
      }
      const g = tile.inverse(s);
      // Real part: x (*) B1 weighted by A1; imaginary part: x (*) B2 weighted by A2.
      this.accumulate(g.re, by, bx, acc, a.subarray(p * plane, (p + 1) * plane));
      if (p + 1 < m) this.accumulate(g.im, by, bx, acc, a.subarray((p + 1) * plane, (p + 2) * plane));
    }
  }

  /**
   * acc[out(j)] += buf(j) (times coef(out(j)) in gather form) over the tile ([y][x], stride Tx).
   * Gather coefficients outside the image are the edge values.
   */
  private accumulate(buf: Float64Array, by: number, bx: number, acc: Float64Array, coefPlane: Float32Array | null): void {
    const { d, xs, cx } = this;
    const { ty, tx } = this.plan;
    const { height: H, width: W, outWidth: Wo } = d;
    const full = this.o.output === "full" && this.o.boundary === "zero";
    for (let j = 0; j < tx; j++) {
      xs[j] = this.mapIndex(bx, j, W);
      const p = full ? xs[j] - d.centre : xs[j];
      cx[j] = Math.min(W - 1, Math.max(0, p));
    }
    for (let jy = 0; jy < ty; jy++) {
      const oy = this.mapIndex(by, jy, H);
      if (oy < 0) continue;
      const row = oy * Wo;
      const t = jy * tx;
      if (coefPlane) {
        const crow = Math.min(H - 1, Math.max(0, full ? oy - d.centre : oy)) * W;
        for (let jx = 0; jx < tx; jx++) {
          const ox = xs[jx];
          if (ox >= 0) acc[row + ox] += buf[t + jx] * coefPlane[crow + cx[jx]];
        }
      } else
        for (let jx = 0; jx < tx; jx++) {
          const ox = xs[jx];
          if (ox >= 0) acc[row + ox] += buf[t + jx];
        }
    }
  }
}

/** zr[dst + i] = a1[src + i] x[src + i], zi[dst + i] = a2[src + i] x[src + i] for i < len. */
function weightPair(x: Float32Array, a1: Float32Array, a2: Float32Array, src: number, zr: Float64Array, zi: Float64Array, dst: number, len: number): void {
  for (let i = 0; i < len; i++) {
    const v = x[src + i];
    zr[dst + i] = a1[src + i] * v;
    zi[dst + i] = a2[src + i] * v;
  }
}

/** s += z * w (complex, elementwise, first n). */
function multiplyAccumulate(z: Planes, w: Planes, s: Planes, n: number): void {
  const wz = wasmPlanes(z);
  const ww = wasmPlanes(w);
  const wsum = wasmPlanes(s);
  let start = 0;
  if (wz !== undefined && ww !== undefined && wsum !== undefined) {
    start = n & ~1;
    wz.loops.mac(wz.reOff, wz.imOff, ww.reOff, ww.imOff, wsum.reOff, wsum.imOff, 8 * start);
  }
  const Zr = z.re, Zi = z.im, wr = w.re, wi = w.im, sr = s.re, si = s.im;
  for (let i = start; i < n; i++) {
    const ar = Zr[i], ai = Zi[i], br = wr[i], bi = wi[i];
    sr[i] += ar * br - ai * bi;
    si[i] += ar * bi + ai * br;
  }
}

/** One-shot convenience: renders `image` with a basis and its coefficient maps. */
export function renderFft(image: ImageHWC, basisPsfs: NdArray, coef: NdArray, opts?: FftRendererOptions): ImageHWC;
export function renderFft(image: NdArray, basisPsfs: NdArray, coef: NdArray, opts?: FftRendererOptions): NdArray;
export function renderFft(image: RenderInput, basisPsfs: NdArray, coef: NdArray, opts: FftRendererOptions = {}): RenderInput {
  return inInputForm(image, new FftRenderer(basisPsfs, opts).renderPlanar(asPlanar(image), coef));
}
