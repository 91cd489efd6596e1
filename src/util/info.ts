/**
 * Informational lines from library code ("wrote psfs.h5 ...", "6 components capture 46% of the
 * variance"): what happened, not what went wrong. From the CLI they go to stderr, so that stdout
 * keeps only what a command prints as its result. Inside a notebook cell they go to stdout: Jupyter
 * front ends paint stderr red, as an error. Warnings and errors stay on stderr everywhere.
 * A notebook that runs the CLI as a child process (svd.notebook.cli) sets SVD_INFO_STREAM=stdout
 * for it, so the child's informational lines reach the cell as ordinary output too.
 */

/** Environment variable that sends informational lines to stdout ("stdout") outside notebooks too. */
export const INFO_STREAM_ENV = "SVD_INFO_STREAM";

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
  const toStdout = inNotebookCell() || process.env[INFO_STREAM_ENV] === "stdout";
  (toStdout ? process.stdout : process.stderr).write(text);
}
