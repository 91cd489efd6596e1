/**
 * Image figures for notebooks and reports: single images with colour bars, side-by-side comparisons
 * with zoomed crops and PSNR/SSIM labels, PSF grids over the field with field axes and a colour
 * bar, basis PSFs and coefficient maps. Each returns a MimeBundle (PNG for the notebook, a vector
 * SVG for saveFigure) — `await viz.display(viz.psfGrid(...))` in a cell.
 */
import { psnr, ssim } from "../metrics";
import type { ColormapName } from "./colormap";
import { checkFieldAxes, fieldAxisTitles, indexAxes, type FieldAxes } from "./field";
import type { MimeBundle } from "./mime";
import type { ImageHWC, NdArray, NumericArray } from "../array";
import { formatTick, panelsBundle, type Panel, type PanelLayout } from "./panels";
import { asImageHWC, cropRaster, displayRange, toRaster, type ImageInput, type ScaleOptions } from "./raster";
import { COLORMAP, type FigureWidth } from "./style";

export interface ImageFigureOptions extends ScaleOptions {
  title?: string;
  /** Show a colour bar (single-channel images; default true for them). */
  colorbar?: boolean;
  /** Print width (default one paper column). */
  width?: FigureWidth | number;
  /** Instead of `width`: the image about this many CSS pixels wide. */
  targetPx?: number;
}

function singlePanel(img: ImageInput, opts: ImageFigureOptions, defaultMap: ColormapName): Panel {
  const arr = asImageHWC(img);
  const scaleOpts = { ...opts, colormap: opts.colormap ?? defaultMap };
  const raster = toRaster(img, scaleOpts);
  const panel: Panel = { raster };
  if (arr.channels === 1 && opts.colorbar !== false) {
    const { lo, hi } = displayRange(arr.data, scaleOpts);
    panel.colorbar = { colormap: scaleOpts.colormap, lo, hi, log: opts.scale === "log" };
  }
  return panel;
}

/** One image (array, typed array with shape, or tensor) with a colour bar when single-channel. */
export function imageFigure(img: ImageInput, opts: ImageFigureOptions = {}): Promise<MimeBundle> {
  const { height, width, channels } = asImageHWC(img);
  const panel = singlePanel(img, opts, COLORMAP.image);
  const size = opts.width !== undefined || opts.targetPx === undefined ? { width: opts.width ?? "single" } : { cellPx: opts.targetPx };
  return panelsBundle([panel], { ...size, title: opts.title }, `image ${height}x${width}x${channels}${opts.title ? ` "${opts.title}"` : ""}`);
}

export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `vmin`/`vmax` default to one range over all views (sharedDisplayRange), not one per view. */
export interface CompareOptions extends ScaleOptions {
  title?: string;
  /** Region shown enlarged in a second row, outlined in the full views. */
  crop?: Crop;
  /**
   * The ground truth: every view (and its zoomed crop) is labelled with PSNR and SSIM against it
   * (src/metrics, over all channels). The view identical to it is labelled "reference".
   */
  reference?: ImageInput;
  /** Value range for PSNR/SSIM (default: the reference's `peak`, else 1 for images in [0, 1]). */
  dataRange?: number;
  /** Pixels left out on every side when scoring the full views (as a metrics table's cropBorder; default 0). */
  cropBorder?: number;
  /** Print width (default: the text width for two or more images, else one column). */
  width?: FigureWidth | number;
  /** Instead of `width`: full views about this many CSS pixels wide. */
  targetPx?: number;
}

/** The smallest side SSIM accepts with src/metrics' default window (Gaussian sigma 1.5, truncated at 3.5 sigma: 11 px). */
const SSIM_MIN_SIDE = 11;

/** An image as metrics input: float64 HWC, optionally cut to a crop. */
function asMetricImage(img: ImageInput, crop?: Crop): ImageHWC<Float64Array> {
  const { data, height, width, channels } = asImageHWC(img);
  if (!crop) return { data: Float64Array.from(data), height, width, channels };
  const x0 = Math.max(0, Math.floor(crop.x));
  const y0 = Math.max(0, Math.floor(crop.y));
  const x1 = Math.min(width, Math.floor(crop.x + crop.width));
  const y1 = Math.min(height, Math.floor(crop.y + crop.height));
  const out = new Float64Array((x1 - x0) * (y1 - y0) * channels);
  let k = 0;
  for (let y = y0; y < y1; y++) for (let i = (y * width + x0) * channels; i < (y * width + x1) * channels; i++) out[k++] = data[i] as number;
  return { data: out, height: y1 - y0, width: x1 - x0, channels };
}

