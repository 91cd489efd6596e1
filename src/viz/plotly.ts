/**
 * Plotly figures (rendered in the lab by environment/lab/src/plotly-renderer.js over plotly.js).
 * Plotly has no browser-free static export, so reports use the Vega-Lite or panel figures instead.
 */
import type { NdArray, NumericArray } from "../array";
import { colorAt, cssColor, type ColormapName } from "./colormap";
import { MIME, type MimeBundle } from "./mime";
import { CATEGORY_PALETTE, channelColor, COLORMAP, FONT_FAMILY, FONT_PT, ptToPx, type ChannelName } from "./style";

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** The house style as Plotly layout defaults (a figure's own layout keys win). */
function styledLayout(layout: Record<string, unknown> = {}): Record<string, unknown> {
  return { font: { family: FONT_FAMILY, size: ptToPx(FONT_PT.label) }, colorway: [...CATEGORY_PALETTE], ...layout };
}

export function plotly(fig: PlotlyFigure, description?: string): MimeBundle {
  const title = (fig.layout?.title as { text?: string } | string | undefined) ?? "";
  const t = typeof title === "string" ? title : (title.text ?? "");
  return {
    data: {
      [MIME.plotly]: { data: fig.data, layout: styledLayout(fig.layout), ...(fig.config ? { config: fig.config } : {}) },
      [MIME.plain]: description ?? `Plotly figure${t ? `: ${t}` : ""} (${fig.data.length} trace${fig.data.length === 1 ? "" : "s"})`,
    },
  };
}

/** One of our colormaps as a Plotly colorscale (17 stops), so Plotly figures use the same maps as the rest. */
export function plotlyColorscale(name: ColormapName): [number, string][] {
  return Array.from({ length: 17 }, (_, i) => [i / 16, cssColor(colorAt(name, i / 16))] as [number, string]);
}

/** Rows of a (h, w) row-major array as nested arrays (Plotly's z format). */
function rowsOf(data: ArrayLike<number>, h: number, w: number): number[][] {
  return Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => data[y * w + x] as number));
}

/** A PSF (or any small 2-D array) as an interactive 3-D surface; log10 for PSF tails if asked. */
export function surface(z: NdArray<NumericArray>, opts: { title?: string; log?: boolean; floor?: number } = {}): MimeBundle {
  const [h, w] = z.shape as [number, number];
  if (z.shape.length !== 2 || z.data.length !== h * w) {
    throw new RangeError(`viz.surface: expected a 2-D (h, w) array, found shape [${z.shape.join(", ")}]`);
  }
  let rows = rowsOf(z.data, h, w);
  if (opts.log) {
    let max = 0;
    for (let i = 0; i < z.data.length; i++) max = Math.max(max, z.data[i] as number);
    const floor = (max || 1) * (opts.floor ?? 1e-4);
    rows = rows.map((r) => r.map((v) => Math.log10(Math.max(v, floor))));
  }
  return plotly(
    {
      data: [{ type: "surface", z: rows, colorscale: plotlyColorscale(COLORMAP.sequential), showscale: true }],
      layout: {
        title: { text: opts.title ?? (opts.log ? "log10 PSF" : "PSF") },
        width: 520,
        height: 440,
        margin: { l: 0, r: 0, t: 40, b: 0 },
        scene: { zaxis: { title: { text: opts.log ? "log10" : "value" } } },
      },
    },
    `surface ${h}x${w}${opts.title ? ` "${opts.title}"` : ""}`,
  );
}

/** Radial profiles or any x/y lines as an interactive Plotly chart; `channel` series take the channel palette. */
export function plotlyLines(
  series: { label: string; x: ArrayLike<number>; y: ArrayLike<number>; channel?: number | ChannelName }[],
  opts: { title?: string; xTitle?: string; yTitle?: string; yLog?: boolean } = {},
): MimeBundle {
  return plotly({
    data: series.map((s) => ({
      type: "scatter",
      mode: "lines",
      name: s.label,
      x: Array.from(s.x),
      y: Array.from(s.y),
      ...(s.channel !== undefined ? { line: { color: channelColor(s.channel) } } : {}),
    })),
    layout: {
      title: { text: opts.title ?? "" },
      width: 560,
      height: 340,
      xaxis: { title: { text: opts.xTitle ?? "" } },
      yaxis: { title: { text: opts.yTitle ?? "" }, type: opts.yLog ? "log" : "linear" },
    },
  });
}
