/**
 * Figures made of image panels (PSF grids, mosaics, coefficient maps, comparisons), laid out as one
 * SVG document at print size: the pixels as embedded PNG <image>s, everything else as vector marks
 * — titles, captions, field axes with ticks, colour bars with tick labels — in the house style
 * (src/viz/style). The notebook gets that SVG rasterised to a PNG at screen size; saveFigure writes
 * the SVG itself (bundle.vectorSvg).
 *
 * Layout units are points (1/72 in); the document's width/height carry the print size in pt.
 */
import { colormapTable, type ColormapName } from "./colormap";
import { escapeHtml, MIME, type MimeBundle } from "./mime";
import { pngDataUri, rasterToPng, svgToPngAtDpi } from "./png";
import { upscaleFactorFor, upscaleRaster, type Raster } from "./raster";
import { CSS_PX_PER_INCH, FONT_FAMILY, FONT_PT, LINE_PT, NEUTRAL, POINTS_PER_INCH, widthInches, type FigureWidth } from "./style";

export interface ColorbarSpec {
  colormap: ColormapName;
  lo: number;
  hi: number;
  log?: boolean;
  /** What the colours measure, e.g. "relative to peak". */
  title?: string;
}

export interface Outline {
  /** Rectangle in the panel's own pixel coordinates (before enlargement). */
  x: number;
  y: number;
  width: number;
  height: number;
  color?: string;
}

export interface Panel {
  raster: Raster;
  title?: string;
  /** One line under the panel (e.g. "PSNR 28.31 dB · SSIM 0.842"). */
  caption?: string;
  colorbar?: ColorbarSpec;
  outlines?: Outline[];
}

/** An axis along the panel grid: ticks at panel centres (`at` = column index for x, row index for y). */
export interface GridAxis {
  title: string;
  ticks: { at: number; label: string }[];
}

export interface PanelLayout {
  /** Panels per row (default: all in one row up to 6). */
  columns?: number;
  /** Print width: one paper column, the text width, or inches (default: "double" above 2 columns, else "single"). */
  width?: FigureWidth | number;
  /** Instead of `width`: panels about this many CSS pixels wide (the figure's width follows). */
  cellPx?: number;
  /** Figure title above the grid. */
  title?: string;
  /** Row/column labels (free text beside/above the grid). */
  rowLabels?: string[];
  columnLabels?: string[];
  /** Axes along the bottom (x) and left (y) of the grid, e.g. field position in mm. */
  axes?: { x?: GridAxis; y?: GridAxis };
  /** One colour bar for all panels, right of the grid. */
  colorbar?: ColorbarSpec;
}

const GAP_PT = 4;
const TICK_LEN_PT = 3;
const BAR_PT = 6;
/** Embedded rasters carry at least this many pixels per inch of print (nearest-neighbour enlarged). */
const RASTER_PPI = 2 * CSS_PX_PER_INCH;

const lineHeight = (pt: number): number => pt * 1.25;
/** Width estimate of a text line (DejaVu Sans averages ~0.55 em per character). */
const textWidth = (s: string, pt: number): number => s.length * 0.55 * pt;
const num = (v: number): string => String(Math.round(v * 100) / 100);

/** Short tick label: 3 significant digits, exponent form outside [1e-3, 1e4). */
export function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const [m, e] = v.toExponential(1).split("e") as [string, string];
    return `${m.replace(/\.0$/, "")}e${Number(e)}`;
  }
  return Number(v.toPrecision(3)).toString();
}

/** "Nice" linear ticks (steps of 1, 2 or 5 x 10^k) inside [lo, hi], ends included when no tick lands near them. */
export function linearTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** Decades 10^k inside [lo, hi] (lo > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) ticks.push(Math.pow(10, e));
  return ticks.length >= 2 ? ticks : [lo, hi];
}

function text(x: number, y: number, s: string, opts: { size: number; anchor?: "start" | "middle" | "end"; weight?: string; fill?: string; rotate?: boolean }): string {
  const attrs = [
    `x="${num(x)}"`,
    `y="${num(y)}"`,
    `font-size="${opts.size}"`,
    `font-family="${FONT_FAMILY}"`,
    opts.anchor && opts.anchor !== "start" ? `text-anchor="${opts.anchor}"` : "",
    opts.weight ? `font-weight="${opts.weight}"` : "",
    `fill="${opts.fill ?? NEUTRAL.text}"`,
    opts.rotate ? `transform="rotate(-90 ${num(x)} ${num(y)})"` : "",
  ].filter(Boolean);
  return `<text ${attrs.join(" ")}>${escapeHtml(s)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${NEUTRAL.frame}" stroke-width="${LINE_PT.axis}"/>`;
}