export interface FidelityLabel {
  psnrDb: number;
  /** Undefined where the region is smaller than the SSIM window. */
  ssim?: number;
  text: string;
}

/** PSNR and SSIM of `img` against `ref` (src/metrics), as numbers and as the label a figure prints. */
export function fidelityLabel(img: ImageHWC<NumericArray>, ref: ImageHWC<NumericArray>, opts: { dataRange?: number; cropBorder?: number } = {}): FidelityLabel {
  const metricOpts = { dataRange: opts.dataRange ?? 1, cropBorder: opts.cropBorder ?? 0 };
  const psnrDb = psnr(img, ref, metricOpts);
  if (psnrDb === Infinity) return { psnrDb, ssim: 1, text: "reference" };
  const side = Math.min(img.height, img.width) - 2 * metricOpts.cropBorder;
  const s = side >= SSIM_MIN_SIDE ? ssim(img, ref, metricOpts) : undefined;
  const text = `PSNR ${psnrDb.toFixed(2)} dB · SSIM ${s === undefined ? `n/a (< ${SSIM_MIN_SIDE} px)` : s.toFixed(3)}`;
  return { psnrDb, ssim: s, text };
}

/**
 * One value range for every view of a comparison: single-channel views share the joint min/max of
 * all of them (what `vmin`/`vmax` do not fix), so a low-contrast view (blurred) is not stretched to
 * look as contrasty as the sharp one. RGB views keep the 0..1 default; empty when nothing is shared.
 */
export function sharedDisplayRange(images: ImageHWC<NumericArray>[], opts: ScaleOptions = {}): { vmin?: number; vmax?: number } {
  if (images.every((im) => im.channels >= 3) || (opts.vmin !== undefined && opts.vmax !== undefined)) return {};
  let lo = Infinity;
  let hi = -Infinity;
  for (const im of images) {
    const r = displayRange(im.data, { scale: "linear" });
    lo = Math.min(lo, r.lo);
    hi = Math.max(hi, r.hi);
  }
  return { vmin: opts.vmin ?? lo, vmax: opts.vmax ?? hi };
}

/**
 * Images side by side (e.g. sharp / blurred / restored), with the same crop zoomed below each,
 * each labelled with PSNR/SSIM against `opts.reference` when given.
 */
