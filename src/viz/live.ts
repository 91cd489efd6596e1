/**
 * Live outputs that update in place while a cell runs: the library's progress bars (via
 * setProgressFactory from src/util/progress) and growing training curves.
 */
import { setProgressFactory, type Progress, type ProgressFactory } from "../util/progress";
import { cellProgress, MIN_UPDATE_MS } from "./cell-progress";
import { inNotebook, LiveDisplay, type MimeBundle } from "./mime";
import { lossCurveSpec, vegaLite, type LossPoint } from "./vegalite";

/**
 * A progress factory for notebooks: every progress of a cell draws into that cell's one display
 * (bars while running, one summary line when done; see ./cell-progress).
 */
export const notebookProgress: ProgressFactory = (label: string, total: number, unit: string): Progress =>
  cellProgress().start(label, total, unit);

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

  constructor(private readonly opts: { title?: string; yScale?: "linear" | "log"; yTitle?: string; xTitle?: string } = {}) {}

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

export function liveCurve(opts: { title?: string; yScale?: "linear" | "log"; yTitle?: string; xTitle?: string } = {}): LiveCurve {
  return new LiveCurve(opts);
}
