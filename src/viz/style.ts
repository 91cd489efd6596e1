/**
 * The one figure style every builder in src/viz uses (and notebooks take their colours from):
 * sizes for a two-column paper, text sizes at print size, line widths, the fixed channel palette,
 * the categorical palette and which colormap shows which kind of data.
 *
 * Units: panel figures (src/viz/panels.ts) are laid out in points (1/72 in) and carry their print
 * size in inches; Vega-Lite works in CSS pixels (1/96 in), so its sizes go through `ptToPx`.
 */
import type { ColormapName } from "./colormap";

export const POINTS_PER_INCH = 72;
export const CSS_PX_PER_INCH = 96;

/** Figure widths of a two-column paper: one column (~3.5 in) or the full text width (~7 in). */
export const FIGURE_WIDTH_IN = { single: 3.5, double: 7 } as const;
export type FigureWidth = keyof typeof FIGURE_WIDTH_IN;

/** Text sizes in points at print size (8-10 pt: legible in a two-column paper without dominating). */
export const FONT_PT = { tick: 8, label: 9, title: 10 } as const;
export const FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

/** Line widths in points. */
export const LINE_PT = { data: 1.25, axis: 0.5, outline: 1, rule: 0.75 } as const;

/**
 * Colour channels, the same in every figure and notebook (matplotlib's tab10 red, green, blue).
 * Index with `channelColor(c)`; Vega-Lite scales with `channelScale(labels)`.
 */
export const CHANNEL_PALETTE = { R: "#d62728", G: "#2ca02c", B: "#1f77b4" } as const;
export type ChannelName = keyof typeof CHANNEL_PALETTE;
export const CHANNEL_ORDER: readonly ChannelName[] = ["R", "G", "B"];

/** Series that are not colour channels (methods, field positions): Okabe-Ito, safe for colour-blind readers. */
export const CATEGORY_PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"] as const;

/** Neutral marks: reference rules (Nyquist), crop outlines, frames. */
export const NEUTRAL = { rule: "#777777", frame: "#444444", text: "#000000", subtleText: "#555555", outline: "#e69f00" } as const;

/** Which colormap shows which kind of data. */
export const COLORMAP: { readonly image: ColormapName; readonly psf: ColormapName; readonly signed: ColormapName; readonly sequential: ColormapName } = {
  image: "gray",
  psf: "magma",
  signed: "rdbu",
  sequential: "viridis",
};

export function ptToPx(pt: number): number {
  return (pt * CSS_PX_PER_INCH) / POINTS_PER_INCH;
}

export function widthInches(width: FigureWidth | number): number {
  if (typeof width === "number") {
    if (!(width > 0)) throw new RangeError(`viz: figure width must be a positive number of inches, found ${width}`);
    return width;
  }
  const w = FIGURE_WIDTH_IN[width];
  if (w === undefined) throw new RangeError(`viz: figure width must be "single", "double" or inches, found "${String(width)}"`);
  return w;
}

/** The colour of channel `c`: an index 0/1/2 or a name R/G/B. */
export function channelColor(c: number | ChannelName): string {
  const name = typeof c === "number" ? CHANNEL_ORDER[c] : c;
  if (name === undefined || !(name in CHANNEL_PALETTE)) {
    throw new RangeError(`viz.channelColor: expected a channel index 0..2 or R/G/B, found ${JSON.stringify(c)}`);
  }
  return CHANNEL_PALETTE[name];
}

/**
 * A Vega-Lite colour scale for one series label per channel, in channel order (labels[0] is R):
 * `color: { field: "channel", type: "nominal", scale: viz.channelScale(labels) }`.
 */
export function channelScale(labels: readonly string[]): { domain: string[]; range: string[] } {
  if (labels.length > CHANNEL_ORDER.length) {
    throw new RangeError(`viz.channelScale: at most ${CHANNEL_ORDER.length} channel labels (R, G, B), found ${labels.length}`);
  }
  return { domain: [...labels], range: labels.map((_, i) => channelColor(i)) };
}

/** Plot-area size in CSS px for a Vega-Lite chart that spans one column or the text width. */
export function chartSize(width: FigureWidth | number = "single", aspect = 0.62): { width: number; height: number } {
  const w = Math.round(widthInches(width) * CSS_PX_PER_INCH);
  return { width: w, height: Math.round(w * aspect) };
}

/** Vega-Lite `config` with the fonts, line widths and palettes above (merged under a spec's own config). */
export function vegaLiteConfig(): Record<string, unknown> {
  const tick = ptToPx(FONT_PT.tick);
  const label = ptToPx(FONT_PT.label);
  return {
    font: FONT_FAMILY,
    title: { fontSize: ptToPx(FONT_PT.title), fontWeight: "bold", font: FONT_FAMILY },
    axis: {
      labelFontSize: tick,
      titleFontSize: label,
      titleFontWeight: "normal",
      domainWidth: ptToPx(LINE_PT.axis),
      tickWidth: ptToPx(LINE_PT.axis),
      gridWidth: ptToPx(LINE_PT.axis),
    },
    legend: { labelFontSize: tick, titleFontSize: label, titleFontWeight: "normal", symbolSize: 40 },
    header: { labelFontSize: label, titleFontSize: label },
    line: { strokeWidth: ptToPx(LINE_PT.data) },
    rule: { strokeWidth: ptToPx(LINE_PT.rule), color: NEUTRAL.rule },
    point: { size: 14 },
    range: { category: [...CATEGORY_PALETTE], heatmap: { scheme: COLORMAP.sequential }, ramp: { scheme: COLORMAP.sequential } },
  };
}
