/**
 * Vega-Lite v5 charts (rendered by JupyterLab's vega5 extension; the kernel side uses vega@5 /
 * vega-lite@5, which load from CommonJS inside tslab cells, unlike v6) and their static SVG export.
 */
import { MIME, type MimeBundle } from "./mime";
import { CATEGORY_PALETTE, channelColor, chartSize, COLORMAP, NEUTRAL, vegaLiteConfig, type ChannelName } from "./style";

/** A Vega-Lite spec: plain JSON. Kept loose on purpose; vega-lite's own types are huge. */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`, objects recursively (a spec's own config wins over the house style). */
function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeConfig(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** The spec with the schema and the house style (src/viz/style) as its config. */
export function styledSpec(spec: VegaLiteSpec): VegaLiteSpec {
  const own = isPlainObject(spec.config) ? spec.config : {};
  return { $schema: SCHEMA, ...spec, config: mergeConfig(vegaLiteConfig(), own) };
}

/** Total chart size = the given width/height (axes and legend inside), so figures match the paper's column. */
const FIT = { type: "fit", contains: "padding" } as const;

export function vegaLite(spec: VegaLiteSpec, description?: string): MimeBundle {
  const full = styledSpec(spec);
  const title = typeof spec.title === "string" ? spec.title : (spec.title as { text?: string } | undefined)?.text;
  return { data: { [MIME.vegaLite]: full, [MIME.plain]: description ?? `Vega-Lite chart${title ? `: ${title}` : ""}` } };
}

type Num = ArrayLike<number>;

function points<T extends Record<string, unknown>>(n: number, row: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => row(i));
}

export interface Series {
  label: string;
  x: Num;
  y: Num;
  /** A colour channel (0/1/2 or R/G/B): drawn in the fixed channel palette (style.CHANNEL_PALETTE). */
  channel?: number | ChannelName;
}

/** Colour scale of labelled series: channels in the channel palette, the others in the categorical one. */
export function seriesColorScale(series: readonly { label: string; channel?: number | ChannelName }[]): { domain: string[]; range: string[] } {
  const domain: string[] = [];
  const range: string[] = [];
  let next = 0;
  for (const s of series) {
    if (domain.includes(s.label)) continue;
    domain.push(s.label);
    range.push(s.channel !== undefined ? channelColor(s.channel) : (CATEGORY_PALETTE[next++ % CATEGORY_PALETTE.length] as string));
  }
  return { domain, range };
}

export interface LineOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  yScale?: "linear" | "log";
  /** Total size in CSS px (default: one paper column, style.chartSize("single")). */
  width?: number;
  height?: number;
  /** y axis domain, e.g. [0, 1] for MTF. */
  yDomain?: [number, number];
}

/** Line chart of several labelled series (long format: x, y, series). */
export function lineChartSpec(series: Series[], opts: LineOptions = {}): VegaLiteSpec {
  const values = series.flatMap((s) => {
    if (s.x.length !== s.y.length) throw new RangeError(`viz: series "${s.label}" has ${s.x.length} x values and ${s.y.length} y values`);
    return points(s.x.length, (i) => ({ x: s.x[i] as number, y: s.y[i] as number, series: s.label }));
  });
  const size = chartSize("single");
  return {
    title: opts.title,
    width: opts.width ?? size.width,
    height: opts.height ?? size.height,
    autosize: FIT,
    data: { values },
    mark: { type: "line", point: values.length <= 200 },
    encoding: {
      x: { field: "x", type: "quantitative", title: opts.xTitle ?? "x" },
      y: {
        field: "y",
        type: "quantitative",
        title: opts.yTitle ?? "y",
        scale: { type: opts.yScale ?? "linear", ...(opts.yDomain ? { domain: opts.yDomain } : {}) },
      },
      color: { field: "series", type: "nominal", title: null, scale: seriesColorScale(series) },
      tooltip: [{ field: "series" }, { field: "x", format: ".4g" }, { field: "y", format: ".4g" }],
    },
  };
}

export function lineChart(series: Series[], opts: LineOptions = {}): MimeBundle {
  return vegaLite(lineChartSpec(series, opts), `line chart${opts.title ? ` "${opts.title}"` : ""}: ${series.map((s) => s.label).join(", ")}`);
}

export interface MtfCurve {
  label: string;
  /** Spatial frequency, cycles per pixel (0 .. 0.5) unless `frequencyUnit` says otherwise. */
  frequency: Num;
  mtf: Num;
  /** A colour channel (0/1/2 or R/G/B): drawn in the channel palette. */
  channel?: number | ChannelName;
  /**
   * Which MTF of a field point this is: tangential curves are drawn solid, sagittal ones dashed,
   * so the two of one channel (one colour) stay apart. Curves without one are solid.
   */
  direction?: MtfDirection;
}

export type MtfDirection = "tangential" | "sagittal";

/** Dash pattern (on, off in px) per direction; solid for curves that name none. */
const SOLID: number[] = [1, 0];
const MTF_DASH: Record<MtfDirection, number[]> = { tangential: SOLID, sagittal: [6, 3] };

/** Dash of each labelled curve, as a strokeDash scale keyed like the colour scale (vega-lite merges the two legends). */
function mtfDashScale(curves: readonly MtfCurve[]): { domain: string[]; range: number[][] } {
  const domain: string[] = [];
  const range: number[][] = [];
  for (const c of curves) {
    if (domain.includes(c.label)) continue;
    domain.push(c.label);
    range.push(c.direction ? MTF_DASH[c.direction] : SOLID);
  }
  return { domain, range };
}

/**
 * MTF curves (e.g. centre vs. edge of the field), with the Nyquist frequency marked. Curves stop at
 * Nyquist unless `beyondNyquist` (past it, a sampled measurement shows aliases, not the lens), and
 * the y axis reaches above 1 when a curve does (a sharpened or restored MTF overshoots).
 */
export function mtfCurves(curves: MtfCurve[], opts: { title?: string; frequencyUnit?: string; nyquist?: number; beyondNyquist?: boolean } = {}): MimeBundle {
  const unit = opts.frequencyUnit ?? "cycles/pixel";
  const nyquist = opts.nyquist ?? (unit === "cycles/pixel" ? 0.5 : undefined);
  // A small tolerance keeps a sample computed as 0.5000000001 cy/px.
  const limit = nyquist === undefined || opts.beyondNyquist ? Infinity : nyquist * (1 + 1e-9);
  const shown = curves.map((c) => {
    if (c.frequency.length !== c.mtf.length) throw new RangeError(`viz.mtfCurves: curve "${c.label}" has ${c.frequency.length} frequencies and ${c.mtf.length} MTF values`);
    const keep = Array.from({ length: c.frequency.length }, (_, i) => i).filter((i) => (c.frequency[i] as number) <= limit);
    return { label: c.label, x: keep.map((i) => c.frequency[i] as number), y: keep.map((i) => c.mtf[i] as number), channel: c.channel };
  });
  let top = 1;
  for (const c of shown) for (const v of c.y) if (Number.isFinite(v) && v > top) top = v;
  const base = lineChartSpec(shown, { title: opts.title ?? "MTF", xTitle: `spatial frequency (${unit})`, yTitle: "MTF", yDomain: [0, top > 1 ? Math.ceil(top * 10) / 10 : 1] });
  for (const c of curves) {
    if (c.direction !== undefined && !(c.direction in MTF_DASH)) {
      throw new RangeError(`viz.mtfCurves: curve "${c.label}" has direction "${String(c.direction)}", expected "tangential" or "sagittal"`);
    }
  }
  const encoding = curves.some((c) => c.direction)
    ? { ...(base.encoding as VegaLiteSpec), strokeDash: { field: "series", type: "nominal", title: null, scale: mtfDashScale(curves) } }
    : base.encoding;
  const layers: VegaLiteSpec[] = [{ mark: base.mark, encoding }];
  if (nyquist !== undefined) {
    layers.push({
      data: { values: [{ x: nyquist }] },
      mark: { type: "rule", strokeDash: [4, 4], color: NEUTRAL.rule },
      encoding: { x: { field: "x", type: "quantitative" } },
    });
  }
  const spec: VegaLiteSpec = { title: base.title, width: base.width, height: base.height, autosize: FIT, data: base.data, layer: layers };
  return vegaLite(spec, `MTF curves: ${curves.map((c) => c.label).join(", ")}`);
}

/** Explained variance of a PSF basis: bars per component and the cumulative curve. */
export function explainedVariance(ratios: Num, opts: { title?: string } = {}): MimeBundle {
  let cum = 0;
  const values = points(ratios.length, (i) => {
    cum += ratios[i] as number;
    return { component: i + 1, ratio: ratios[i] as number, cumulative: cum };
  });
  const spec: VegaLiteSpec = {
    title: opts.title ?? "Explained variance of the PSF basis",
    // Plot area for about one column in total: vega's "fit" sizing drops the title of this
    // two-axis layer chart, so the room for the two axes is set aside by hand.
    width: chartSize("single").width - 115,
    height: Math.round(chartSize("single").height * 0.75),
    data: { values },
    encoding: { x: { field: "component", type: "ordinal", title: "component" } },
    layer: [
      { mark: { type: "bar", color: CATEGORY_PALETTE[0] }, encoding: { y: { field: "ratio", type: "quantitative", title: "explained variance ratio" } } },
      {
        // Line and points in one colour that stands out from the bars.
        mark: { type: "line", color: CATEGORY_PALETTE[1], point: { color: CATEGORY_PALETTE[1], filled: true } },
        encoding: { y: { field: "cumulative", type: "quantitative", title: "cumulative", scale: { domain: [0, 1] } } },
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
  return vegaLite(spec, `explained variance of ${ratios.length} components (cumulative ${cum.toFixed(4)})`);
}

/** A scalar over the field grid (e.g. MTF50 or PSF width per position) as a heat map. */
export function fieldHeatmap(values: { data: Num; shape: readonly number[] }, opts: { title?: string; valueTitle?: string; scheme?: string } = {}): MimeBundle {
  const [nh, nw] = values.shape as [number, number];
  if (values.shape.length !== 2 || values.data.length !== nh * nw) {
    throw new RangeError(`viz.fieldHeatmap: expected an (nh, nw) array, found shape [${values.shape.join(", ")}] with ${values.data.length} values`);
  }
  const rows = points(nh * nw, (i) => ({ row: Math.floor(i / nw), col: i % nw, value: values.data[i] as number }));
  const spec: VegaLiteSpec = {
    title: opts.title ?? "over the field",
    data: { values: rows },
    mark: "rect",
    width: Math.min(480, 40 * nw),
    height: Math.min(480, 40 * nh),
    encoding: {
      x: { field: "col", type: "ordinal", title: "grid column" },
      y: { field: "row", type: "ordinal", title: "grid row" },
      color: { field: "value", type: "quantitative", title: opts.valueTitle ?? "value", scale: { scheme: opts.scheme ?? COLORMAP.sequential } },
      tooltip: [{ field: "row" }, { field: "col" }, { field: "value", format: ".4g" }],
    },
  };
  return vegaLite(spec, `${opts.title ?? "field heat map"} (${nh}x${nw})`);
}

export interface LossPoint {
  step: number;
  value: number;
  /** e.g. "train loss", "val PSNR". */
  series: string;
}

/** One y axis for every series: give curves of one quantity (e.g. train and val loss); `viz.trainingCurves` separates quantities. */
export function lossCurveSpec(pts: readonly LossPoint[], opts: { title?: string; yScale?: "linear" | "log"; yTitle?: string; xTitle?: string } = {}): VegaLiteSpec {
  return {
    title: opts.title ?? "training",
    ...chartSize("single"),
    autosize: FIT,
    data: { values: pts.map((p) => ({ ...p })) },
    mark: { type: "line", point: pts.length <= 60 },
    encoding: {
      x: { field: "step", type: "quantitative", title: opts.xTitle ?? "step" },
      y: { field: "value", type: "quantitative", title: opts.yTitle ?? "value", scale: { type: opts.yScale ?? "linear", zero: false } },
      color: { field: "series", type: "nominal", title: null },
    },
  };
}

/** Vega-Lite -> SVG without a browser (vega's headless View; text measured with estimates). */
export async function vegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  // Loaded on demand: vega is heavy and only figures need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vega = require("vega") as typeof import("vega");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vl = require("vega-lite") as typeof import("vega-lite");
  const compiled = vl.compile(styledSpec(spec) as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
