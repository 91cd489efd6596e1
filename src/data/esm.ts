/**
 * Loads the ESM-only packages this folder uses (hyparquet, hyparquet-writer, @huggingface/hub)
 * from CommonJS, through the same `import()` shim as src/io/hdf5.ts (tslab cells cannot `import()`).
 */
import * as fs from "node:fs";
import * as path from "node:path";

type EsmImport = (specifier: string) => Promise<unknown>;
let shim: EsmImport | null = null;
const cache = new Map<string, Promise<unknown>>();

function esmImport(): EsmImport {
  if (!shim) {
    // src/data -> src/io in both src/ (tsx) and dist/ (built) layouts.
    const here = path.join(__dirname, "../io");
    const dir = fs.existsSync(path.join(here, "esm-import.cjs")) ? here : path.join(__dirname, "../../src/io");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    shim = (require(path.join(dir, "esm-import.cjs")) as { esmImport: EsmImport }).esmImport;
  }
  return shim;
}

export function importEsm<T>(specifier: string): Promise<T> {
  let p = cache.get(specifier);
  if (!p) {
    p = esmImport()(specifier);
    cache.set(specifier, p);
  }
  return p as Promise<T>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;
export const loadHyparquet = () => importEsm<Any>("hyparquet");
export const loadHyparquetWriter = () => importEsm<Any>("hyparquet-writer");
export const loadHfHub = () => importEsm<Any>("@huggingface/hub");
