/**
 * MIME bundles and how they reach a notebook. Every figure helper in src/viz returns a `MimeBundle`
 * (plain data, testable without Jupyter); `display()` sends one to the notebook through tslab.
 *
 * tslab's public `display.raw` sends a single MIME type; a bundle with fallbacks (text/plain beside
 * Vega-Lite, say) goes through the same hook tslab's own display uses, `lastWriteDisplayData` in
 * tslab/dist/jupyter. That module is internal, which is why tslab is pinned exactly (1.0.22). The
 * pure-Node notebook runner (tools/notebooks) installs the same hook, so cells behave the same there.
 */
import { randomBytes } from "node:crypto";
import { SvdError } from "../util/errors";

export const MIME = {
  vegaLite: "application/vnd.vegalite.v5+json",
  plotly: "application/vnd.plotly.v1+json",
  png: "image/png",
  svg: "image/svg+xml",
  html: "text/html",
  markdown: "text/markdown",
  plain: "text/plain",
} as const;

/** mime type -> data: strings (base64 for binary images) or JSON objects (Vega-Lite, Plotly). */
export type MimeData = Record<string, unknown>;

export interface MimeBundle {
  data: MimeData;
  metadata?: Record<string, unknown>;
  /**
   * Panel figures: the figure as a print-size SVG document with vector text around the embedded
   * pixels. Used by saveFigure (.svg, and .png at print resolution); never sent to the notebook.
   */
  vectorSvg?: string;
}

interface DisplayMessage {
  data: MimeData;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (msg: DisplayMessage, update: boolean) => void;

/** tslab's hook for the running cell's display messages (null outside a notebook cell). */
export function displayHook(): WriteDisplayData | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData;
  } catch {
    return null;
  }
}

/** True inside a tslab kernel (or the notebook runner) while a cell runs. */
export function inNotebook(): boolean {
  return displayHook() !== null;
}

function send(bundle: MimeBundle, displayId: string | undefined, update: boolean): void {
  const hook = displayHook();
  if (!hook) {
    throw new SvdError(
      "viz.display: not running inside a tslab notebook cell (no display hook). " +
        "Outside notebooks, save figures with viz.saveFigure(bundle, file) instead.",
    );
  }
  hook({ data: bundle.data, metadata: bundle.metadata ?? {}, transient: displayId ? { display_id: displayId } : {} }, update);
}

/** Shows a bundle as a cell output (all its MIME types; the front end picks the richest it renders). */
export function display(bundle: MimeBundle | Promise<MimeBundle>): Promise<void> | void {
  if (bundle instanceof Promise) return bundle.then((b) => send(b, undefined, false));
  send(bundle, undefined, false);
}

/**
 * One output area that is replaced in place on every `update` (Jupyter's display_id mechanism):
 * progress bars, loss curves that grow while training, previews.
 */
export class LiveDisplay {
  readonly displayId: string;
  private shown = false;

  constructor(displayId?: string) {
    this.displayId = displayId ?? randomBytes(8).toString("hex");
  }

  update(bundle: MimeBundle): void {
    send(bundle, this.displayId, this.shown);
    this.shown = true;
  }
}

export function liveDisplay(): LiveDisplay {
  return new LiveDisplay();
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
