/**
 * PCA at the original's default size: a synthetic PSF grid of C x 256 x 256 PSFs of 128 x 128
 * (65,536 per channel, float16 on disk: 2.1 GB per channel), written with H5File, then the streamed
 * randomized PCA (50 components). Prints time and peak RSS, then deletes the file.
 *
 *   npx tsx bench/basis-pca.ts [--channels 1] [--grid 256] [--k 128] [--components 50] [--dir /tmp]
 *
 * Synthetic PSFs: elliptical Gaussians whose widths and orientation vary smoothly over the field
 * (like the original's `gaussian` family), normalised to sum 1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { H5File } from "../src/io/hdf5";
import { PsfFile } from "../src/psf/file";
import { gridFromFile } from "../src/basis/grid-source";
import { pcaBasis } from "../src/basis/basis";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}

let peakRss = 0;
const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 200);

async function main() {
  const C = Number(arg("channels", "1"));
  const n = Number(arg("grid", "256"));
  const k = Number(arg("k", "128"));
  const comps = Number(arg("components", "50"));
  const dir = arg("dir", os.tmpdir());
  const file = path.join(dir, `svd-bench-psfs-${process.pid}.h5`);
  const needGb = (C * n * n * k * k * 2) / 1e9;
  const free = fs.statfsSync(dir);
  const freeGb = (free.bavail * free.bsize) / 1e9;
  if (freeGb < needGb * 1.2 + 2) throw new Error(`need ~${needGb.toFixed(1)} GB free in ${dir}, have ${freeGb.toFixed(1)} GB`);
  const size = 4 * n;
  try {
    let t = Date.now();
    const h5 = await H5File.open(file, "w");
    h5.createDataset("psfs", [C, 1, n, n, k, k], { dtype: "float16", chunks: [1, 1, 1, 8, k, k] });
    const row = new Float32Array(C * n * k * k);
    const c0 = k / 2;
    for (let iy = 0; iy < n; iy++) {
      for (let c = 0; c < C; c++)
        for (let ix = 0; ix < n; ix++) {
          const u = (ix + 0.5) / n - 0.5;
          const v = (iy + 0.5) / n - 0.5;
          const r2 = u * u + v * v;
          const s1 = (1.5 + 10 * r2) * (1 + 0.1 * c);
          const s2 = 1.5 + 4 * r2;
          const th = Math.atan2(v, u);
          const ct = Math.cos(th);
          const st = Math.sin(th);
          const psf = row.subarray((c * n + ix) * k * k, (c * n + ix + 1) * k * k);
          let sum = 0;
          for (let y = 0; y < k; y++)
            for (let x = 0; x < k; x++) {
              const dx = x - c0 - 20 * u;
              const dy = y - c0 - 20 * v;
              const a = ct * dx + st * dy;
              const b = -st * dx + ct * dy;
              const val = Math.exp(-0.5 * ((a * a) / (s1 * s1) + (b * b) / (s2 * s2)));
              psf[y * k + x] = val;
              sum += val;
            }
          for (let i = 0; i < psf.length; i++) psf[i] = (psf[i] as number) / sum;
        }
      h5.writeSlice("psfs", [[0, C], [0, 1], [iy, iy + 1]], row);
    }
    h5.setAttr("sensor_res", [size, size]);
    h5.write("H_img", [4, 0, 0, 0, 4, 0, 0, 0, 1], [3, 3], { dtype: "float32" });
    h5.close();
    const writeS = (Date.now() - t) / 1000;
    console.log(`wrote ${file}: (${C}, 1, ${n}, ${n}, ${k}, ${k}) float16, ${(fs.statSync(file).size / 1e9).toFixed(2)} GB in ${writeS.toFixed(1)} s`);
    peakRss = process.memoryUsage.rss();
    t = Date.now();
    const pf = await PsfFile.open(file);
    const b = await pcaBasis(gridFromFile(pf), { components: comps });
    pf.close();
    const pcaS = (Date.now() - t) / 1000;
    const ev = b.pca.channels.map((ch) => ch.explainedVarianceRatio.reduce((a, x) => a + x, 0));
    const err = b.relativeError;
    console.log(`pca: ${comps} components, ${b.pca.passes} passes, ${pcaS.toFixed(1)} s (${(pcaS / C).toFixed(1)} s per channel), peak RSS during PCA ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
    console.log(`captured variance per channel: ${ev.map((e) => (100 * e).toFixed(4) + "%").join(", ")}; grid PSF relative error mean ${(err.reduce((a, x) => a + x, 0) / err.length).toExponential(2)}`);
  } finally {
    clearInterval(timer);
    fs.rmSync(file, { force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
