/**
 * A preview PNG of a PSF file: up to `maxPerAxis` x `maxPerAxis` grid positions (evenly spaced),
 * each PSF pasted centred on its image position over the sensor, scaled to its own peak (shapes,
 * not energies), square-root display so the tails show. Channels map to colours by wavelength
 * (longest -> red) for 3 channels, grey otherwise.
 */
import { writeImage } from "../io/image";
import type { PsfFile } from "./file";

export async function writePsfPreview(f: PsfFile, outPng: string, opts: { maxPerAxis?: number } = {}): Promise<{ positions: number }> {
  const maxPerAxis = opts.maxPerAxis ?? 10;
  const res = f.sensorRes ?? [f.gridRows * f.kernelSize, f.gridCols * f.kernelSize];
  const [H, W] = res;
  const k = f.kernelSize;
  const inc = f.channels;
  const wv = f.wavelengthsNm;
  // Colour slot of each channel: 0 = R, 1 = G, 2 = B.
  const slot = new Array<number>(inc).fill(-1);
  if (inc === 3) {
    const order = [0, 1, 2].sort((a, b) => (wv ? (wv[b] as number) - (wv[a] as number) : a - b));
    order.forEach((c, i) => (slot[c] = i));
  }
  const canvas = new Float32Array(H * W * 3);
  const pick = (n: number) => {
    const m = Math.min(n, maxPerAxis);
    return Array.from({ length: m }, (_, i) => (m === 1 ? Math.floor(n / 2) : Math.round((i * (n - 1)) / (m - 1))));
  };
  let positions = 0;
  for (const iy of pick(f.gridRows))
    for (const ix of pick(f.gridCols)) {
      const [yImg, xImg] = f.position(iy, ix);
      const kernels = Array.from({ length: inc }, (_, c) => f.psf(c, iy, ix));
      let peak = 0;
      for (const ker of kernels) for (let i = 0; i < ker.length; i++) peak = Math.max(peak, ker[i] as number);
      if (peak <= 0) continue;
      positions++;
      const top = Math.round(yImg) - Math.floor(k / 2);
      const left = Math.round(xImg) - Math.floor(k / 2);
      for (let c = 0; c < inc; c++) {
        const ker = kernels[c] as Float32Array;
        for (let i = 0; i < k; i++) {
          const y = top + i;
          if (y < 0 || y >= H) continue;
          for (let j = 0; j < k; j++) {
            const x = left + j;
            if (x < 0 || x >= W) continue;
            const v = Math.sqrt(Math.max(0, (ker[i * k + j] as number) / peak));
            const o = (y * W + x) * 3;
            if (slot[c] !== -1) canvas[o + (slot[c] as number)] = Math.max(canvas[o + (slot[c] as number)] as number, v);
            else for (let s = 0; s < 3; s++) canvas[o + s] = (canvas[o + s] as number) + v / inc; // grey: channel mean
          }
        }
      }
    }
  await writeImage(outPng, { data: canvas, height: H, width: W, channels: 3 });
  return { positions };
}
