/** Shared fixtures of the data tests: a temp folder, a small 16-PSF demo basis, inline configs. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeDemoBasis } from "../../../src/data";

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `svd-data-${label}-`));
}

let basisPromise: Promise<string> | null = null;

/** A 32x32 RGB basis of 16 Gaussian PSFs (k = 7) with bilinear coefficient maps, float32. */
export function smallBasis(): Promise<string> {
  basisPromise ??= (async () => {
    const file = path.join(tempDir("basis"), "PSFs_with_basis.h5");
    await writeDemoBasis(file, { height: 32, width: 32, channels: 3, grid: 4, kernelSize: 7, sigmaCentrePx: 0.6, sigmaEdgePx: 1.5 });
    return file;
  })();
  return basisPromise;
}

export function syntheticConfig(extra: Record<string, unknown> = {}): { tree: Record<string, unknown>; name: string } {
  return {
    name: "inline-test-config",
    tree: {
      name: "test_ds",
      seed: 7,
      val_perc: 25,
      source: { type: "synthetic", count: 8, scenes: ["dead_leaves", "natural", "siemens_star", "slanted_edge"] },
      output: { shard_size: 2, row_group_size: 1 },
      noise: { type: "gaussian", sigma: [0.005, 0.02] },
      workers: 0,
      ...extra,
    },
  };
}

export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, fs.readFileSync(path.join(d, e.name)));
    }
  };
  walk(dir, "");
  return out;
}
