/**
 * The FFT engine on several threads: a pool of workers, each with its own FftRenderer for one basis,
 * renders bands (channel x tile row) of an image; the main thread adds the bands of each channel in
 * tile-row order, exactly as FftRenderer.render does, so results are bit-identical to one thread.
 *
 *   const pool = await FftRenderPool.start(basisPsfs, options, 2);
 *   const y = await pool.render(image, coef);   // same as new FftRenderer(basisPsfs, options).render(...)
 *   await pool.close();
 *
 * Inputs are copied once per call into SharedArrayBuffers (already shared arrays are used as they are).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { ImageHWC, NdArray } from "../array";
import { FftRenderer, type FftRendererOptions } from "./fft-engine";
import { asPlanar, inInputForm, type RenderInput } from "./types";
import type { WorkerReply, WorkerRequest } from "./render-worker";

function workerScript(): { file: string; eval: boolean } {
  const js = path.join(__dirname, "render-worker.js");
  if (fs.existsSync(js)) return { file: js, eval: false };
  // Running from src/ under tsx: register tsx inside the thread, then load the .ts worker.
  const ts = path.join(__dirname, "render-worker.ts");
  return { file: `require("tsx/cjs/api").register(); require(${JSON.stringify(ts)});`, eval: true };
}

function shared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

/** acc[offset + i] += rows[i]: one band's rows added in place (FftRenderer.render's addBand order). */
function addRows(acc: Float64Array, rows: Float64Array, offset: number): void {
  for (let i = 0; i < rows.length; i++) acc[offset + i] += rows[i] as number;
}

export class FftRenderPool {
  private readonly local: FftRenderer;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Extract<WorkerReply, { type: "band" }>) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly workers: Worker[],
    basisPsfs: NdArray,
    options: FftRendererOptions,
  ) {
    this.local = new FftRenderer(basisPsfs, options);
    const failAll = (e: Error): void => {
      // Fail every pending request: the pool's state is unknown after an error.
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    for (const w of workers) w.on("error", failAll);
    for (const w of workers)
      w.on("message", (r: WorkerReply) => {
        if (r.type === "band") {
          const p = this.pending.get(r.id);
          this.pending.delete(r.id);
          p?.resolve(r);
        } else if (r.type === "error") failAll(new Error(r.message));
      });
  }

  /** Starts `threads` workers (default: the machine's cores), each holding the basis. */
  static async start(basisPsfs: NdArray, options: FftRendererOptions = {}, threads = os.availableParallelism?.() ?? os.cpus().length): Promise<FftRenderPool> {
    const script = workerScript();
    const n = Math.max(1, Math.floor(threads));
    const workers: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: n }, async () => {
          const w = new Worker(script.file, { eval: script.eval });
          workers.push(w);
          await new Promise<void>((resolve, reject) => {
            const onMsg = (r: WorkerReply) => {
              w.off("message", onMsg);
              if (r.type === "ready") resolve();
              else reject(new Error(r.type === "error" ? r.message : "unexpected reply"));
            };
            w.on("message", onMsg);
            w.once("error", reject);
            const init: WorkerRequest = { type: "init", basis: Float32Array.from(basisPsfs.data), basisShape: [...basisPsfs.shape], options };
            w.postMessage(init);
          });
        }),
      );
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new FftRenderPool(workers, basisPsfs, options);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Same result as FftRenderer.render (bit for bit), bands spread over the workers. */
  async render(image: ImageHWC, coef: NdArray): Promise<ImageHWC>;
  async render(image: NdArray, coef: NdArray): Promise<NdArray>;
  async render(input: RenderInput, coef: NdArray): Promise<RenderInput> {
    return inInputForm(input, await this.renderPlanar(asPlanar(input), coef));
  }

  async renderPlanar(image: NdArray, coef: NdArray): Promise<NdArray> {
    const lay = this.local.layout(image, coef); // checks the inputs here, with the usual errors
    const { d } = lay;
    const img = shared(image.data);
    const cf = shared(coef.data);
    const jobs: { c: number; by: number }[] = [];
    for (let c = 0; c < d.channels; c++) for (const by of lay.bands) jobs.push({ c, by });
    const results = new Array<Extract<WorkerReply, { type: "band" }>>(jobs.length);
    let next = 0;
    const runOn = async (w: Worker): Promise<void> => {
      while (next < jobs.length) {
        const j = next++;
        const job = jobs[j] as { c: number; by: number };
        const id = this.nextId++;
        results[j] = await new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          const req: WorkerRequest = { type: "band", id, image: img, imageShape: [...image.shape], coef: cf, coefShape: [...coef.shape], c: job.c, by: job.by };
          w.postMessage(req);
        });
      }
    };
    await Promise.all(this.workers.map(runOn));
    const plane = d.outHeight * d.outWidth;
    const out = new Float32Array(d.channels * plane);
    const acc = new Float64Array(plane);
    for (let c = 0; c < d.channels; c++) {
      acc.fill(0);
      lay.bands.forEach((_, b) => {
        const r = results[c * lay.bands.length + b] as Extract<WorkerReply, { type: "band" }>;
        // The rows straight into the accumulator: the same additions, in the same order, as addBand.
        addRows(acc, r.band, r.lo * d.outWidth);
      });
      out.set(acc, c * plane);
    }
    return { data: out, shape: [d.channels, d.outHeight, d.outWidth] };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
