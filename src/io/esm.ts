/**
 * The one loader of ESM-only packages (h5wasm, hyparquet, hyparquet-writer) from this CommonJS
 * library, including code that tslab compiles in notebook cells, where a bare `import()` is not
 * available: it goes through the plain-CommonJS shim esm-import.cjs beside this file (see
 * docs/DESIGN.md, "Notebook platform"). Each package is imported once per process.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** ESM modules come back untyped through the shim. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

type EsmImport = (specifier: string) => Promise<unknown>;
let shim: EsmImport | null = null;
const cache = new Map<string, Promise<unknown>>();

function esmImport(): EsmImport {
  if (!shim) {
    // The shim sits next to this file in dist/ (copied by `npm run build`) and in src/ (tsx).
    const dir = fs.existsSync(path.join(__dirname, "esm-import.cjs")) ? __dirname : path.join(__dirname, "../../src/io");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    shim = (require(path.join(dir, "esm-import.cjs")) as { esmImport: EsmImport }).esmImport;
  }
  return shim;
}

/** `import(specifier)` from CommonJS, cached per specifier. */
export function importEsm<T = Any>(specifier: string): Promise<T> {
  let p = cache.get(specifier);
  if (!p) {
    p = esmImport()(specifier);
    cache.set(specifier, p);
  }
  return p as Promise<T>;
}

export const loadHyparquet = () => importEsm("hyparquet");
export const loadHyparquetWriter = () => importEsm("hyparquet-writer");
