/**
 * Informational lines from library code ("wrote psfs.h5 ...", "6 components capture 46% of the
 * variance"): what happened, not what went wrong. From the CLI they go to stderr, so that stdout
 * keeps only what a command prints as its result. Inside a notebook cell they go to stdout: Jupyter
 * front ends paint stderr red, as an error. Warnings and errors stay on stderr everywhere.
 */

/**
 * True while a tslab notebook cell runs (tslab, and the pure-Node runner in tools/notebooks, set
 * the display hook then). src/viz/mime.ts sends displays through the same hook.
 */
export function inNotebookCell(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown }).lastWriteDisplayData != null;
  } catch {
    return false;
  }
}

/** Writes one informational line (a trailing newline is added when missing). */
export function info(line: string): void {
  const text = line.endsWith("\n") ? line : `${line}\n`;
  (inNotebookCell() ? process.stdout : process.stderr).write(text);
}
