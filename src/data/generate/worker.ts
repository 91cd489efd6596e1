/**
 * Worker-thread side of generation: builds the source and the blur operator once (init), then
 * renders samples on request and sends back PNG bytes (transferred, not copied).
 */
import { parentPort } from "node:worker_threads";
import { basisBlurFromArrays, type SharedBasis } from "../basis-blur";
import type { BlurOperator } from "../blur";
import type { ImageSource } from "../sources";
import type { Plan } from "./plan";
import { generateSample, makeSource } from "./sample";
import type { GenerationConfig } from "./config";
import { loadBlurFactory } from "./blur-module";

export interface InitMessage {
  type: "init";
  config: GenerationConfig;
  configFile: string;
  plan: Plan;
  basisFile: string;
  blurModule?: string;
  /** the basis arrays, read once by the generator (default blur only; absent with blurModule) */
  basis?: SharedBasis;
}

let state: { config: GenerationConfig; plan: Plan; source: ImageSource; blur: BlurOperator } | null = null;

async function handle(msg: InitMessage | { type: "sample"; index: number }): Promise<void> {
  const port = parentPort!;
  if (msg.type === "init") {
    try {
      const blur = msg.basis && !msg.blurModule ? basisBlurFromArrays(msg.basisFile, msg.basis, msg.config.blur) : await loadBlurFactory(msg.blurModule)(msg.basisFile, msg.config.blur);
      state = { config: msg.config, plan: msg.plan, blur, source: makeSource(msg.config, blur, msg.configFile) };
      port.postMessage({ type: "ready" });
    } catch (err) {
      port.postMessage({ type: "error", index: -1, message: (err as Error).message, name: (err as Error).name });
    }
    return;
  }
  try {
    if (!state) throw new Error("worker not initialised");
    const row = await generateSample(state.config, state.plan, state.source, state.blur, msg.index);
    port.postMessage({ type: "result", row }, [row.gtPng.buffer as ArrayBuffer, row.blurPng.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ type: "error", index: msg.index, message: (err as Error).message, name: (err as Error).name });
  }
}

if (parentPort) {
  // one message at a time: the pool sends the next sample only after a reply
  parentPort.on("message", (m) => void handle(m));
}
