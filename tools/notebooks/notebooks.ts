/**
 * Notebook discovery, execution (one child process per notebook, tools/notebooks/run-notebook.js)
 * and the checks the test suite applies: every notebooks/**\/*.ipynb runs without error and shows
 * the MIME types it declares in its metadata:
 *   "metadata": { "svd": { "expected_mime": ["application/vnd.vegalite.v5+json", "image/png"], "timeout_s": 300 } }
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");
export const NOTEBOOKS_DIR = path.join(REPO, "notebooks");
const RUNNER = path.join(__dirname, "run-notebook.js");

/** Every notebook under notebooks/, sorted, skipping executed copies and Jupyter checkpoints. */
export function findNotebooks(root = NOTEBOOKS_DIR): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ipynb")) out.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out.sort();
}

/** Where the executed copy of a notebook goes: <folder>/.executed/<name> (gitignored). */
export function executedPathFor(notebook: string): string {
  return path.join(path.dirname(notebook), ".executed", path.basename(notebook));
}

export interface NotebookSettings {
  expectedMime: string[];
  timeoutS: number;
}

export function notebookSettings(notebook: string): NotebookSettings {
  const nb = JSON.parse(fs.readFileSync(notebook, "utf8"));
  const svd = nb.metadata?.svd ?? {};
  const expected = svd.expected_mime;
  if (!Array.isArray(expected) || expected.length === 0 || !expected.every((m: unknown) => typeof m === "string")) {
    throw new Error(
      `${path.relative(REPO, notebook)}: metadata.svd.expected_mime must list the MIME types the notebook shows ` +
        `(e.g. ["image/png", "application/vnd.vegalite.v5+json"]); found ${JSON.stringify(expected)}`,
    );
  }
  const timeoutS = svd.timeout_s ?? 600;
  if (typeof timeoutS !== "number" || !(timeoutS > 0)) {
    throw new Error(`${path.relative(REPO, notebook)}: metadata.svd.timeout_s must be a positive number of seconds; found ${JSON.stringify(svd.timeout_s)}`);
  }
  return { expectedMime: expected, timeoutS };
}

export interface RunResult {
  notebook: string;
  executed: string;
  ok: boolean;
  seconds: number;
  /** The runner's stderr: on failure, the failing cell and its message. */
  report: string;
  /** MIME types found in the executed outputs (display_data / execute_result), plus "stream". */
  mimeTypes: Set<string>;
}

export function outputMimeTypes(executedNotebook: string): Set<string> {
  const nb = JSON.parse(fs.readFileSync(executedNotebook, "utf8"));
  const found = new Set<string>();
  for (const cell of nb.cells ?? []) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "stream") found.add("stream");
      for (const m of Object.keys(o.data ?? {})) found.add(m);
    }
  }
  return found;
}

/** Runs one notebook in a child process (killed after timeoutS). */
export function runNotebook(notebook: string, opts: { timeoutS?: number; echo?: boolean; executed?: string } = {}): Promise<RunResult> {
  const executed = opts.executed ?? executedPathFor(notebook);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, notebook, executed], {
      cwd: REPO,
      env: { ...process.env, SVD_QUIET: process.env.SVD_QUIET ?? "1", ...(opts.echo ? { SVD_NOTEBOOK_ECHO: "1" } : {}) },
      stdio: ["ignore", "inherit", "pipe"],
    });
    let report = "";
    child.stderr.on("data", (b: Buffer) => (report += b.toString()));
    const timeoutS = opts.timeoutS ?? 600;
    const timer = setTimeout(() => {
      report += `\n${path.relative(REPO, notebook)}: killed after ${timeoutS} s (metadata.svd.timeout_s)\n`;
      child.kill("SIGKILL");
    }, timeoutS * 1000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const mimeTypes = fs.existsSync(executed) ? outputMimeTypes(executed) : new Set<string>();
      resolve({ notebook, executed, ok: code === 0, seconds: (Date.now() - t0) / 1000, report, mimeTypes });
    });
  });
}

export function missingMime(result: RunResult, expected: string[]): string[] {
  return expected.filter((m) => !result.mimeTypes.has(m));
}
