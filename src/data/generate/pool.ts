/**
 * A fixed pool of worker threads that render samples. Each worker holds its own source and blur
 * operator (FFT spectra are per thread); `run(index)` resolves with the encoded row.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { SvdError, InputFileError } from "../../util/errors";
import type { GeneratedRow } from "../writers/parquet";
import type { InitMessage } from "./worker";

type Reply = { type: "ready" } | { type: "result"; row: GeneratedRow } | { type: "error"; index: number; message: string; name: string };

function workerScript(): { file: string; eval: boolean } {
  const js = path.join(__dirname, "worker.js");
  if (fs.existsSync(js)) return { file: js, eval: false };
  // running from src/ under tsx: register tsx inside the thread, then load the .ts worker
  const ts = path.join(__dirname, "worker.ts");
  return { file: `require("tsx/cjs/api").register(); require(${JSON.stringify(ts)});`, eval: true };
}

function rebuildError(r: { message: string; name: string }): Error {
  // keep user-facing errors user-facing across the thread boundary
  if (r.name === "InputFileError") {
    const m = /^(.*?): (.*)$/s.exec(r.message);
    return m ? new InputFileError(m[1] as string, m[2] as string) : new SvdError(r.message);
  }
  if (r.name === "SvdError" || r.name === "ConfigError" || r.name === "ArgumentError") return new SvdError(r.message);
  return new Error(r.message);
}

export class WorkerPool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private waiting: Array<(w: Worker) => void> = [];

  private constructor() {}

  /**
   * Starts `count` threads, then posts `init` to each; `init` may be a promise, so the caller can
   * prepare it (e.g. read the basis) while the threads load their modules.
   */
  static async start(count: number, init: InitMessage | Promise<InitMessage>): Promise<WorkerPool> {
    const pool = new WorkerPool();
    const script = workerScript();
    const threads = Array.from({ length: count }, () => {
      const w = new Worker(script.file, { eval: script.eval });
      pool.workers.push(w);
      return w;
    });
    await Promise.all(
      threads.map(async (w) => {
        const msg = await init;
        await new Promise<void>((resolve, reject) => {
          const onMsg = (r: Reply) => {
            w.off("message", onMsg);
            w.off("error", reject);
            if (r.type === "ready") resolve();
            else reject(rebuildError(r as { message: string; name: string }));
          };
          w.on("message", onMsg);
          w.once("error", reject);
          w.postMessage(msg);
        });
        pool.idle.push(w);
      }),
    ).catch(async (err) => {
      await pool.close();
      throw err;
    });
    return pool;
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  async run(index: number): Promise<GeneratedRow> {
    const w = await this.acquire();
    try {
      return await new Promise<GeneratedRow>((resolve, reject) => {
        const onMsg = (r: Reply) => {
          cleanup();
          if (r.type === "result") resolve({ ...r.row, gtPng: new Uint8Array(r.row.gtPng), blurPng: new Uint8Array(r.row.blurPng) });
          else reject(rebuildError(r as { message: string; name: string }));
        };
        const onErr = (e: Error) => {
          cleanup();
          reject(e);
        };
        const cleanup = () => {
          w.off("message", onMsg);
          w.off("error", onErr);
        };
        w.on("message", onMsg);
        w.on("error", onErr);
        w.postMessage({ type: "sample", index });
      });
    } finally {
      this.release(w);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    this.idle = [];
  }
}