function colorbarTicks(cb: ColorbarSpec): { value: number; t: number }[] {
  const values = cb.log ? logTicks(cb.lo, cb.hi) : linearTicks(cb.lo, cb.hi);
  const t = (v: number): number => (cb.log ? (Math.log10(v) - Math.log10(cb.lo)) / (Math.log10(cb.hi) - Math.log10(cb.lo)) : (v - cb.lo) / (cb.hi - cb.lo));
  return values.map((value) => ({ value, t: t(value) }));
}

/** Width the colour bar needs beside the panels: bar, ticks, tick labels and its rotated title. */
function colorbarWidth(cb: ColorbarSpec): number {
  const labels = colorbarTicks(cb).map((k) => textWidth(formatTick(k.value), FONT_PT.tick));
  return GAP_PT + BAR_PT + TICK_LEN_PT + 1 + Math.max(...labels) + (cb.title ? lineHeight(FONT_PT.tick) + 2 : 0);
}

/** A vertical colour bar (gradient from the colormap) with ticks and labels on its right. */
function colorbarSvg(cb: ColorbarSpec, x: number, y: number, h: number, id: string): string {
  const lut = colormapTable(cb.colormap);
  const stops: string[] = [];
  for (let i = 0; i <= 16; i++) {
    const j = Math.round((i / 16) * 255) * 3;
    stops.push(`<stop offset="${(i / 16).toFixed(4)}" stop-color="rgb(${lut[j]},${lut[j + 1]},${lut[j + 2]})"/>`);
  }
  const parts = [
    `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops.join("")}</linearGradient></defs>`,
    `<rect class="colorbar" x="${num(x)}" y="${num(y)}" width="${BAR_PT}" height="${num(h)}" fill="url(#${id})" stroke="${NEUTRAL.frame}" stroke-width="${LINE_PT.axis}"/>`,
  ];
  let widest = 0;
  for (const { value, t } of colorbarTicks(cb)) {
    const ty = y + h - t * h;
    const label = formatTick(value);
    widest = Math.max(widest, textWidth(label, FONT_PT.tick));
    parts.push(line(x + BAR_PT, ty, x + BAR_PT + TICK_LEN_PT, ty));
    parts.push(text(x + BAR_PT + TICK_LEN_PT + 1, ty + FONT_PT.tick * 0.35, label, { size: FONT_PT.tick }));
  }
  if (cb.title) {
    const tx = x + BAR_PT + TICK_LEN_PT + 1 + widest + lineHeight(FONT_PT.tick) - 1;
    parts.push(text(tx, y + h / 2, cb.title, { size: FONT_PT.tick, anchor: "middle", fill: NEUTRAL.subtleText, rotate: true }));
  }
  return parts.join("");
}

