/**
 * Colormaps as 17 evenly spaced anchors, linearly interpolated (within 8/255 of matplotlib's
 * 256-entry tables; test/viz checks it). Anchors generated with Debian's matplotlib:
 *   /usr/bin/python3 -c "import matplotlib, numpy as np; c = matplotlib.colormaps[NAME](np.linspace(0, 1, 17))[:, :3]
 *     print(''.join('%02x%02x%02x' % tuple(int(round(v * 255)) for v in r) for r in c))"
 */
const ANCHORS = {
  viridis: "44015448186a472d7b4240863b528b33638d2c728e26828e21918c1fa08828ae803fbc735ec96284d44baddc30d8e219fde725",
  magma: "0000040a08221d114736106b51127c6a1c818326819c2e7fb73779d0416fe75263f56b5cfc8961fea772fec488fde2a3fcfdbf",
  inferno: "0000040b0724210c4a3d096557106e71196e8a226aa32c61bc3754d24644e45a31f1731df98e09fcac11f9cb35f2ea69fcffa4",
  /** Diverging blue-white-red (matplotlib RdBu_r) for signed data such as basis PSFs. */
  rdbu: "0530611752902a71b23f8ec06bacd19bc9e0c2ddece0ecf3f7f6f6fbe5d8fbccb4f5aa89e48066d05548ba2832930e2667001f",
  gray: "000000101010202020303030404040505050606060707070808080909090a0a0a0b0b0b0c0c0c0d0d0d0e0e0e0f0f0f0ffffff",
} as const;

export type ColormapName = keyof typeof ANCHORS;
export const COLORMAPS = Object.keys(ANCHORS) as ColormapName[];

/** 256 x RGB lookup table, built once per map. */
const tables = new Map<ColormapName, Uint8Array>();

export function colormapTable(name: ColormapName): Uint8Array {
  const hit = tables.get(name);
  if (hit) return hit;
  const hex = ANCHORS[name];
  if (!hex) throw new RangeError(`viz: unknown colormap "${name}"; expected one of ${COLORMAPS.join(", ")}`);
  const n = hex.length / 6;
  const anchors = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    anchors[i] = [0, 2, 4].map((o) => parseInt(hex.slice(6 * i + o, 6 * i + o + 2), 16));
  }
  const lut = new Uint8Array(256 * 3);
  for (let j = 0; j < 256; j++) {
    const pos = (j / 255) * (n - 1);
    const i0 = Math.min(Math.floor(pos), n - 2);
    const t = pos - i0;
    const a = anchors[i0] as number[];
    const b = anchors[i0 + 1] as number[];
    for (let c = 0; c < 3; c++) lut[3 * j + c] = Math.round((a[c] as number) * (1 - t) + (b[c] as number) * t);
  }
  tables.set(name, lut);
  return lut;
}

/** The colour of value t in [0, 1] (clamped) as [r, g, b] bytes. */
export function colorAt(name: ColormapName, t: number): [number, number, number] {
  const lut = colormapTable(name);
  const j = Math.max(0, Math.min(255, Math.round((Number.isFinite(t) ? t : 0) * 255)));
  return [lut[3 * j] as number, lut[3 * j + 1] as number, lut[3 * j + 2] as number];
}

export function cssColor(rgb: readonly number[]): string {
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}
