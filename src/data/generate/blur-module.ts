/**
 * Which BlurFactory generation uses: the spatially varying renderer by default, or a module that
 * exports `createBlur: BlurFactory` (how tests plug a simple operator into worker threads, which
 * cannot receive functions).
 */
import { createBasisBlur } from "../basis-blur";
import type { BlurFactory } from "../blur";

export function loadBlurFactory(modulePath?: string): BlurFactory {
  if (!modulePath) return createBasisBlur;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as { createBlur?: BlurFactory };
  if (typeof mod.createBlur !== "function") throw new Error(`blur module ${modulePath} does not export createBlur`);
  return mod.createBlur;
}