interface Placed {
  panel: Panel;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Lays panels out and returns the SVG document (PNG pixels embedded, all text as <text>). */
export async function panelsToSvg(panels: Panel[], layout: PanelLayout = {}): Promise<{ svg: string; width: number; height: number }> {
  if (panels.length === 0) throw new RangeError("viz: a figure needs at least one panel");
  const columns = Math.max(1, layout.columns ?? Math.min(panels.length, 6));
  const rows = Math.ceil(panels.length / columns);
  const { axes, colorbar } = layout;
  const barW = panels.some((p) => p.colorbar) ? Math.max(...panels.map((p) => (p.colorbar ? colorbarWidth(p.colorbar) : 0))) : 0;
  const titleH = panels.some((p) => p.title) ? lineHeight(FONT_PT.label) : 0;

  const yTickW = axes?.y ? Math.max(0, ...axes.y.ticks.map((t) => textWidth(t.label, FONT_PT.tick))) : 0;
  const left = axes?.y
    ? 2 + lineHeight(FONT_PT.label) + yTickW + TICK_LEN_PT + 2
    : layout.rowLabels
      ? 4 + Math.max(...layout.rowLabels.map((l) => textWidth(l, FONT_PT.tick)))
      : 2;
  const right = colorbar ? colorbarWidth(colorbar) + 2 : 2;
  const top = 2 + (layout.title ? lineHeight(FONT_PT.title) + 2 : 0) + (layout.columnLabels ? lineHeight(FONT_PT.tick) : 0);
  const bottom = axes?.x ? TICK_LEN_PT + lineHeight(FONT_PT.tick) + lineHeight(FONT_PT.label) + 2 : 2;

  let widthPt: number;
  if (layout.width !== undefined) widthPt = widthInches(layout.width) * POINTS_PER_INCH;
  else if (layout.cellPx !== undefined) {
    const cellPt = (layout.cellPx * POINTS_PER_INCH) / CSS_PX_PER_INCH;
    widthPt = left + right + columns * (cellPt + barW) + (columns - 1) * GAP_PT;
  } else widthPt = widthInches(columns > 2 ? "double" : "single") * POINTS_PER_INCH;
  // Whole CSS pixels, so the notebook PNG (96 dpi) has exactly the announced size.
  const widthPx = Math.round((widthPt * CSS_PX_PER_INCH) / POINTS_PER_INCH);
  widthPt = (widthPx * POINTS_PER_INCH) / CSS_PX_PER_INCH;

  const imgW = (widthPt - left - right - (columns - 1) * GAP_PT) / columns - barW;
  if (!(imgW >= 12)) {
    throw new RangeError(`viz: ${columns} panels per row do not fit a ${(widthPt / POINTS_PER_INCH).toFixed(2)} in figure; use a wider figure or fewer columns`);
  }
  // Captions too wide for their panel break at their " · " separators, one part per line.
  const captionLines = panels.map((p) => (!p.caption ? [] : textWidth(p.caption, FONT_PT.tick) <= imgW ? [p.caption] : p.caption.split(" · ")));
  const captionH = Math.max(0, ...captionLines.map((l) => l.length)) * lineHeight(FONT_PT.tick) + (panels.some((p) => p.caption) ? 1 : 0);
  const panelH = (p: Panel): number => (imgW * p.raster.height) / p.raster.width;
  const rowImgH = Array.from({ length: rows }, (_, r) => Math.max(...panels.slice(r * columns, (r + 1) * columns).map(panelH)));
  const rowTop: number[] = [];
  let yCursor = top;
  for (let r = 0; r < rows; r++) {
    rowTop.push(yCursor);
    yCursor += titleH + (rowImgH[r] as number) + captionH + (r < rows - 1 ? GAP_PT : 0);
  }
  const gridBottom = yCursor;
  const heightPx = Math.round(((gridBottom + bottom) * CSS_PX_PER_INCH) / POINTS_PER_INCH);
  const heightPt = (heightPx * POINTS_PER_INCH) / CSS_PX_PER_INCH;
  const cellX = (c: number): number => left + c * (imgW + barW + GAP_PT);

  const placed: Placed[] = panels.map((panel, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    return { panel, x: cellX(c), y: (rowTop[r] as number) + titleH, w: imgW, h: panelH(panel) };
  });

  const parts: string[] = [`<rect width="${num(widthPt)}" height="${num(heightPt)}" fill="white"/>`];
  if (layout.title) {
    parts.push(text(widthPt / 2, 2 + FONT_PT.title, layout.title, { size: FONT_PT.title, anchor: "middle", weight: "bold" }));
  }
  layout.columnLabels?.forEach((label, c) => parts.push(text(cellX(c) + imgW / 2, top - 3, label, { size: FONT_PT.tick, anchor: "middle" })));
  layout.rowLabels?.forEach((label, r) => {
    const y = (rowTop[r] ?? top) + titleH + (rowImgH[r] ?? 0) / 2 + FONT_PT.tick * 0.35;
    parts.push(text(2, y, label, { size: FONT_PT.tick }));
  });

  for (let i = 0; i < placed.length; i++) {
    const { panel: p, x, y, w, h } = placed[i] as Placed;
    if (p.title) {
      // A title wider than its panel drops to the tick size, and is shortened with an ellipsis
      // only if even that does not fit, rather than run into the next panel.
      const size = textWidth(p.title, FONT_PT.label) <= w ? FONT_PT.label : FONT_PT.tick;
      const maxChars = Math.floor(w / (0.55 * size));
      const shown = p.title.length <= maxChars ? p.title : `${p.title.slice(0, Math.max(1, maxChars - 1))}…`;
      parts.push(text(x + w / 2, y - lineHeight(FONT_PT.label) + FONT_PT.label, shown, { size, anchor: "middle" }));
    }
    // Small rasters (PSFs) are enlarged by whole pixels first, so they stay crisp in any viewer.
    const factor = upscaleFactorFor(p.raster, Math.ceil((w / POINTS_PER_INCH) * RASTER_PPI));
    const png = await rasterToPng(upscaleRaster(p.raster, factor));
    parts.push(
      `<image x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${pngDataUri(png)}"/>`,
    );
    const sx = w / p.raster.width;
    const sy = h / p.raster.height;
    for (const o of p.outlines ?? []) {
      parts.push(
        `<rect x="${num(x + o.x * sx)}" y="${num(y + o.y * sy)}" width="${num(o.width * sx)}" height="${num(o.height * sy)}" fill="none" stroke="${o.color ?? NEUTRAL.outline}" stroke-width="${LINE_PT.outline}"/>`,
      );
    }
    (captionLines[i] as string[]).forEach((l, j) => parts.push(text(x + w / 2, y + h + FONT_PT.tick + 1 + j * lineHeight(FONT_PT.tick), l, { size: FONT_PT.tick, anchor: "middle" })));
    if (p.colorbar) parts.push(colorbarSvg(p.colorbar, x + w + GAP_PT, y, h, `cb${i}`));
  }

  const gridTop = (rowTop[0] as number) + titleH;
  const imagesBottom = (rowTop[rows - 1] as number) + titleH + (rowImgH[rows - 1] as number);
  if (colorbar) parts.push(colorbarSvg(colorbar, widthPt - right + GAP_PT - 2, gridTop, imagesBottom - gridTop, "cbShared"));
  if (axes?.x) {
    const y0 = gridBottom + 1;
    for (const t of axes.x.ticks) {
      const x = cellX(t.at) + imgW / 2;
      parts.push(line(x, y0, x, y0 + TICK_LEN_PT));
      parts.push(text(x, y0 + TICK_LEN_PT + FONT_PT.tick, t.label, { size: FONT_PT.tick, anchor: "middle" }));
    }
    const gridW = columns * imgW + (columns - 1) * (barW + GAP_PT);
    parts.push(text(left + gridW / 2, y0 + TICK_LEN_PT + lineHeight(FONT_PT.tick) + FONT_PT.label, axes.x.title, { size: FONT_PT.label, anchor: "middle" }));
  }
  if (axes?.y) {
    const x0 = left - 1;
    for (const t of axes.y.ticks) {
      const r = Math.floor(t.at);
      const y = (rowTop[r] ?? top) + titleH + ((rowImgH[r] ?? 0) * (1 + 2 * (t.at - r))) / 2;
      parts.push(line(x0 - TICK_LEN_PT, y, x0, y));
      parts.push(text(x0 - TICK_LEN_PT - 1, y + FONT_PT.tick * 0.35, t.label, { size: FONT_PT.tick, anchor: "end" }));
    }
    parts.push(text(2 + FONT_PT.label, (gridTop + imagesBottom) / 2, axes.y.title, { size: FONT_PT.label, anchor: "middle", rotate: true }));
  }

  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(widthPt)}pt" height="${num(heightPt)}pt" viewBox="0 0 ${num(widthPt)} ${num(heightPt)}">` +
    `${parts.join("")}</svg>`;
  return { svg, width: widthPx, height: heightPx };
}

/**
 * A panel figure as a notebook bundle: a PNG at screen size (96 dpi: `width` x `height` CSS px)
 * plus a text description; `vectorSvg` keeps the vector document for saveFigure.
 */
export async function panelsBundle(panels: Panel[], layout: PanelLayout, description: string): Promise<MimeBundle> {
  const { svg, width, height } = await panelsToSvg(panels, layout);
  const png = await svgToPngAtDpi(svg, CSS_PX_PER_INCH);
  return {
    data: { [MIME.png]: png.toString("base64"), [MIME.plain]: description },
    metadata: { [MIME.png]: { width, height } },
    vectorSvg: svg,
  };
}
