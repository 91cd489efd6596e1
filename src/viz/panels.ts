/**
 * Figures made of image panels (PSF grids, coefficient maps, comparisons): laid out as an SVG with
 * titles, colour bars and crop outlines around embedded PNG panels, then rasterised to one PNG by
 * sharp. The same function feeds notebooks (image/png bundle) and CLI reports (saveFigure).
 */
import { colormapTable, type ColormapName } from "./colormap";
import { escapeHtml, MIME, type MimeBundle } from "./mime";
import { pngDataUri, rasterToPng, svgToPng } from "./png";
import { upscaleFactorFor, upscaleRaster, type Raster } from "./raster";

export interface ColorbarSpec {
  colormap: ColormapName;
  lo: number;
  hi: number;
  log?: boolean;
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
  colorbar?: ColorbarSpec;
  outlines?: Outline[];
}

export interface PanelLayout {
  /** Panels per row (default: all in one row up to 6). */
  columns?: number;
  /** Panels are enlarged (nearest neighbour, integer factor) to about this many pixels. */
  cellPx?: number;
  /** Figure title above the grid. */
  title?: string;
  /** Row/column labels (PSF grids: field positions). */
  rowLabels?: string[];
  columnLabels?: string[];
}

const FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif";
const GAP = 8;
const TITLE_H = 16;
const BAR_W = 40;

function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

function colorbarSvg(cb: ColorbarSpec, x: number, y: number, h: number, id: string): string {
  const lut = colormapTable(cb.colormap);
  const stops: string[] = [];
  for (let i = 0; i <= 16; i++) {
    const j = Math.round((i / 16) * 255) * 3;
    stops.push(`<stop offset="${(i / 16).toFixed(4)}" stop-color="rgb(${lut[j]},${lut[j + 1]},${lut[j + 2]})"/>`);
  }
  return (
    `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops.join("")}</linearGradient></defs>` +
    `<rect x="${x}" y="${y}" width="8" height="${h}" fill="url(#${id})" stroke="#444" stroke-width="0.5"/>` +
    `<text x="${x + 11}" y="${y + 8}" font-size="9" font-family="${FONT}">${fmt(cb.hi)}</text>` +
    `<text x="${x + 11}" y="${y + h}" font-size="9" font-family="${FONT}">${fmt(cb.lo)}</text>` +
    (cb.log ? `<text x="${x + 11}" y="${y + h / 2 + 3}" font-size="8" font-family="${FONT}" fill="#555">log</text>` : "")
  );
}

/** Lays panels out and returns the SVG document with the PNGs embedded. */
export async function panelsToSvg(panels: Panel[], layout: PanelLayout = {}): Promise<{ svg: string; width: number; height: number }> {
  if (panels.length === 0) throw new RangeError("viz: a figure needs at least one panel");
  const columns = Math.max(1, layout.columns ?? Math.min(panels.length, 6));
  const rows = Math.ceil(panels.length / columns);
  const target = layout.cellPx ?? 160;
  const scaled = panels.map((p) => {
    const f = upscaleFactorFor(p.raster, target);
    return { p, f, r: upscaleRaster(p.raster, f) };
  });
  const cellW = Math.max(...scaled.map((s) => s.r.width)) + (panels.some((p) => p.colorbar) ? BAR_W : 0);
  const cellH = Math.max(...scaled.map((s) => s.r.height));
  const hasTitles = panels.some((p) => p.title);
  const rowLabelW = layout.rowLabels ? 56 : 0;
  const top = (layout.title ? 22 : 0) + (layout.columnLabels ? TITLE_H : 0);
  const cellTotalH = cellH + (hasTitles ? TITLE_H : 0);
  const width = rowLabelW + columns * cellW + (columns + 1) * GAP;
  const height = top + rows * cellTotalH + (rows + 1) * GAP;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="white"/>`];
  if (layout.title) {
    parts.push(`<text x="${width / 2}" y="16" text-anchor="middle" font-size="14" font-weight="bold" font-family="${FONT}">${escapeHtml(layout.title)}</text>`);
  }
  layout.columnLabels?.forEach((label, c) => {
    const x = rowLabelW + GAP + c * (cellW + GAP) + cellW / 2;
    parts.push(`<text x="${x}" y="${top - 4}" text-anchor="middle" font-size="10" font-family="${FONT}">${escapeHtml(label)}</text>`);
  });
  layout.rowLabels?.forEach((label, r) => {
    const y = top + GAP + r * (cellTotalH + GAP) + (hasTitles ? TITLE_H : 0) + cellH / 2;
    parts.push(`<text x="4" y="${y}" font-size="10" font-family="${FONT}">${escapeHtml(label)}</text>`);
  });
  for (let i = 0; i < scaled.length; i++) {
    const { p, f, r } = scaled[i] as (typeof scaled)[number];
    const c = i % columns;
    const row = Math.floor(i / columns);
    const x = rowLabelW + GAP + c * (cellW + GAP);
    const y = top + GAP + row * (cellTotalH + GAP);
    const iy = y + (hasTitles ? TITLE_H : 0);
    if (p.title) {
      parts.push(`<text x="${x + r.width / 2}" y="${y + 12}" text-anchor="middle" font-size="11" font-family="${FONT}">${escapeHtml(p.title)}</text>`);
    }
    const png = await rasterToPng(r);
    parts.push(`<image x="${x}" y="${iy}" width="${r.width}" height="${r.height}" href="${pngDataUri(png)}"/>`);
    for (const o of p.outlines ?? []) {
      parts.push(
        `<rect x="${x + o.x * f}" y="${iy + o.y * f}" width="${o.width * f}" height="${o.height * f}" fill="none" stroke="${o.color ?? "#ff3b30"}" stroke-width="2"/>`,
      );
    }
    if (p.colorbar) parts.push(colorbarSvg(p.colorbar, x + r.width + 6, iy, Math.min(r.height, 200), `cb${i}`));
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join("")}</svg>`;
  return { svg, width, height };
}

/** A panel figure as a notebook bundle: one PNG (rendered at 1:1) plus a text description. */
export async function panelsBundle(panels: Panel[], layout: PanelLayout, description: string): Promise<MimeBundle> {
  const { svg, width, height } = await panelsToSvg(panels, layout);
  const png = await svgToPng(svg, 72);
  return {
    data: { [MIME.png]: png.toString("base64"), [MIME.plain]: description },
    metadata: { [MIME.png]: { width, height } },
  };
}
