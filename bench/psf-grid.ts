/**
 * PSF grid generation speed: this library's computeRow (the work of `svd psf generate` without the
 * file) against a NumPy implementation of the same computation (bench/psf-grid-ref.py), in the
 * same run. Usage:
 *   npx tsx bench/psf-grid.ts [--families gaussian,zernike] [--grid 32] [--k 128]
 * A family other than gaussian is configured from configs/psf/<family>.yml with the bench's grid and
 * kernel size; its NumPy side runs if bench/psf-grid-ref.py has a grid_<family> function.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { computeRow, fieldGridFor, loadPsfConfig, psfSourceFor } from "../src/psf/generate";
import { Rng } from "../src/util/rng";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const gaussianPsf = { type: "gaussian", gaussian_type: "elliptical", sigma1: 0.08, sigma2: 0.2, sigma_min: 0.08, chromatic: [0, 0.5, 0.9], chromatic_trans: [0.7, 0.9, 0.7] };

async function benchFamily(family: string, n: number, k: number): Promise<void> {
  const sensor = [1024, 1024];
  const overrides = [`grid.shape=[${n},${n}]`, `kernel_size=${k}`, "grid.sampling=centre", "grid.normalize=position", `sensor.resolution=[${sensor.join(",")}]`];
  const cfg =
    family === "gaussian"
      ? loadPsfConfig({ tree: { sensor: { resolution: sensor }, kernel_size: k, wavelengths_nm: [472.5, 532.8, 685], grid: { shape: [n, n] }, psf: gaussianPsf }, name: "<bench gaussian>" }, overrides)
      : loadPsfConfig(path.join(__dirname, `../configs/psf/${family}.yml`), overrides);
  const source = await psfSourceFor(cfg);
  const grid = fieldGridFor(cfg, source);
  const inc = cfg.value.wavelengths_nm.length;
  const psfs = new Float32Array(inc * n * k * k);
  const meta = new Float32Array(inc * (2 + source.metadataKeys.length) * n);
  const rng = new Rng(0);
  const run = (withChecksum: boolean) => {
    let checksum = 0;
    for (let iy = 0; iy < n; iy++) {
      computeRow(source, grid, cfg.value.wavelengths_nm, iy, rng, "position", psfs, meta);
      if (withChecksum) for (let i = 0; i < psfs.length; i++) checksum += psfs[i] as number;
    }
    return checksum;
  };
  const checksum = run(true); // also the JIT warm-up; the timed run below does no extra work
  const t0 = process.hrtime.bigint();
  run(false);
  const ts = Number(process.hrtime.bigint() - t0) / 1e9;
  const settings = { sensor, grid: [n, n], k, psf: family === "gaussian" ? gaussianPsf : cfg.value.psf, wavelengths_nm: cfg.value.wavelengths_nm, pixel_pitch_um: cfg.value.sensor.pixel_pitch_um };
  const ref = JSON.parse(execFileSync("/usr/bin/python3", [path.join(__dirname, "psf-grid-ref.py"), family, JSON.stringify(settings)], { maxBuffer: 1 << 20 }).toString());
  const count = n * n * inc;
  const line = `${family.padEnd(10)} ${n}x${n} grid x ${inc} ch, ${k}x${k}: TS ${ts.toFixed(3)} s (${((ts / count) * 1e6).toFixed(1)} us/PSF)`;
  if (ref.skipped) console.log(`${line}; NumPy: ${ref.skipped}`);
  else
    console.log(
      `${line}; NumPy ${ref.seconds.toFixed(3)} s; ratio TS/NumPy ${(ts / ref.seconds).toFixed(2)} (checksums ${checksum.toFixed(2)} vs ${ref.checksum.toFixed(2)})`,
    );
}

async function main(): Promise<void> {
  const families = arg("families", "gaussian").split(",");
  const n = Number(arg("grid", "32"));
  const k = Number(arg("k", "128"));
  for (const f of families) await benchFamily(f, n, k);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