export function compareImages(items: { title: string; image: ImageInput }[], opts: CompareOptions = {}): Promise<MimeBundle> {
  if (items.length === 0) throw new RangeError("viz.compareImages: nothing to compare");
  const views = items.map((it) => asImageHWC(it.image));
  const [h0, w0] = [views[0]!.height, views[0]!.width];
  views.forEach((s, i) => {
    if (s.height !== h0 || s.width !== w0) {
      throw new RangeError(`viz.compareImages: "${items[i]!.title}" is ${s.height}x${s.width}, expected ${h0}x${w0} like "${items[0]!.title}"`);
    }
  });
  let labels: { full: FidelityLabel; crop?: FidelityLabel }[] | undefined;
  if (opts.reference) {
    const ref = asImageHWC(opts.reference);
    if (ref.height !== h0 || ref.width !== w0 || ref.channels !== views[0]!.channels) {
      throw new RangeError(`viz.compareImages: reference is ${ref.height}x${ref.width}x${ref.channels}, expected ${h0}x${w0}x${views[0]!.channels} like the images`);
    }
    const peak = (opts.reference as { peak?: unknown }).peak;
    const dataRange = opts.dataRange ?? (typeof peak === "number" ? peak : 1);
    const refFull = asMetricImage(opts.reference);
    const refCrop = opts.crop ? asMetricImage(opts.reference, opts.crop) : undefined;
    labels = views.map((im) => ({
      full: fidelityLabel(asMetricImage(im), refFull, { dataRange, cropBorder: opts.cropBorder }),
      crop: opts.crop && refCrop ? fidelityLabel(asMetricImage(im, opts.crop), refCrop, { dataRange }) : undefined,
    }));
  }
  const range = sharedDisplayRange(views, opts);
  // From the arrays read above (a tensor input is read once, not per use).
  const rasters = views.map((im) => toRaster(im, { colormap: COLORMAP.image, ...opts, ...range }));
  const panels: Panel[] = rasters.map((raster, i) => ({
    raster,
    title: items[i]!.title,
    caption: labels?.[i]!.full.text,
    outlines: opts.crop ? [{ ...opts.crop }] : undefined,
  }));
  const size = opts.width !== undefined || opts.targetPx === undefined ? { width: opts.width ?? (items.length > 1 ? "double" : "single") } : { cellPx: opts.targetPx };
  const layout: PanelLayout = { columns: items.length, ...size, title: opts.title };
  if (opts.crop) {
    const c = opts.crop;
    for (let i = 0; i < rasters.length; i++) {
      // Crops are drawn as wide as the full views so both rows line up.
      panels.push({ raster: cropRaster(rasters[i]!, c.x, c.y, c.width, c.height), title: `${items[i]!.title} (zoom)`, caption: labels?.[i]!.crop?.text });
    }
  }
  const scores = labels ? `; vs reference: ${items.map((it, i) => `${it.title} ${labels![i]!.full.text}`).join(", ")}` : "";
  const desc = `comparison of ${items.map((i) => i.title).join(" | ")} (${h0}x${w0})${opts.crop ? ` with crop ${JSON.stringify(opts.crop)}` : ""}${scores}`;
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
  /** "each" (default) scales every PSF to its own peak (shape comparison), "global" to the grid's peak. */
  normalize?: "each" | "global";
  colormap?: ColormapName;
  /** Show at most this many positions per axis (evenly spaced; default 7). */
  maxPerAxis?: number;
  /**
   * Where the grid's columns and rows sit in the field (viz.fieldAxesOf(psfFile) reads it from a
   * PSF file). Without it the axes show grid indices, and say so.
   */
  field?: FieldAxes;
  /**
   * Instead of `field`, for grids whose rows and columns are not field positions (wavelength x
   * depth, focus x aperture): a title and one label per column (x) and per row (y).
   */
  axes?: { x: PsfGridAxis; y: PsfGridAxis };
  /** Print width (default the text width, 7 in). */
  width?: FigureWidth | number;
  /** Instead of `width`: each PSF about this many CSS pixels wide. */
  cellPx?: number;
  title?: string;
}

/** One labelled grid axis: numbers are formatted as ticks, strings shown as given. */
export interface PsfGridAxis {
  title: string;
  values: readonly (number | string)[];
}

function checkGridAxis(name: "x" | "y", a: PsfGridAxis, n: number): void {
  const what = name === "x" ? "columns" : "rows";
  if (typeof a?.title !== "string" || !Array.isArray(a.values)) throw new TypeError(`viz.psfGrid: axes.${name} must be { title: string, values: (number | string)[] }, found ${JSON.stringify(a)}`);
  if (a.values.length !== n) throw new RangeError(`viz.psfGrid: axes.${name} gives ${a.values.length} labels, the PSF grid has ${n} ${what}`);
  for (const v of a.values) {
    if (typeof v === "number" ? !Number.isFinite(v) : typeof v !== "string") throw new TypeError(`viz.psfGrid: axes.${name}.values must be finite numbers or strings, found ${JSON.stringify(v)}`);
  }
}

