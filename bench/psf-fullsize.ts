/**
 * Generates the original's full default PSF file (configs/psf/original-default.yml: 256x256 grid,
 * 3 channels, 128x128 kernels, float16, ~6.4 GB), reports wall time, peak RSS and file size, and
 * deletes the file. Usage: npx tsx bench/psf-fullsize.ts [outDir=/tmp/svd-psf-fullsize] [--keep]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generatePsfFile, loadPsfConfig } from "../src/psf/generate";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keep = args.includes("--keep");
  const outDir = args.find((a) => !a.startsWith("--")) ?? "/tmp/svd-psf-fullsize";
  fs.mkdirSync(outDir, { recursive: true });
  const needBytes = 3 * 256 * 256 * 128 * 128 * 2 + 64e6;
  const df = execFileSync("df", ["-B1", "--output=avail", outDir]).toString().trim().split("\n").pop();
  const avail = Number(df);
  console.log(`free space in ${outDir}: ${(avail / 1e9).toFixed(1)} GB, need ${(needBytes / 1e9).toFixed(1)} GB`);
  if (!(avail > needBytes * 1.1)) throw new Error(`not enough free disk space in ${outDir}`);
  const cfg = loadPsfConfig(path.join(__dirname, "../configs/psf/original-default.yml"));
  const file = path.join(outDir, "psfs.h5");
  const t0 = process.hrtime.bigint();
  const r = await generatePsfFile(cfg, file, { resume: false });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const size = fs.statSync(file).size;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({ grid: [r.gridRows, r.gridCols], channels: r.channels, kernel: r.kernelSize, dtype: "float16", wallSeconds: +wall.toFixed(1), fileGB: +(size / 1e9).toFixed(2), peakRssMiB: +rssMiB.toFixed(0), psfsPerSecond: Math.round((r.gridRows * r.gridCols * r.channels) / wall) }),
  );
  if (!keep) fs.rmSync(outDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
