/**
 * `npm run bench`: runs the benchmarks one after another (each prints its own time, the reference's
 * time measured in the same run, and the ratio). The long full-size runs (psf-fullsize: a 6.4 GB
 * file; basis-pca at the original's size) are left out; run them by name:
 *   npx tsx bench/psf-fullsize.ts    npx tsx bench/basis-pca.ts --help
 * Usage: npx tsx bench/run-all.ts [name ...]
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const quick = ["psf-grid", "zernike-psf", "ssim", "render", "raytrace", "dataset", "native-conv", "train-step"];
const names = process.argv.slice(2).length ? process.argv.slice(2) : quick;
let failed = 0;
for (const name of names) {
  process.stdout.write(`\n=== bench/${name} ===\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, `${name}.ts`)], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench/${name} exited with ${r.status ?? r.signal}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
