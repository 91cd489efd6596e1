/**
 * A natural-looking procedural scene: a sky-to-ground gradient, a fractal (1/f-like, octave value
 * noise) terrain texture, and a random set of objects (soft-shaded ellipses, rectangles, thin
 * branches) with their own textures, so the image has edges at all scales and orientations and
 * a spectrum close to natural images.
 */
import type { Rng } from "../../util/rng";
import { makeImage, type ImageHWC } from "../../array";

/** Octave value noise in [0, 1]: lattice values smoothly interpolated, amplitudes halving per octave. */
export function fractalNoise(rng: Rng, height: number, width: number, baseCells = 4, octaves = 6): Float32Array {
  const out = new Float32Array(height * width);
  let amp = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const cells = baseCells << o;
    const gw = cells + 2;
    const lattice = new Float32Array(gw * gw);
    for (let i = 0; i < lattice.length; i++) lattice[i] = rng.random();
    const sx = cells / width;
    const sy = cells / height;
    // the column lattice index and smoothstep weight are the same on every row: compute them once
    const colIndex = new Int32Array(width);
    const colWeight = new Float64Array(width);
    for (let x = 0; x < width; x++) {
      const fx = x * sx;
      const ix = Math.floor(fx);
      const tx = fx - ix;
      colIndex[x] = ix;
      colWeight[x] = tx * tx * (3 - 2 * tx);
    }
    for (let y = 0; y < height; y++) {
      const fy = y * sy;
      const iy = Math.floor(fy);
      let ty = fy - iy;
      ty = ty * ty * (3 - 2 * ty);
      const row0 = iy * gw;
      const row1 = row0 + gw;
      const o = y * width;
      for (let x = 0; x < width; x++) {
        const ix = colIndex[x] as number;
        const tx = colWeight[x] as number;
        const a = lattice[row0 + ix] as number;
        const b = lattice[row0 + ix + 1] as number;
        const c = lattice[row1 + ix] as number;
        const d = lattice[row1 + ix + 1] as number;
        out[o + x] = (out[o + x] as number) + amp * (a + (b - a) * tx + (c - a) * ty + (a - b - c + d) * tx * ty);
      }
    }
    total += amp;
    amp *= 0.5;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / total;
  return out;
}

function randomColor(rng: Rng, channels: number): number[] {
  const base = rng.uniform(0.1, 0.9);
  return Array.from({ length: channels }, () => Math.min(1, Math.max(0, base + rng.uniform(-0.3, 0.3))));
}

export function naturalScene(rng: Rng, height: number, width: number, channels: number): ImageHWC {
  const img = makeImage(height, width, channels);
  const sky = randomColor(rng, channels).map((v) => 0.5 + 0.5 * v);
  const ground = randomColor(rng, channels).map((v) => 0.6 * v);
  const horizon = rng.uniform(0.3, 0.6) * height;
  const terrain = fractalNoise(rng.fork("terrain"), height, width, 3, 7);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const t = terrain[p] as number;
      const h = horizon + (t - 0.5) * 0.25 * height;
      const k = y < h ? 0 : 1;
      for (let c = 0; c < channels; c++) {
        const base = k === 0 ? (sky[c] as number) * (1 - 0.3 * (y / height)) : (ground[c] as number) * (0.6 + 0.8 * t);
        img.data[p * channels + c] = base;
      }
    }
  const objects = rng.int(8, 20);
  for (let n = 0; n < objects; n++) {
    const kind = rng.int(0, 3);
    const col = randomColor(rng, channels);
    const tex = fractalNoise(rng.fork(`tex:${n}`), 32, 32, 2, 4);
    const cx = rng.uniform(0, width);
    const cy = rng.uniform(0, height);
    const rx = rng.uniform(0.03, 0.2) * width;
    const ry = kind === 2 ? rng.uniform(0.003, 0.01) * height : rng.uniform(0.03, 0.2) * height;
    const theta = rng.uniform(0, Math.PI);
    const [cs, sn] = [Math.cos(theta), Math.sin(theta)];
    const reach = Math.max(rx, ry) * 1.5;
    for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(height, Math.ceil(cy + reach)); y++)
      for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(width, Math.ceil(cx + reach)); x++) {
        const u = ((x - cx) * cs + (y - cy) * sn) / rx;
        const v = (-(x - cx) * sn + (y - cy) * cs) / ry;
        const inside = kind === 1 ? Math.max(Math.abs(u), Math.abs(v)) <= 1 : u * u + v * v <= 1;
        if (!inside) continue;
        const shade = 0.75 + 0.25 * (kind === 1 ? 1 - Math.abs(u) * 0.5 : Math.sqrt(Math.max(0, 1 - u * u - v * v)));
        const tv = tex[(Math.abs(Math.floor((u + 1) * 16)) % 32) * 32 + (Math.abs(Math.floor((v + 1) * 16)) % 32)] as number;
        const p = y * width + x;
        for (let c = 0; c < channels; c++) img.data[p * channels + c] = Math.min(1, (col[c] as number) * shade * (0.7 + 0.6 * tv));
      }
  }
  return img;
}
