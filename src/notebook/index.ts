/**
 * Helpers the notebooks share (`svd.notebook`): running the command line from a cell, exporting
 * figures, and the small array comparisons the notebooks plot. Kept here so every notebook uses the
 * same, tested code instead of its own copy.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ImageHWC, NdArray, NumericArray } from "../array";
import { ArgumentError, SvdError } from "../util/errors";
import { INFO_STREAM_ENV } from "../util/info";
import type { MimeBundle } from "../viz/mime";
import { saveFigure } from "../viz/export";

/** bin/svd.js of this installation (the same file from src/ and from dist/). */
export const SVD_BIN = path.resolve(__dirname, "..", "..", "bin", "svd.js");

/**
 * Runs the svd command line (the one used in a terminal) synchronously with progress bars off
 * (SVD_QUIET=1) and prints what it wrote to stdout, its informational lines included (they would
 * go to stderr, which the notebook shows as an error); warnings still reach the cell's stderr.
 * A failing command throws, with its message.
 */
export function cli(...args: string[]): void {
  const env = { ...process.env, SVD_QUIET: "1", [INFO_STREAM_ENV]: "stdout" };
  const out = execFileSync(process.execPath, [SVD_BIN, ...args], { encoding: "utf8", env });
  if (out.trim()) console.log(out.trim());
}

/** Saves figures into one folder and remembers the files written (for a closing listing cell). */
export class FigureExporter {
  readonly files: string[] = [];
  constructor(readonly dir: string) {}

  /** Writes `<dir>/<name><ext>` for each format (vega -> SVG, sharp -> PNG; tables -> .md/.html). */
  async save(bundle: MimeBundle | Promise<MimeBundle>, name: string, formats: readonly string[] = [".svg", ".png"]): Promise<void> {
    for (const ext of formats) this.files.push(await saveFigure(bundle, path.join(this.dir, name + ext)));
  }

  /**
   * One line per file written ("path  size KiB", paths relative to `root`), after checking each: a
   * file under `minBytes` is a figure that failed to export, and throws naming it.
   */
  listing(root = ".", minBytes = 100): string[] {
    return this.files.map((f) => {
      const bytes = fs.statSync(f).size;
      if (bytes < minBytes) throw new SvdError(`${f}: only ${bytes} bytes (expected an exported figure of at least ${minBytes})`);
      return `${path.relative(root, path.resolve(f))}  ${(bytes / 1024).toFixed(1)} KiB`;
    });
  }
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new ArgumentError(what, `${a.length} values (as the first)`, `${b.length} values`);
}

/** ||x - reference|| / ||reference|| (L2 over all values): how far a render is from a reference. */
export function relativeL2(x: NdArray<NumericArray> | ImageHWC<NumericArray>, reference: NdArray<NumericArray> | ImageHWC<NumericArray>): number {
  checkSameLength(x.data, reference.data, "reference");
  let d = 0;
  let s = 0;
  for (let i = 0; i < x.data.length; i++) {
    const r = reference.data[i] as number;
    d += ((x.data[i] as number) - r) ** 2;
    s += r * r;
  }
  return Math.sqrt(d / s);
}

/** |a - b| elementwise, in the form of `a` (an image stays an image, a planar array stays planar). */
export function absDiff<T extends ImageHWC | NdArray>(a: T, b: ImageHWC | NdArray): T {
  checkSameLength(a.data, b.data, "b");
  return { ...a, data: a.data.map((v, i) => Math.abs(v - (b.data[i] as number))) };
}
