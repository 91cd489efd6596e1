/**
 * Image figures for notebooks and reports: single images with colour bars, side-by-side comparisons
 * with zoomed crops, PSF grids over the field, basis PSFs and coefficient maps. Each returns a
 * MimeBundle (PNG + text) — `await viz.display(viz.psfGrid(...))` in a cell.
 */
import type { ColormapName } from "./colormap";
import type { MimeBundle } from "./mime";
import { panelsBundle, type Panel, type PanelLayout } from "./panels";
import type { NdArray, NumericArray } from "../array";
import { asImageArray, cropRaster, displayRange, toRaster, type ImageInput, type ScaleOptions } from "./raster";

export interface ImageFigureOptions extends ScaleOptions {
  title?: string;
  /** Show a colour bar (single-channel images; default true for them). */
  colorbar?: boolean;
  /** Enlarge small images to about this many pixels on the long side (default 256). */
  targetPx?: number;
}

function singlePanel(img: ImageInput, opts: ImageFigureOptions, defaultMap: ColormapName): Panel {
  const arr = asImageArray(img);
  const scaleOpts = { ...opts, colormap: opts.colormap ?? defaultMap };
  const raster = toRaster(img, scaleOpts);
  const panel: Panel = { raster, title: opts.title };
  if (arr.channels === 1 && opts.colorbar !== false) {
    const { lo, hi } = displayRange(arr.data, scaleOpts);
    panel.colorbar = { colormap: scaleOpts.colormap, lo, hi, log: opts.scale === "log" };
  }
  return panel;
}

/** One image (array, typed array with shape, or tensor) with a colour bar when single-channel. */
export function imageFigure(img: ImageInput, opts: ImageFigureOptions = {}): Promise<MimeBundle> {
  const { height, width, channels } = asImageArray(img);
  const panel = singlePanel(img, opts, "gray");
  return panelsBundle([panel], { cellPx: opts.targetPx ?? 256 }, `image ${height}x${width}x${channels}${opts.title ? ` "${opts.title}"` : ""}`);
}

export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CompareOptions extends ScaleOptions {
  title?: string;
  /** Region shown enlarged in a second row, outlined in the full views. */
  crop?: Crop;
  /** Size of the full views (default 256) and of the zoomed crops (default 192). */
  targetPx?: number;
  zoomPx?: number;
}

/** Images side by side (e.g. sharp / blurred / restored), with the same crop zoomed below each. */
export function compareImages(items: { title: string; image: ImageInput }[], opts: CompareOptions = {}): Promise<MimeBundle> {
  if (items.length === 0) throw new RangeError("viz.compareImages: nothing to compare");
  const shapes = items.map((it) => asImageArray(it.image));
  const [h0, w0] = [shapes[0]!.height, shapes[0]!.width];
  shapes.forEach((s, i) => {
    if (s.height !== h0 || s.width !== w0) {
      throw new RangeError(`viz.compareImages: "${items[i]!.title}" is ${s.height}x${s.width}, expected ${h0}x${w0} like "${items[0]!.title}"`);
    }
  });
  const rasters = items.map((it) => toRaster(it.image, { colormap: "gray", ...opts }));
  const panels: Panel[] = rasters.map((raster, i) => ({
    raster,
    title: items[i]!.title,
    outlines: opts.crop ? [{ ...opts.crop }] : undefined,
  }));
  const layout: PanelLayout = { columns: items.length, cellPx: opts.targetPx ?? 256, title: opts.title };
  if (opts.crop) {
    const c = opts.crop;
    for (let i = 0; i < rasters.length; i++) {
      // Crops are enlarged to the same size as the full views so both rows line up.
      panels.push({ raster: cropRaster(rasters[i]!, c.x, c.y, c.width, c.height), title: `${items[i]!.title} (zoom)` });
    }
  }
  const desc = `comparison of ${items.map((i) => i.title).join(" | ")} (${h0}x${w0})${opts.crop ? ` with crop ${JSON.stringify(opts.crop)}` : ""}`;
  return panelsBundle(panels, layout, desc);
}

/** Picks one channel out of (inc, outc, ...rest) or passes (…rest) through; returns the rest-shaped view. */
function selectChannel(a: NdArray<NumericArray>, restRank: number, channel?: { inc?: number; outc?: number }): { data: ArrayLike<number>; shape: number[] } {
  const shape = [...a.shape];
  if (shape.length === restRank) return { data: a.data, shape };
  if (shape.length !== restRank + 2) {
    throw new RangeError(`viz: expected a ${restRank}-d array or (inc, outc, ...) with ${restRank + 2} dims; found shape [${shape.join(", ")}]`);
  }
  const [inc, outc] = [shape[0]!, shape[1]!];
  const ci = channel?.inc ?? 0;
  const co = channel?.outc ?? 0;
  if (ci < 0 || ci >= inc || co < 0 || co >= outc) throw new RangeError(`viz: channel (${ci}, ${co}) outside (inc=${inc}, outc=${outc})`);
  const rest = shape.slice(2);
  const n = rest.reduce((x, y) => x * y, 1);
  const off = (ci * outc + co) * n;
  const data = a.data instanceof Float32Array || a.data instanceof Float64Array ? a.data.subarray(off, off + n) : Array.from(a.data).slice(off, off + n);
  return { data, shape: rest };
}

