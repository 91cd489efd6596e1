import * as cliProgress from "cli-progress";
import { info } from "./info";

/**
 * Progress of long work. Library code asks `createProgress(label, total)` and calls `tick()`;
 * what the user sees depends on where it runs: a bar in a terminal, periodic lines in a log
 * (CI, pipes), or a live display in a notebook (src/viz installs its factory with `setProgressFactory`).
 */
export interface Progress {
  tick(n?: number, status?: string): void;
  done(): void;
}

export type ProgressFactory = (label: string, total: number, unit: string) => Progress;

const silent: Progress = { tick() {}, done() {} };

function terminalProgress(label: string, total: number, unit: string): Progress {
  if (process.env.SVD_QUIET === "1") return silent;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} | {eta_formatted} left {status}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { status: "" });
    return {
      tick(n = 1, status = "") {
        bar.increment(n, { status });
      },
      done() {
        bar.stop();
      },
    };
  }
  // Not a terminal: one line at every 10% so logs show that work moves without flooding them
  // (informational: stdout in a notebook cell that did not install the notebook display).
  let value = 0;
  let lastDecile = -1;
  const start = Date.now();
  return {
    tick(n = 1) {
      value += n;
      const decile = Math.floor((10 * value) / Math.max(total, 1));
      if (decile !== lastDecile) {
        lastDecile = decile;
        const s = ((Date.now() - start) / 1000).toFixed(1);
        info(`${label}: ${value}/${total} ${unit} (${s} s)`);
      }
    },
    done() {},
  };
}

let factory: ProgressFactory = terminalProgress;

export function setProgressFactory(f: ProgressFactory | null): void {
  factory = f ?? terminalProgress;
}

export function createProgress(label: string, total: number, unit = "items"): Progress {
  return factory(label, total, unit);
}

export const silentProgress: ProgressFactory = () => silent;
