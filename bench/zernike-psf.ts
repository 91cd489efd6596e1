/**
 * Zernike PSF grid benchmark: the `zernike` family (src/psf/families/zernike.ts over
 * src/optics/pupil.ts) computes an nh x nw x 3-channel grid of aberrated PSFs; a NumPy
 * implementation of the same computation (same sampled pupil with grey-level edge, same Zernike
 * coefficients per PSF, full np.fft.fft2 of the padded pupil batched per channel, window, q x q
 * pixel binning, sum-1 normalisation) runs in the same process tree on the same inputs. Prints both
 * times, the ratio and the largest difference between the two sets of kernels.
 *
 *   npx tsx bench/zernike-psf.ts [nh=16] [nw=16]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Rng } from "../src/util/rng";
import { ZernikeSource } from "../src/psf/families/zernike";
import type { FieldPoint } from "../src/psf/source";

const NH = Number(process.argv[2] ?? 16);
const NW = Number(process.argv[3] ?? 16);
const H = 1024, W = 1024, K = 32;
const WAVELENGTHS = [685, 532.8, 472.5];
const R = 0.5 * Math.hypot(H, W);

function makeSource(): ZernikeSource {
  return new ZernikeSource({
    kernelSize: K,
    fNumber: 2.8,
    pixelPitchUm: 2,
    ordering: "osa",
    unit: "waves",
    coefficients: [],
    field: [
      { n: 2, m: 0, c: [0, 0, 0.6] },
      { n: 2, m: 2, c: [0, 0, 0.5] },
      { n: 3, m: 1, c: [0, 0.3] },
      { n: 4, m: 0, c: [0.1] },
    ],
    random: { maxOrder: 4, includeTilt: false, std: 0.01, fieldStd: 0.03, fieldPower: 2, decay: 0 },
  });
}

function points(): FieldPoint[][] {
  const out: FieldPoint[][] = [];
  for (let iy = 0; iy < NH; iy++)
    for (let ix = 0; ix < NW; ix++) {
      const xImg = Math.trunc(((ix + 0.5) * W) / NW), yImg = Math.trunc(((iy + 0.5) * H) / NH);
      out.push(
        WAVELENGTHS.map((wavelengthNm, channel) => ({
          ix, iy, xImg, yImg, xc: xImg - W / 2, yc: yImg - H / 2, fieldRadiusPx: R, channel, wavelengthNm,
        })),
      );
    }
  return out;
}

function main(): void {
  const pts = points();
  const P = pts.length, C = WAVELENGTHS.length;
  // Warm-up on a fresh source (JIT, plans, basis caches are per model and shared by the timed run).
  const warm = makeSource();
  for (let c = 0; c < C; c++) warm.psfAt(pts[0]![c]!, new Rng("warm"));

  const src = makeSource();
  const nModes = src.modes.length;
  const kernels = new Float32Array(C * P * K * K);
  const coefs = new Float64Array(P * nModes);
  const rng = new Rng("bench-zernike");
  const t0 = process.hrtime.bigint();
  for (let p = 0; p < P; p++)
    for (let c = 0; c < C; c++) {
      const s = src.psfAt(pts[p]![c]!, rng.fork(`pos:${p}`));
      kernels.set(s.kernel, (c * P + p) * K * K);
      if (c === 0) coefs.set(s.metadata!.slice(0, nModes), p * nModes);
    }
  const ours = Number(process.hrtime.bigint() - t0) / 1e9;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-bench-zernike-"));
  fs.writeFileSync(path.join(dir, "coefs.f64"), Buffer.from(coefs.buffer));
  const sampling = WAVELENGTHS.map((w) => src.modelFor(w).sampling);
  fs.writeFileSync(path.join(dir, "setup.json"), JSON.stringify({ sampling, modes: src.modes, P, K }));

  const py = String.raw`
import json, time, numpy as np
from math import factorial
d = ${JSON.stringify(dir)}
cfg = json.load(open(d + "/setup.json"))
P, K = cfg["P"], cfg["K"]
modes = [(m["n"], m["m"]) for m in cfg["modes"]]
coefs = np.fromfile(d + "/coefs.f64").reshape(P, len(modes))

def zern(n, m, x, y):
    rho, th = np.hypot(x, y), np.arctan2(y, x)
    am = abs(m)
    R = sum((-1) ** s * factorial(n - s) / (factorial(s) * factorial((n + am) // 2 - s) * factorial((n - am) // 2 - s)) * rho ** (n - 2 * s)
            for s in range((n - am) // 2 + 1))
    norm = np.sqrt(n + 1) if m == 0 else np.sqrt(2 * (n + 1))
    return norm * R * (np.cos(m * th) if m > 0 else np.sin(am * th) if m < 0 else 1.0)

def channel(s):
    M, Np, q, k = s["fftSize"], s["pupilDiameterSamples"], s["oversample"], s["kernelSize"]
    h = int(np.ceil(Np / 2)) + 1
    d = np.arange(-h, h + 1)
    cell = 2.0 / Np
    dx, dy = np.meshgrid(d, d)
    x, y = dx * cell, dy * cell
    ss = 8  # grey edge: area fraction from 8x8 sub-samples where the cell meets the rim
    sub = ((np.arange(ss) + 0.5) / ss - 0.5) * cell
    sx = x[..., None, None] + sub[None, None, None, :]
    sy = y[..., None, None] + sub[None, None, :, None]
    frac = (np.hypot(sx, sy) <= 1).mean(axis=(-2, -1))
    r = np.hypot(x, y)
    near = np.abs(r - 1) <= cell * np.sqrt(0.5)
    amp = np.where(near, frac, (r <= 1).astype(float))
    sel = amp > 0
    xs, ys, a = x[sel], y[sel], amp[sel]
    rows, cols = dy[sel] % M, dx[sel] % M
    delta = 0.5 if q % 2 == 0 else 0.0
    ramp = -2 * np.pi * delta * (dx[sel] + dy[sel]) / M
    B = np.stack([zern(n, m, xs, ys) for n, m in modes])           # (modes, pts)
    c = k // 2
    t = (np.arange(k * q) - c * q - q // 2) % M                    # fine-sample DFT indices
    return M, q, k, B, a, rows, cols, ramp, t

def run():
    out = []
    for s in cfg["sampling"]:
        M, q, k, B, a, rows, cols, ramp, t = channel(s)
        phase = 2 * np.pi * (coefs @ B)                              # (P, pts), waves -> radians
        res = np.empty((P, k, k))
        for b0 in range(0, P, 64):
            ph = phase[b0:b0 + 64]
            field = np.zeros((ph.shape[0], M, M), complex)
            field[:, rows, cols] = a * np.exp(1j * (ph + ramp))
            I = np.abs(np.fft.fft2(field)) ** 2
            win = I[:, t][:, :, t]
            px = win.reshape(-1, k, q, k, q).sum(axis=(2, 4))
            res[b0:b0 + 64] = px / px.sum(axis=(1, 2), keepdims=True)
        out.append(res)
    return np.stack(out)

run() if P <= 64 else None
t0 = time.perf_counter(); res = run(); dt = time.perf_counter() - t0
res.astype(np.float64).tofile(d + "/numpy.f64")
print(json.dumps({"seconds": dt}))
`;
  const outPy = execFileSync("/usr/bin/python3", ["-c", py], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ref = JSON.parse(outPy.trim().split("\n").pop()!) as { seconds: number };
  const npBuf = fs.readFileSync(path.join(dir, "numpy.f64"));
  const np = new Float64Array(npBuf.buffer, npBuf.byteOffset, npBuf.byteLength / 8);
  let worst = 0, peak = 0;
  for (let i = 0; i < kernels.length; i++) {
    worst = Math.max(worst, Math.abs(kernels[i]! - np[i]!));
    peak = Math.max(peak, np[i]!);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const s0 = sampling.map((s) => `q=${s.oversample} M=${s.fftSize} Np=${s.pupilDiameterSamples.toFixed(1)}`).join("; ");
  console.log(`zernike PSF grid: ${NH}x${NW} positions x ${C} channels = ${P * C} PSFs of ${K}x${K} (${nModes} modes; ${s0})`);
  console.log(`  svd (TypeScript, pruned FFT over fft.js): ${ours.toFixed(3)} s  (${((ours / (P * C)) * 1e3).toFixed(2)} ms/PSF)`);
  console.log(`  NumPy reference (full fft2, batched):     ${ref.seconds.toFixed(3)} s  (${((ref.seconds / (P * C)) * 1e3).toFixed(2)} ms/PSF)`);
  console.log(`  ratio svd / NumPy: ${(ours / ref.seconds).toFixed(2)}   max |svd (float32) - NumPy (float64)| ${worst.toExponential(2)} (peak value ${peak.toFixed(4)})`);
}

main();
