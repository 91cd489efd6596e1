/**
 * PSFs measured from a captured image of a point-source grid (spec §9.2, one capture holding the
 * whole grid): subtract the background, find the spots, order them into rows and columns, crop
 * k x k around each spot's centroid, remove the residual local background, normalise.
 */
import type { ImageHWC } from "../array";
import { SvdError } from "../util/errors";
import type { Rng } from "../util/rng";

export interface SpotGridOptions {
  rows: number;
  cols: number;
  kernelSize: number;
  /** A dark/backlight frame of the same size to subtract; else each channel's median is subtracted. */
  background?: ImageHWC;
  /** Spots must peak above this fraction of the brightest spot (after a 5x5 box blur); default 0.1. */
  threshold?: number;
  /** Divide each channel's crop by its sum (default true); false keeps measured energies. */
  normalize?: boolean;
}

export interface SpotGrid {
  rows: number;
  cols: number;
  channels: number;
  kernelSize: number;
  /** (rows, cols, channels, k, k) in C order. */
  psfs: Float32Array;
  /** Centroid of each spot [row, col] in capture pixels, (rows, cols, 2). */
  centres: Float64Array;
  /** Least-squares affine index -> image homography (x = column index, y = row index). */
  hImg: Float64Array;
}

function median(values: Float32Array): number {
  const s = Float32Array.from(values).sort();
  const n = s.length;
  return n === 0 ? 0 : n % 2 ? (s[(n - 1) / 2] as number) : 0.5 * ((s[n / 2 - 1] as number) + (s[n / 2] as number));
}

