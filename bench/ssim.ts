/**
 * SSIM benchmark: a 1024x1024 RGB pair through this library's ssim() and through scikit-image's
 * structural_similarity(gaussian_weights=True, use_sample_covariance=False, data_range=1,
 * channel_axis=-1) in the same run, on the same pixels. Prints both times, the ratio and the values.
 *
 *   npx tsx bench/ssim.ts            (or, after npm run build: node -r tsx/cjs bench/ssim.ts)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "../src/util/rng";
import { ssim } from "../src/metrics/ssim";

const H = 1024;
const W = 1024;
const C = 3;
const REPEATS = 3;

function makePair(): { a: Float32Array; b: Float32Array } {
  const rng = new Rng("bench-ssim");
  const a = new Float32Array(H * W * C);
  const b = new Float32Array(H * W * C);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        const i = (y * W + x) * C + c;
        const v = 0.5 + 0.3 * Math.sin((x + 7 * c) / 13) * Math.cos(y / 17) + 0.1 * rng.normal();
        a[i] = Math.min(1, Math.max(0, v));
        b[i] = Math.min(1, Math.max(0, v + 0.05 * rng.normal()));
      }
  return { a, b };
}

function main(): void {
  const { a, b } = makePair();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-bench-ssim-"));
  const fa = path.join(dir, "a.f32");
  const fb = path.join(dir, "b.f32");
  fs.writeFileSync(fa, Buffer.from(a.buffer));
  fs.writeFileSync(fb, Buffer.from(b.buffer));

  const img = (d: Float32Array) => ({ data: d, height: H, width: W, channels: C });
  ssim(img(a), img(b)); // warm-up (JIT)
  let best = Infinity;
  let ours = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = process.hrtime.bigint();
    ours = ssim(img(a), img(b), { dataRange: 1 });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }

  const py = `
import numpy as np, time, json
from skimage.metrics import structural_similarity
a = np.fromfile(${JSON.stringify(fa)}, dtype=np.float32).reshape(${H}, ${W}, ${C})
b = np.fromfile(${JSON.stringify(fb)}, dtype=np.float32).reshape(${H}, ${W}, ${C})
kw = dict(gaussian_weights=True, use_sample_covariance=False, data_range=1.0, channel_axis=-1)
structural_similarity(a, b, **kw)
best = 1e9
for _ in range(${REPEATS}):
    t0 = time.perf_counter(); v = structural_similarity(a, b, **kw); best = min(best, time.perf_counter() - t0)
a64, b64 = a.astype(np.float64), b.astype(np.float64)
v64 = structural_similarity(a64, b64, **kw)
print(json.dumps({"seconds": best, "value": float(v), "value64": float(v64)}))
`;
  const ref = JSON.parse(execFileSync("/usr/bin/python3", ["-c", py], { encoding: "utf8" })) as { seconds: number; value: number; value64: number };
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(`SSIM ${H}x${W}x${C} (best of ${REPEATS})`);
  console.log(`  svd (TypeScript, float64 accumulation): ${(best * 1000).toFixed(1)} ms  ssim=${ours.toFixed(8)}`);
  console.log(`  scikit-image 0.19 (float32 input):      ${(ref.seconds * 1000).toFixed(1)} ms  ssim=${ref.value.toFixed(8)} (float64: ${ref.value64.toFixed(8)})`);
  console.log(`  ratio svd/skimage: ${(best / ref.seconds).toFixed(2)}  (|diff| vs float64 skimage: ${Math.abs(ours - ref.value64).toExponential(2)})`);
}

main();
