/**
 * Preview PNGs of a basis: one mosaic of basis kernels per channel (signed: grey = 0) and one
 * mosaic of coefficient maps per channel (each map scaled to its own range, downsampled to <= 256 px).
 */
import * as path from "node:path";
import type { ImageHWC } from "../array";
import { writeImage } from "../io/image";
import type { CoefInterpolation, PsfBasis } from "./basis";

function mosaic(tiles: Float32Array[], th: number, tw: number, cols: number, pad = 2): ImageHWC {
  const rows = Math.ceil(tiles.length / cols);
  const H = rows * (th + pad) + pad;
  const W = cols * (tw + pad) + pad;
  const data = new Float32Array(H * W).fill(1);
  tiles.forEach((t, i) => {
    const y0 = pad + Math.floor(i / cols) * (th + pad);
    const x0 = pad + (i % cols) * (tw + pad);
    for (let y = 0; y < th; y++) data.set(t.subarray(y * tw, (y + 1) * tw), (y0 + y) * W + x0);
  });
  return { data, height: H, width: W, channels: 1 };
}

/** Writes `<dir>/basis_psfs_c<c>.png` and `<dir>/basis_coef_c<c>.png`; returns the file names. */
export async function writeBasisPreviews(dir: string, basis: PsfBasis, interpolation: CoefInterpolation = "positions"): Promise<string[]> {
  const { channels: C, count: m, kernelSize: k, height: H, width: W } = basis;
  const cols = Math.ceil(Math.sqrt(m));
  const step = Math.max(1, Math.ceil(Math.max(H, W) / 256));
  const sh = Math.ceil(H / step);
  const sw = Math.ceil(W / step);
  const files: string[] = [];
  for (let c = 0; c < C; c++) {
    const kernels: Float32Array[] = [];
    const maps: Float32Array[] = [];
    for (let j = 0; j < m; j++) {
      const b = basis.psfs.data.subarray((c * m + j) * k * k, (c * m + j + 1) * k * k);
      let amax = 0;
      for (const v of b) amax = Math.max(amax, Math.abs(v));
      kernels.push(Float32Array.from(b, (v) => 0.5 + (amax > 0 ? v / (2 * amax) : 0)));
      const plane = basis.coefPlane(c, j, interpolation);
      const small = new Float32Array(sh * sw);
      for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) small[y * sw + x] = plane[y * step * W + x * step] as number;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of small) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      maps.push(Float32Array.from(small, (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5)));
    }
    const f1 = path.join(dir, `basis_psfs_c${c}.png`);
    const f2 = path.join(dir, `basis_coef_c${c}.png`);
    await writeImage(f1, mosaic(kernels, k, k, cols));
    await writeImage(f2, mosaic(maps, sh, sw, cols));
    files.push(f1, f2);
  }
  return files;
}