export function extractSpotGrid(img: ImageHWC, o: SpotGridOptions): SpotGrid {
  const { height: H, width: W, channels: C } = img;
  const k = o.kernelSize;
  const n = o.rows * o.cols;
  // 1. Background: the given frame, else each channel's median (the spots cover a small fraction).
  const clean = new Float32Array(img.data.length);
  for (let c = 0; c < C; c++) {
    let bg = 0;
    if (!o.background) {
      const ch = new Float32Array(H * W);
      for (let p = 0; p < H * W; p++) ch[p] = img.data[p * C + c] as number;
      bg = median(ch);
    }
    for (let p = 0; p < H * W; p++) {
      const b = o.background ? (o.background.data[p * o.background.channels + Math.min(c, o.background.channels - 1)] as number) : bg;
      // Kept signed: clamping here would turn zero-mean noise into a positive floor under every PSF.
      clean[p * C + c] = (img.data[p * C + c] as number) - b;
    }
  }
  if (o.background && (o.background.height !== H || o.background.width !== W))
    throw new SvdError(`background frame is ${o.background.height}x${o.background.width}, capture is ${H}x${W}`);
  // 2. Spot candidates: local maxima of the 5x5 box-blurred channel mean.
  const lum = new Float32Array(H * W);
  for (let p = 0; p < H * W; p++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += clean[p * C + c] as number;
    lum[p] = s / C;
  }
  const blur = boxBlur(lum, H, W, 2);
  let peak = 0;
  for (let p = 0; p < H * W; p++) peak = Math.max(peak, blur[p] as number);
  const thr = (o.threshold ?? 0.1) * peak;
  const cands: Array<[number, number]> = [];
  for (let y = 1; y < H - 1; y++)
    for (let x = 1; x < W - 1; x++) {
      const v = blur[y * W + x] as number;
      if (v <= thr) continue;
      let isMax = true;
      for (let dy = -1; dy <= 1 && isMax; dy++)
        for (let dx = -1; dx <= 1; dx++) if ((dy || dx) && (blur[(y + dy) * W + x + dx] as number) > v) isMax = false;
      if (isMax) cands.push([v, y * W + x]);
    }
  cands.sort((a, b) => b[0] - a[0]);
  // Non-maximum suppression: spots closer than k/2 belong to the same source.
  const minDist2 = (k / 2) * (k / 2);
  const spots: Array<[number, number]> = [];
  for (const [, p] of cands) {
    const y = Math.floor(p / W);
    const x = p % W;
    if (spots.every(([sy, sx]) => (sy - y) ** 2 + (sx - x) ** 2 >= minDist2)) spots.push([y, x]);
    if (spots.length > n) break;
  }
  if (spots.length < n) throw new SvdError(`found ${spots.length} spots, expected a ${o.rows}x${o.cols} grid (${n}); lower 'threshold' or check 'grid'`);
  const chosen = spots.slice(0, n);
  // 3. Centroid refinement in a window of radius k/4.
  const r = Math.max(1, Math.floor(k / 4));
  const centres = chosen.map(([y0, x0]) => {
    let s = 0;
    let sy = 0;
    let sx = 0;
    for (let y = Math.max(0, y0 - r); y <= Math.min(H - 1, y0 + r); y++)
      for (let x = Math.max(0, x0 - r); x <= Math.min(W - 1, x0 + r); x++) {
        const v = lum[y * W + x] as number;
        s += v;
        sy += v * y;
        sx += v * x;
      }
    return s > 0 ? [sy / s, sx / s] : [y0, x0];
  }) as Array<[number, number]>;
  // 4. Order: by row, then split into rows of `cols` sorted by column.
  centres.sort((a, b) => a[0] - b[0]);
  const ordered: Array<[number, number]> = [];
  for (let i = 0; i < o.rows; i++) ordered.push(...centres.slice(i * o.cols, (i + 1) * o.cols).sort((a, b) => a[1] - b[1]));
  // 5. Crops centred on the rounded centroid, residual background from the crop's border ring.
  const psfs = new Float32Array(n * C * k * k);
  const half = Math.floor(k / 2);
  ordered.forEach(([cy, cx], s) => {
    const top = Math.round(cy) - half;
    const left = Math.round(cx) - half;
    for (let c = 0; c < C; c++) {
      const base = (s * C + c) * k * k;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) {
          const y = top + i;
          const x = left + j;
          psfs[base + i * k + j] = y >= 0 && y < H && x >= 0 && x < W ? (clean[(y * W + x) * C + c] as number) : 0;
        }
      const ring = new Float32Array(4 * k - 4);
      let q = 0;
      for (let t = 0; t < k; t++) {
        ring[q++] = psfs[base + t] as number;
        ring[q++] = psfs[base + (k - 1) * k + t] as number;
      }
      for (let t = 1; t < k - 1; t++) {
        ring[q++] = psfs[base + t * k] as number;
        ring[q++] = psfs[base + t * k + k - 1] as number;
      }
      // Residual background = ring median; noise sigma from the ring's median absolute deviation.
      // Values within 3 sigma of the background are set to zero, so noise adds no energy far from the spot.
      const rb = median(ring);
      const sigma = 1.4826 * median(ring.map((v) => Math.abs(v - rb)));
      const floor = 3 * sigma;
      let sum = 0;
      for (let p = 0; p < k * k; p++) {
        const d = (psfs[base + p] as number) - rb;
        const v = d > floor ? d : 0;
        psfs[base + p] = v;
        sum += v;
      }
      if ((o.normalize ?? true) && sum > 0) for (let p = 0; p < k * k; p++) psfs[base + p] = (psfs[base + p] as number) / sum;
    }
  });
  const flat = new Float64Array(n * 2);
  ordered.forEach(([y, x], s) => {
    flat[2 * s] = y;
    flat[2 * s + 1] = x;
  });
  return { rows: o.rows, cols: o.cols, channels: C, kernelSize: k, psfs, centres: flat, hImg: fitAffine(flat, o.rows, o.cols) };
}

/** Least-squares affine map (ix, iy, 1) -> (x, y) over the grid, as a 3x3 homography. */
export function fitAffine(centres: Float64Array, rows: number, cols: number): Float64Array {
  // Normal equations of [ix iy 1] p = target, solved for x and y separately (3x3 system).
  const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const bx = [0, 0, 0];
  const by = [0, 0, 0];
  for (let iy = 0; iy < rows; iy++)
    for (let ix = 0; ix < cols; ix++) {
      const f = [ix, iy, 1];
      const s = iy * cols + ix;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) A[a * 3 + b] = (A[a * 3 + b] as number) + (f[a] as number) * (f[b] as number);
        bx[a] = (bx[a] as number) + (f[a] as number) * (centres[2 * s + 1] as number);
        by[a] = (by[a] as number) + (f[a] as number) * (centres[2 * s] as number);
      }
    }
  const px = solve3(A, bx, rows, cols);
  const py = solve3(A, by, rows, cols);
  return Float64Array.from([px[0], px[1], px[2], py[0], py[1], py[2], 0, 0, 1]);
}

