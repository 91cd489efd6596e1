/**
 * The library's progress bars in a notebook: ONE display per cell, updated in place. Every
 * progress the cell starts (a loop of renders, nested passes) draws into it; while tasks run it
 * shows their bars, and once all are done it leaves a single summary line, not a stack of
 * finished bars.
 */
import type { Progress } from "../util/progress";
import { displayHook, escapeHtml, LiveDisplay, MIME, type MimeBundle } from "./mime";

/** Minimum time between two in-place updates: the front end need not redraw on every tick. */
export const MIN_UPDATE_MS = 200;

/** One progress bar's state (values in its own unit; times in ms since the epoch). */
export interface ProgressTask {
  label: string;
  unit: string;
  total: number;
  value: number;
  status: string;
  startMs: number;
  endMs: number | null;
}

function taskText(t: ProgressTask, nowMs: number): string {
  const seconds = ((t.endMs ?? nowMs) - t.startMs) / 1000;
  const pct = (100 * (t.total > 0 ? Math.min(1, t.value / t.total) : 0)).toFixed(0);
  const rate = seconds > 0 ? ` · ${(t.value / seconds).toFixed(1)} ${t.unit}/s` : "";
  return `${t.label}: ${t.value}/${t.total} ${t.unit} (${pct}%) ${seconds.toFixed(1)} s${rate}${t.status ? ` · ${t.status}` : ""}`;
}

function barLine(t: ProgressTask, text: string): string {
  return (
    `<div class="svd-progress" style="font-family:monospace;font-size:12px"><progress value="${t.value}" max="${t.total}" ` +
    `style="width:320px;vertical-align:middle"></progress> ${escapeHtml(text)}</div>`
  );
}

/**
 * The display's content: a bar per running task (outermost first); once none runs, one line: the
 * last task's bar, with how many tasks the cell ran and how long they took.
 */
export function progressBundle(running: readonly ProgressTask[], finished: readonly ProgressTask[], nowMs: number): MimeBundle {
  let lines: { t: ProgressTask; text: string }[];
  if (running.length > 0) lines = running.map((t) => ({ t, text: taskText(t, nowMs) }));
  else {
    const last = finished[finished.length - 1];
    if (!last) return { data: { [MIME.html]: "", [MIME.plain]: "" } };
    let text = taskText(last, nowMs);
    if (finished.length > 1) {
      const first = Math.min(...finished.map((t) => t.startMs));
      const end = Math.max(...finished.map((t) => t.endMs ?? nowMs));
      text += ` (last of ${finished.length} tasks, ${((end - first) / 1000).toFixed(1)} s in all)`;
    }
    lines = [{ t: last, text }];
  }
  return {
    data: {
      [MIME.html]: `<div class="svd-progress-cell">${lines.map((l) => barLine(l.t, l.text)).join("")}</div>`,
      [MIME.plain]: lines.map((l) => l.text).join("\n"),
    },
  };
}

/** All progress of one cell, drawn into one LiveDisplay. */
class CellProgress {
  private readonly live = new LiveDisplay();
  private readonly running: ProgressTask[] = [];
  private readonly finished: ProgressTask[] = [];
  private lastDrawMs = 0;

  start(label: string, total: number, unit: string): Progress {
    const task: ProgressTask = { label, unit, total, value: 0, status: "", startMs: Date.now(), endMs: null };
    this.running.push(task);
    this.draw(false);
    return {
      tick: (n = 1, status = "") => {
        task.value += n;
        task.status = status;
        this.draw(false);
      },
      done: () => {
        if (task.endMs !== null) return;
        task.endMs = Date.now();
        this.running.splice(this.running.indexOf(task), 1);
        this.finished.push(task);
        // The last task to finish always draws: that is the line the cell keeps.
        this.draw(this.running.length === 0);
      },
    };
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDrawMs < MIN_UPDATE_MS) return;
    this.lastDrawMs = now;
    this.live.update(progressBundle(this.running, this.finished, now));
  }
}

/**
 * Which cell is running. tslab installs a new display hook and a new process.stdout.write for
 * every execute request (the pure-Node runner in tools/notebooks swaps stdout per cell the same
 * way), so the pair changes exactly when a new cell starts.
 */
function currentCellKey(): [unknown, unknown] {
  return [displayHook(), process.stdout.write];
}

let current: { key: [unknown, unknown]; progress: CellProgress } | null = null;

/** The progress display of the running cell (a new one when a new cell runs). */
export function cellProgress(): CellProgress {
  const key = currentCellKey();
  if (!current || current.key[0] !== key[0] || current.key[1] !== key[1]) current = { key, progress: new CellProgress() };
  return current.progress;
}
