/**
 * Worker thread of FftRenderPool: holds its own FftRenderer (spectra per thread) and renders bands
 * (channel, tile row) of images shared through SharedArrayBuffers.
 */
import { parentPort } from "node:worker_threads";
import { FftRenderer, type FftRendererOptions, type RenderLayout } from "./fft-engine";

export type WorkerRequest =
  | { type: "init"; basis: Float32Array; basisShape: number[]; options: FftRendererOptions }
  | { type: "band"; id: number; image: Float32Array; imageShape: number[]; coef: Float32Array; coefShape: number[]; c: number; by: number };

export type WorkerReply = { type: "ready" } | { type: "band"; id: number; band: Float64Array; lo: number; hi: number } | { type: "error"; message: string };

let renderer: FftRenderer | null = null;
let layoutKey = "";
let layout: RenderLayout | null = null;
/** Output plane reused across bands (zero outside the rows of the band being rendered). */
let band = new Float64Array(0);

parentPort?.on("message", (m: WorkerRequest) => {
  try {
    if (m.type === "init") {
      renderer = new FftRenderer({ data: m.basis, shape: m.basisShape }, m.options);
      parentPort?.postMessage({ type: "ready" } satisfies WorkerReply);
      return;
    }
    if (!renderer) throw new Error("render worker used before init");
    const image = { data: m.image, shape: m.imageShape };
    const coef = { data: m.coef, shape: m.coefShape };
    const key = `${m.imageShape.join("x")}`;
    if (!layout || key !== layoutKey) {
      layout = renderer.layout(image, coef);
      layoutKey = key;
    }
    const size = layout.d.outHeight * layout.d.outWidth;
    if (band.length !== size) band = new Float64Array(size);
    const [lo, hi] = renderer.renderBand(image, coef, layout, m.c, m.by, band);
    // Only the touched rows travel back.
    const rows = band.slice(lo * layout.d.outWidth, hi * layout.d.outWidth);
    band.fill(0, lo * layout.d.outWidth, hi * layout.d.outWidth);
    parentPort?.postMessage({ type: "band", id: m.id, band: rows, lo, hi } satisfies WorkerReply, [rows.buffer]);
  } catch (e) {
    parentPort?.postMessage({ type: "error", message: (e as Error).message } satisfies WorkerReply);
  }
});