function sliceOf(data: ArrayLike<number>, offset: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = data[offset + i] as number;
  return out;
}

export interface PsfGridOptions {
  /** For (inc, outc, nh, nw, k, k) arrays: which channel (default 0, 0). */
  channel?: { inc?: number; outc?: number };
  /** Default "log": PSF tails span decades. */
  scale?: "linear" | "log";
  logDecades?: number;
  /** "each" scales every PSF to its own peak (shape comparison), "global" to the grid's peak. */
  normalize?: "each" | "global";
  colormap?: ColormapName;
  /** Show at most this many positions per axis (evenly spaced; default 7). */
  maxPerAxis?: number;
  cellPx?: number;
  title?: string;
}

function evenlySpaced(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

/** PSFs over the field of view: a (nh, nw, k, k) or (inc, outc, nh, nw, k, k) array as a grid. */
export function psfGrid(psfs: NdArray<NumericArray>, opts: PsfGridOptions = {}): Promise<MimeBundle> {
  const { data, shape } = selectChannel(psfs, 4, opts.channel);
  const [nh, nw, k, k2] = shape as [number, number, number, number];
  if (k !== k2) throw new RangeError(`viz.psfGrid: kernels must be square, found ${k}x${k2}`);
  const rowsIdx = evenlySpaced(nh, opts.maxPerAxis ?? 7);
  const colsIdx = evenlySpaced(nw, opts.maxPerAxis ?? 7);
  let globalMax = 0;
  if (opts.normalize === "global") for (let i = 0; i < data.length; i++) globalMax = Math.max(globalMax, data[i] as number);
  const scale = opts.scale ?? "log";
  const colormap = opts.colormap ?? "magma";
  const panels: Panel[] = [];
  for (const iy of rowsIdx) {
    for (const ix of colsIdx) {
      const kernel = sliceOf(data, (iy * nw + ix) * k * k, k * k);
      const vmax = opts.normalize === "global" ? globalMax : undefined;
      panels.push({ raster: toRaster({ data: kernel, shape: [k, k] }, { scale, logDecades: opts.logDecades ?? 4, vmax, vmin: scale === "linear" ? 0 : undefined, colormap }) });
    }
  }
  const cellPx = opts.cellPx ?? Math.max(48, Math.min(120, Math.floor(720 / colsIdx.length)));
  const title = opts.title ?? `PSFs over the field (${nh}x${nw} grid, k=${k}, ${scale} scale)`;
  return panelsBundle(
    panels,
    { columns: colsIdx.length, cellPx, title, rowLabels: rowsIdx.map((r) => `row ${r}`), columnLabels: colsIdx.map((c) => `col ${c}`) },
    `${title}: showing ${rowsIdx.length}x${colsIdx.length} positions`,
  );
}

export interface MapsOptions {
  channel?: { inc?: number; outc?: number };
  /** Titles per map (default "coef i" / "basis i"). */
  titles?: string[];
  /** Show at most this many maps (default 8). */
  count?: number;
  columns?: number;
  cellPx?: number;
  colormap?: ColormapName;
  title?: string;
}

function mapsFigure(arr: NdArray<NumericArray>, opts: MapsOptions, kind: string): Promise<MimeBundle> {
  const { data, shape } = selectChannel(arr, 3, opts.channel);
  const [n, h, w] = shape as [number, number, number];
  const count = Math.min(n, opts.count ?? 8);
  const panels: Panel[] = [];
  for (let i = 0; i < count; i++) {
    const m = sliceOf(data, i * h * w, h * w);
    // Signed data (basis PSFs, coefficients) read best on a diverging map centred at 0.
    const signed = m.some((v) => v < 0);
    const colormap = opts.colormap ?? (signed ? "rdbu" : "viridis");
    const so: ScaleOptions = { colormap, symmetric: signed };
    const { lo, hi } = displayRange(m, so);
    panels.push({ raster: toRaster({ data: m, shape: [h, w] }, so), title: opts.titles?.[i] ?? `${kind} ${i}`, colorbar: { colormap, lo, hi } });
  }
  const title = opts.title ?? `${kind}s (${count} of ${n}, ${h}x${w})`;
  return panelsBundle(panels, { columns: opts.columns ?? Math.min(count, 4), cellPx: opts.cellPx ?? 140, title }, title);
}

/** Coefficient maps over the image: (n, H, W) or (inc, outc, n, H, W). */
export function coefficientMaps(maps: NdArray<NumericArray>, opts: MapsOptions = {}): Promise<MimeBundle> {
  return mapsFigure(maps, opts, "coef");
}

/** Basis PSFs (n, k, k) or (inc, outc, n, k, k), signed ones on a diverging map. */
export function basisPsfs(basis: NdArray<NumericArray>, opts: MapsOptions = {}): Promise<MimeBundle> {
  return mapsFigure(basis, opts, "basis");
}