function solve3(A: number[], b: number[], rows: number, cols: number): [number, number, number] {
  // A single row or column leaves one direction undetermined: fall back to the mean there.
  const m = A.slice();
  const v = b.slice();
  if (rows === 1) {
    m[4] = 1;
    m[1] = m[3] = m[5] = m[7] = 0;
    v[1] = 0;
  }
  if (cols === 1) {
    m[0] = 1;
    m[1] = m[3] = m[2] = m[6] = 0;
    v[0] = 0;
  }
  const det = (q: number[]) => q[0]! * (q[4]! * q[8]! - q[5]! * q[7]!) - q[1]! * (q[3]! * q[8]! - q[5]! * q[6]!) + q[2]! * (q[3]! * q[7]! - q[4]! * q[6]!);
  const D = det(m);
  const col = (i: number) => {
    const q = m.slice();
    for (let r = 0; r < 3; r++) q[r * 3 + i] = v[r] as number;
    return det(q) / D;
  };
  return [col(0), col(1), col(2)];
}

function boxBlur(src: Float32Array, H: number, W: number, radius: number): Float32Array {
  const tmp = new Float32Array(H * W);
  const out = new Float32Array(H * W);
  const n = 2 * radius + 1;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let d = -radius; d <= radius; d++) s += src[y * W + Math.min(W - 1, Math.max(0, x + d))] as number;
      tmp[y * W + x] = s / n;
    }
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let d = -radius; d <= radius; d++) s += tmp[Math.min(H - 1, Math.max(0, y + d)) * W + x] as number;
      out[y * W + x] = s / n;
    }
  return out;
}

/**
 * A synthetic capture of a rows x cols grid of Gaussian spots (for tests and the shipped example):
 * spot (iy, ix) at ((iy + 0.5) H/rows + jitter, (ix + 0.5) W/cols + jitter), std sigmaPx * (1 + 0.5 c)
 * in channel c, on a constant background plus Gaussian noise.
 */
export function syntheticSpotCapture(o: { height: number; width: number; rows: number; cols: number; channels: number; sigmaPx: number; background: number; noise: number; peak: number; rng: Rng }): { image: ImageHWC; centres: Float64Array } {
  const { height: H, width: W, channels: C } = o;
  const data = new Float32Array(H * W * C);
  const centres = new Float64Array(o.rows * o.cols * 2);
  for (let p = 0; p < H * W * C; p++) data[p] = o.background + o.noise * o.rng.normal();
  for (let iy = 0; iy < o.rows; iy++)
    for (let ix = 0; ix < o.cols; ix++) {
      const cy = (iy + 0.5) * (H / o.rows) + o.rng.uniform(-0.5, 0.5);
      const cx = (ix + 0.5) * (W / o.cols) + o.rng.uniform(-0.5, 0.5);
      centres[2 * (iy * o.cols + ix)] = cy;
      centres[2 * (iy * o.cols + ix) + 1] = cx;
      for (let c = 0; c < C; c++) {
        const s = o.sigmaPx * (1 + 0.5 * c);
        const R = Math.ceil(5 * s);
        for (let y = Math.max(0, Math.floor(cy) - R); y <= Math.min(H - 1, Math.floor(cy) + R); y++)
          for (let x = Math.max(0, Math.floor(cx) - R); x <= Math.min(W - 1, Math.floor(cx) + R); x++)
            data[(y * W + x) * C + c] += o.peak * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * s * s));
      }
    }
  for (let p = 0; p < data.length; p++) data[p] = Math.min(1, Math.max(0, data[p] as number));
  return { image: { data, height: H, width: W, channels: C }, centres };
}
