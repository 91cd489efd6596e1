/**
 * Live outputs that update in place while a cell runs: the library's progress bars (via
 * setProgressFactory from src/util/progress) and growing training curves.
 */
import { setProgressFactory, type Progress, type ProgressFactory } from "../util/progress";
import { escapeHtml, inNotebook, LiveDisplay, MIME, type MimeBundle } from "./mime";
import { lossCurveSpec, vegaLite, type LossPoint } from "./vegalite";

/** Minimum time between two in-place updates: the front end need not redraw on every tick. */
const MIN_UPDATE_MS = 200;

function progressBundle(label: string, value: number, total: number, unit: string, status: string, seconds: number): MimeBundle {
  const frac = total > 0 ? Math.min(1, value / total) : 0;
  const pct = (100 * frac).toFixed(0);
  const rate = seconds > 0 ? ` · ${(value / seconds).toFixed(1)} ${unit}/s` : "";
  const text = `${label}: ${value}/${total} ${unit} (${pct}%) ${seconds.toFixed(1)} s${rate}${status ? ` · ${status}` : ""}`;
  const html =
    `<div class="svd-progress" style="font-family:monospace;font-size:12px">` +
    `<progress value="${value}" max="${total}" style="width:320px;vertical-align:middle"></progress> ` +
    `${escapeHtml(text)}</div>`;
  return { data: { [MIME.html]: html, [MIME.plain]: text } };
}

/** A progress factory that draws an HTML progress bar updated in place in the running cell. */
export const notebookProgress: ProgressFactory = (label: string, total: number, unit: string): Progress => {
  const live = new LiveDisplay();
  const start = Date.now();
  let value = 0;
  let last = 0;
  let status = "";
  const draw = (): void => {
    last = Date.now();
    live.update(progressBundle(label, value, total, unit, status, (last - start) / 1000));
  };
  draw();
  return {
    tick(n = 1, s = "") {
      value += n;
      status = s;
      if (Date.now() - last >= MIN_UPDATE_MS) draw();
    },
    done() {
      draw();
    },
  };
};

/**
 * Routes the library's progress reports into notebook outputs (when in a notebook; a no-op
 * elsewhere). Returns a function that restores the terminal progress.
 */
export function useNotebookProgress(): () => void {
  if (!inNotebook()) return () => {};
  setProgressFactory(notebookProgress);
  return () => setProgressFactory(null);
}

/** A training-curve chart that grows in place: `curve.add(step, loss)`, then `curve.done()`. */
export class LiveCurve {
  private readonly live = new LiveDisplay();
  private readonly pts: LossPoint[] = [];
  private last = 0;

  constructor(private readonly opts: { title?: string; yScale?: "linear" | "log" } = {}) {}

  get points(): readonly LossPoint[] {
    return this.pts;
  }

  add(step: number, value: number, series = "train loss"): void {
    if (!Number.isFinite(step) || !Number.isFinite(value)) {
      throw new RangeError(`viz.LiveCurve.add: step and value must be finite numbers, found step=${step} value=${value}`);
    }
    this.pts.push({ step, value, series });
    if (Date.now() - this.last >= MIN_UPDATE_MS) this.flush();
  }

  /** The current chart as a bundle (also what the live output shows). */
  bundle(): MimeBundle {
    return vegaLite(lossCurveSpec(this.pts, this.opts), `${this.opts.title ?? "training"}: ${this.pts.length} points`);
  }

  flush(): void {
    this.last = Date.now();
    this.live.update(this.bundle());
  }

  done(): void {
    this.flush();
  }
}

export function liveCurve(opts: { title?: string; yScale?: "linear" | "log" } = {}): LiveCurve {
  return new LiveCurve(opts);
}