function evenlySpaced(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

/** PSFs over the field of view: a (nh, nw, k, k) or (inc, outc, nh, nw, k, k) array as a grid with field axes and one colour bar. */
export function psfGrid(psfs: NdArray<NumericArray>, opts: PsfGridOptions = {}): Promise<MimeBundle> {
  const { data, shape } = selectChannel(psfs, 4, opts.channel);
  const [nh, nw, k, k2] = shape as [number, number, number, number];
  if (k !== k2) throw new RangeError(`viz.psfGrid: kernels must be square, found ${k}x${k2}`);
  if (opts.field && opts.axes) throw new TypeError("viz.psfGrid: give either `field` (field positions) or `axes` (other quantities), not both");
  const field = opts.field ?? indexAxes(nh, nw);
  checkFieldAxes(field, nh, nw);
  if (opts.axes) {
    checkGridAxis("x", opts.axes.x, nw);
    checkGridAxis("y", opts.axes.y, nh);
  }
  const rowsIdx = evenlySpaced(nh, opts.maxPerAxis ?? 7);
  const colsIdx = evenlySpaced(nw, opts.maxPerAxis ?? 7);
  const global = opts.normalize === "global";
  let globalMax = 0;
  if (global) for (let i = 0; i < data.length; i++) globalMax = Math.max(globalMax, data[i] as number);
  const scale = opts.scale ?? "log";
  const decades = opts.logDecades ?? 4;
  const colormap = opts.colormap ?? COLORMAP.psf;
  const panels: Panel[] = [];
  for (const iy of rowsIdx) {
    for (const ix of colsIdx) {
      const kernel = sliceOf(data, (iy * nw + ix) * k * k, k * k);
      const vmax = global ? globalMax : undefined;
      panels.push({ raster: toRaster({ data: kernel, shape: [k, k] }, { scale, logDecades: decades, vmax, vmin: scale === "linear" ? 0 : undefined, colormap }) });
    }
  }
  // One bar for all panels: with "each" the colours are fractions of each PSF's own peak.
  const hi = global ? globalMax || 1 : 1;
  const colorbar = {
    colormap,
    lo: scale === "log" ? hi * Math.pow(10, -decades) : 0,
    hi,
    log: scale === "log",
    title: global ? "PSF value" : "relative to peak",
  };
  const titles = opts.axes ? { x: opts.axes.x.title, y: opts.axes.y.title } : fieldAxisTitles(field.unit);
  const fieldTick = (v: number): string => (field.unit === "index" ? String(v) : formatTick(v));
  const label = (name: "x" | "y", i: number): string => {
    if (!opts.axes) return fieldTick(field[name][i] as number);
    const v = opts.axes[name].values[i] as number | string;
    return typeof v === "number" ? formatTick(v) : v;
  };
  const axes = {
    x: { title: titles.x, ticks: colsIdx.map((ix, c) => ({ at: c, label: label("x", ix) })) },
    y: { title: titles.y, ticks: rowsIdx.map((iy, r) => ({ at: r, label: label("y", iy) })) },
  };
  const title = opts.title ?? `${opts.axes ? "PSFs" : "PSFs over the field"} (${nh}x${nw} grid, k=${k}, ${scale} scale)`;
  const size = opts.cellPx !== undefined && opts.width === undefined ? { cellPx: opts.cellPx } : { width: opts.width ?? "double" };
  return panelsBundle(
    panels,
    { columns: colsIdx.length, ...size, title, axes, colorbar },
    `${title}: showing ${rowsIdx.length}x${colsIdx.length} positions, ${opts.axes ? `axes ${titles.y} x ${titles.x}` : `field axes in ${field.unit}`}`,
  );
}

export interface MapsOptions {
  channel?: { inc?: number; outc?: number };
  /** Titles per map (default "coef i" / "basis i"). */
  titles?: string[];
  /** Show at most this many maps (default 8). */
  count?: number;
  columns?: number;
  /** Print width (default: the text width above 2 maps per row, else one column). */
  width?: FigureWidth | number;
  /** Instead of `width`: each map about this many CSS pixels wide. */
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
    const colormap = opts.colormap ?? (signed ? COLORMAP.signed : COLORMAP.sequential);
    const so: ScaleOptions = { colormap, symmetric: signed };
    const { lo, hi } = displayRange(m, so);
    panels.push({ raster: toRaster({ data: m, shape: [h, w] }, so), title: opts.titles?.[i] ?? `${kind} ${i}`, colorbar: { colormap, lo, hi } });
  }
  const title = opts.title ?? `${kind}s (${count} of ${n}, ${h}x${w})`;
  const size = opts.cellPx !== undefined && opts.width === undefined ? { cellPx: opts.cellPx } : { width: opts.width };
  return panelsBundle(panels, { columns: opts.columns ?? Math.min(count, 4), ...size, title }, title);
}

/** Coefficient maps over the image: (n, H, W) or (inc, outc, n, H, W). */
export function coefficientMaps(maps: NdArray<NumericArray>, opts: MapsOptions = {}): Promise<MimeBundle> {
  return mapsFigure(maps, opts, "coef");
}

/** Basis PSFs (n, k, k) or (inc, outc, n, k, k), signed ones on a diverging map. */
export function basisPsfs(basis: NdArray<NumericArray>, opts: MapsOptions = {}): Promise<MimeBundle> {
  return mapsFigure(basis, opts, "basis");
}
