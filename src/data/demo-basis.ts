/**
 * A small analytic PSF basis for demos, tests and benchmarks, written in the PSFs_with_basis.h5
 * layout: `grid × grid` Gaussian PSFs whose width and ellipticity grow towards the field edge, each
 * weighted by a bilinear "hat" coefficient map (the maps sum to 1 everywhere, so the PSF at a pixel
 * is the bilinear blend of its four nearest grid PSFs). Every kernel sums to 1 per channel.
 */
import { writeBasisLayout } from "../basis/file";

export interface DemoBasisOptions {
  height: number;
  width: number;
  channels?: number;
  /** grid × grid basis PSFs (grid 4 → 16 PSFs) */
  grid?: number;
  /** odd kernel size */
  kernelSize?: number;
  /** Gaussian σ in pixels at the centre and at the corners */
  sigmaCentrePx?: number;
  sigmaEdgePx?: number;
  dtype?: "float16" | "float32";
}

function hat(t: number, centre: number, step: number): number {
  return Math.max(0, 1 - Math.abs(t - centre) / step);
}

export async function writeDemoBasis(file: string, o: DemoBasisOptions): Promise<void> {
  const C = o.channels ?? 3;
  const g = o.grid ?? 4;
  const k = o.kernelSize ?? 15;
  const { height: H, width: W } = o;
  const s0 = o.sigmaCentrePx ?? 0.8;
  const s1 = o.sigmaEdgePx ?? (k - 1) / 6;
  const m = g * g;
  const psfs = new Float32Array(C * m * k * k);
  const c0 = Math.floor(k / 2);
  for (let c = 0; c < C; c++)
    for (let gy = 0; gy < g; gy++)
      for (let gx = 0; gx < g; gx++) {
        const j = gy * g + gx;
        const u = g === 1 ? 0 : (2 * gx) / (g - 1) - 1; // field position in [-1, 1]
        const v = g === 1 ? 0 : (2 * gy) / (g - 1) - 1;
        const r = Math.min(1, Math.hypot(u, v) / Math.SQRT2);
        // radial blur grows with field height; channels differ slightly (lateral colour)
        const sr = (s0 + (s1 - s0) * r) * (1 + 0.08 * (c - (C - 1) / 2));
        const st = s0 + (s1 - s0) * r * 0.5;
        const ang = Math.atan2(v, u);
        const [ca, sa] = [Math.cos(ang), Math.sin(ang)];
        let sum = 0;
        const off = (c * m + j) * k * k;
        for (let y = 0; y < k; y++)
          for (let x = 0; x < k; x++) {
            const dx = x - c0;
            const dy = y - c0;
            const a = dx * ca + dy * sa;
            const b = -dx * sa + dy * ca;
            const val = Math.exp(-0.5 * ((a * a) / (sr * sr) + (b * b) / (st * st)));
            psfs[off + y * k + x] = val;
            sum += val;
          }
        for (let i = 0; i < k * k; i++) psfs[off + i] = (psfs[off + i] as number) / sum;
      }
  const stepY = g === 1 ? Infinity : (H - 1) / (g - 1);
  const stepX = g === 1 ? Infinity : (W - 1) / (g - 1);
  const plane = new Float32Array(H * W);
  // every channel shares kernel j's hat map (the writer copies each plane before asking for the next)
  const coefPlane = (_c: number, j: number): Float32Array => {
    const gy = Math.floor(j / g);
    const gx = j % g;
    for (let y = 0; y < H; y++) {
      const wy = g === 1 ? 1 : hat(y, gy * stepY, stepY);
      for (let x = 0; x < W; x++) plane[y * W + x] = wy * (g === 1 ? 1 : hat(x, gx * stepX, stepX));
    }
    return plane;
  };
  await writeBasisLayout(file, { channels: C, count: m, kernelSize: k, height: H, width: W, psfs, coefPlane, method: "demo-gaussian-grid" }, { dtype: o.dtype ?? "float32", progress: false });
}
