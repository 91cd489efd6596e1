/**
 * Training curves from a run's step records (the trainer's JSONL log or `onStep` records): one
 * panel per quantity, stacked and sharing the step axis, each with its own y axis, title and unit.
 * Loss and learning rate differ by orders of magnitude: on one axis the loss reads as a flat line.
 */
import { type MimeBundle } from "./mime";
import { chartSize, FONT_PT, ptToPx } from "./style";
import { vegaLite, type VegaLiteSpec } from "./vegalite";

export interface TrainingPanel {
  /** Record key, e.g. "loss_all", "lr", "grad_norm", "psnr". */
  key: string;
  /** Panel and axis title, e.g. "training loss (L1)". */
  title: string;
  /** Unit shown on the y axis, e.g. "mean |error|, intensity 0..1"; omit for dimensionless values. */
  unit?: string;
  scale?: "linear" | "log";
}

/** The trainer's loss and learning rate: what a run's log always has. */
export const DEFAULT_TRAINING_PANELS: readonly TrainingPanel[] = [
  // Units depend on the config's loss terms (L1: intensity, MSE: intensity squared): callers name them.
  { key: "loss_all", title: "training loss (loss_all)" },
  { key: "lr", title: "learning rate" },
];

export interface TrainingCurveOptions {
  title?: string;
  panels?: readonly TrainingPanel[];
  width?: number;
  /** Height of each panel (px). */
  panelHeight?: number;
}

type StepLike = { step?: unknown } & Record<string, unknown>;

/** Stacked panels (vconcat), one per `panels` entry that has at least one finite value. */
export function trainingCurvesSpec(records: readonly StepLike[], opts: TrainingCurveOptions = {}): VegaLiteSpec {
  const panels = opts.panels ?? DEFAULT_TRAINING_PANELS;
  const drawn = panels
    .map((p) => ({ p, values: records.filter((r) => typeof r.step === "number" && Number.isFinite(r[p.key])).map((r) => ({ step: r.step as number, value: r[p.key] as number })) }))
    .filter((d) => d.values.length > 0);
  if (drawn.length === 0) {
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    throw new RangeError(`viz.trainingCurves: no records with a finite ${panels.map((p) => `'${p.key}'`).join(" or ")} and a numeric 'step' (keys found: ${keys.join(", ") || "none"})`);
  }
  // Plot width leaving room for the y axis inside one paper column (style.chartSize).
  const width = opts.width ?? chartSize("single").width - 70;
  const height = opts.panelHeight ?? Math.round(chartSize("single").height * 0.6);
  return {
    title: opts.title ?? "training",
    vconcat: drawn.map(({ p, values }, i) => ({
      title: { text: p.title, anchor: "start", fontSize: ptToPx(FONT_PT.label) },
      width,
      height,
      data: { values },
      mark: { type: "line", point: values.length <= 60 },
      encoding: {
        // Only the bottom panel labels the shared step axis.
        x: { field: "step", type: "quantitative", title: i === drawn.length - 1 ? "optimiser step" : null },
        y: { field: "value", type: "quantitative", title: p.unit ? `${p.title} (${p.unit})` : p.title, scale: { type: p.scale ?? "linear", zero: false } },
        tooltip: [{ field: "step" }, { field: "value", format: ".4g", title: p.title }],
      },
    })),
    resolve: { scale: { y: "independent" } },
  };
}

export function trainingCurves(records: readonly StepLike[], opts: TrainingCurveOptions = {}): MimeBundle {
  const spec = trainingCurvesSpec(records, opts);
  const titles = (spec.vconcat as { title: { text: string } }[]).map((v) => v.title.text);
  return vegaLite(spec, `${opts.title ?? "training"}: ${titles.join(", ")} over ${records.length} records`);
}
