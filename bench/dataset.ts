/**
 * Dataset generation throughput: samples per second for 512x512 RGB pairs blurred with a 16-PSF
 * basis (k = 31, demo Gaussian grid), Poisson–Gaussian noise, 8-bit PNG, parquet shards, 2 worker
 * threads, and in the same run a NumPy/SciPy/Pillow reference doing the per-sample work with 2
 * processes (multiprocessing): scatter blur Σ_m fftconvolve(A_m·x, B_m, 'same') per channel,
 * Poisson–Gaussian noise, quantization, PNG encoding of gt and blur (no scene synthesis, no parquet).
 *
 * Same work on both sides: the compared svd run uses the `white_noise` scene, i.e. the uniform
 * random image the reference draws (`rng.random`), so neither side synthesizes a scene; svd also
 * writes the parquet shards (measured ~3 ms a sample). A second svd run with the production scene
 * mix (natural + dead_leaves, ~45 ms a sample each on one thread) is printed for information.
 *
 *   npx tsx bench/dataset.ts [--samples 16] [--size 512] [--workers 2]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateDataset, writeDemoBasis } from "../src/data";
import { meterCpu, type CpuMeter } from "../src/util/thread-usage";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}
const samples = Number(arg("samples", "16"));
const size = Number(arg("size", "512"));
const workers = Number(arg("workers", "2"));

async function benchMain(): Promise<void> {
  process.env.SVD_QUIET = "1";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-bench-dataset-"));
  const basis = path.join(dir, "PSFs_with_basis.h5");
  await writeDemoBasis(basis, { height: size, width: size, channels: 3, grid: 4, kernelSize: 31, dtype: "float16" });
  const run = async (scenes: string[], out: string, threads = workers) => {
    const tree = {
      name: "bench",
      seed: 0,
      val_perc: 0,
      source: { type: "synthetic", count: samples, scenes },
      noise: { type: "poisson_gaussian", peak: [100, 1000], read_sigma: 0.005 },
      output: { format: "parquet", shard_size: 8, copy_basis: false },
      workers: threads,
    };
    const { result: r, meter } = await meterCpu(() => generateDataset({ config: { tree, name: "bench" }, basisFile: basis, outDir: path.join(dir, out), workers: threads }));
    return { s: meter.wallMs / 1000, n: r.samplesWritten, meter };
  };
  const cpuLine = (m: CpuMeter) => `${(m.cpuMs / 1000).toFixed(2)} s CPU, ${(m.cpuMs / m.wallMs).toFixed(2)} cores busy`;
  // One thread (workers: 0, everything on the main thread) against the pool, on the same work.
  const single = await run(["white_noise"], "out-single", 0);
  const same = await run(["white_noise"], "out-white");
  const mix = await run(["natural", "dead_leaves"], "out-mix");
  const ours = same.s;
  console.log(`dataset generation, ${samples} samples of ${size}x${size} RGB, 16-PSF basis (k=31), ${workers} workers`);
  console.log(`  svd (TypeScript), white_noise scene, 1 thread (workers: 0):        ${single.s.toFixed(2)} s  ${(single.n / single.s).toFixed(3)} samples/s  (${cpuLine(single.meter)})`);
  console.log(`  svd (TypeScript), white_noise scene (same work as the reference): ${ours.toFixed(2)} s  ${(same.n / ours).toFixed(3)} samples/s  (${cpuLine(same.meter)}; load ${os.loadavg()[0]!.toFixed(1)})`);
  console.log(`  svd (TypeScript), natural + dead_leaves scenes (production mix):   ${mix.s.toFixed(2)} s  ${(mix.n / mix.s).toFixed(3)} samples/s`);

  const py = `
import sys, time, io, h5py, numpy as np
from multiprocessing import Pool
from scipy.signal import fftconvolve
from PIL import Image
f = h5py.File(sys.argv[1], "r"); B = f["basis_psfs"][:, 0].astype(np.float32); A = f["basis_coef"][:, 0].astype(np.float32); f.close()
def one(i):
    rng = np.random.default_rng(i)
    x = rng.random((3, A.shape[2], A.shape[3]), dtype=np.float32)
    y = np.zeros_like(x)
    for c in range(3):
        for m in range(B.shape[1]):
            y[c] += fftconvolve(A[c, m] * x[c], B[c, m], mode="same")
    peak = rng.uniform(100, 1000)
    y = rng.poisson(np.maximum(y, 1e-6) * peak) / peak + rng.normal(0, 0.005, y.shape)
    out = []
    for img in (x, y):
        q = np.clip(np.round(img.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)
        b = io.BytesIO(); Image.fromarray(q).save(b, format="PNG", compress_level=6); out.append(len(b.getvalue()))
    return out
t = time.perf_counter()
with Pool(int(sys.argv[3])) as p: p.map(one, range(int(sys.argv[2])))
print(time.perf_counter() - t)
`;
  const res = spawnSync("/usr/bin/python3", ["-c", py, basis, String(samples), String(workers)], { encoding: "utf8" });
  if (res.status !== 0) {
    console.log(`  NumPy/SciPy reference: not run (${(res.stderr || "").trim().split("\n").pop()})`);
  } else {
    const ref = Number(res.stdout.trim());
    console.log(`  NumPy/SciPy/Pillow:   ${ref.toFixed(2)} s  ${(samples / ref).toFixed(3)} samples/s  (${workers} processes)`);
    console.log(`  ratio (svd time / reference time): ${(ours / ref).toFixed(2)}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

void benchMain();
