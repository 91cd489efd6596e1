import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { H5File } from "../../src/io/hdf5";
import { mtfMapFromPsfFile } from "../../src/metrics";

/**
 * A PSF grid whose kernels are elliptical Gaussians stretched along the field direction: sigma_t
 * (tangential) grows with field radius, sigma_s (sagittal) is constant; channel 1 is 1.5x wider.
 * Analytic MTF50 of a Gaussian: sqrt(ln 2 / (2 pi^2)) / sigma.
 */
const H = 300;
const W = 400;
const NH = 3;
const NW = 4;
const K = 32;
const sigmaT = (r: number, c: number) => (1 + r / 150) * (c === 1 ? 1.5 : 1);
const sigmaS = (c: number) => 1.1 * (c === 1 ? 1.5 : 1);
/** Cell centres in pixel-centre coordinates, as src/psf/grid.ts's "centre" sampling writes them; the axis is at ((H - 1) / 2, (W - 1) / 2). */
const pos = (iy: number, ix: number): [number, number] => [(iy + 0.5) * (H / NH) - 0.5, (ix + 0.5) * (W / NW) - 0.5];
const AXIS = [(H - 1) / 2, (W - 1) / 2] as const;
const MTF50 = (s: number) => Math.sqrt(Math.LN2 / (2 * Math.PI * Math.PI)) / s;

describe("MTF map from a PSF grid file", () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-mtfmap-"));
    file = path.join(dir, "psfs.h5");
    const data = new Float32Array(2 * NH * NW * K * K);
    const meta = new Float32Array(2 * 2 * NH * NW);
    for (let c = 0; c < 2; c++)
      for (let iy = 0; iy < NH; iy++)
        for (let ix = 0; ix < NW; ix++) {
          const [py, px] = pos(iy, ix);
          const dy = py - AXIS[0];
          const dx = px - AXIS[1];
          const phi = Math.atan2(dy, dx);
          const st = sigmaT(Math.hypot(dy, dx), c);
          const ss = sigmaS(c);
          const off = ((c * NH + iy) * NW + ix) * K * K;
          for (let y = 0; y < K; y++)
            for (let x = 0; x < K; x++) {
              const u = (x - K / 2) * Math.cos(phi) + (y - K / 2) * Math.sin(phi);
              const v = -(x - K / 2) * Math.sin(phi) + (y - K / 2) * Math.cos(phi);
              data[off + y * K + x] = Math.exp(-(u * u) / (2 * st * st) - (v * v) / (2 * ss * ss));
            }
          meta[((c * 2 + 0) * NH + iy) * NW + ix] = py;
          meta[((c * 2 + 1) * NH + iy) * NW + ix] = px;
        }
    const f = await H5File.open(file, "w");
    f.write("psfs", data, [2, 1, NH, NW, K, K], { dtype: "float32" });
    f.write("metadata.psf_metadata", meta, [2, 1, 2, NH, NW], { dtype: "float32" });
    f.setAttr("sensor_res", [H, W]);
    f.setAttr("wv", [450, 650]);
    f.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives the analytic tangential / sagittal MTF50 at every grid point and channel", async () => {
    const map = await mtfMapFromPsfFile(file, { pixelPitchUm: 4 });
    assert.equal(map.points.length, 2 * NH * NW);
    assert.deepEqual(map.sensorRes, [H, W]);
    assert.deepEqual(map.wavelengthsNm, [450, 650]);
    for (const p of map.points) {
      const [py, px] = pos(p.iy, p.ix);
      assert.ok(Math.abs(p.yPx - py) < 1e-3 && Math.abs(p.xPx - px) < 1e-3);
      const expT = MTF50(sigmaT(Math.hypot(py - AXIS[0], px - AXIS[1]), p.channel));
      const expS = MTF50(sigmaS(p.channel));
      // MTF50 is interpolated linearly between the 1/32 cy/px samples
      assert.ok(Math.abs(p.tangential.mtf50! - expT) < 3e-3, `tangential c${p.channel} (${p.iy},${p.ix}): ${p.tangential.mtf50} vs ${expT}`);
      assert.ok(Math.abs(p.sagittal.mtf50! - expS) < 3e-3, `sagittal: ${p.sagittal.mtf50} vs ${expS}`);
      assert.ok(Math.abs(p.tangential.mtf50CyPerMm! - p.tangential.mtf50! / 4e-3) < 1e-9);
    }
  });

  it("measures field radii from the sensor centre: a symmetric grid gives mirror points equal radii", async () => {
    const map = await mtfMapFromPsfFile(file, { channels: [0] });
    const radius = (iy: number, ix: number) => map.points.find((p) => p.iy === iy && p.ix === ix)!.fieldRadiusPx;
    // 3 x 4 cells of 100 x 100 px on 300 x 400: centres at y 49.5 / 149.5 / 249.5, x 49.5 ... 349.5.
    assert.equal(radius(1, 1), 50);
    assert.equal(radius(1, 2), 50);
    assert.equal(radius(0, 0), Math.hypot(100, 150));
    assert.equal(radius(2, 3), Math.hypot(100, 150));
  });

  it("subsamples the grid with a stride and selects channels", async () => {
    const map = await mtfMapFromPsfFile(file, { stride: 2, channels: [1] });
    assert.deepEqual(map.rows, [0, 2]);
    assert.deepEqual(map.cols, [0, 2]);
    assert.equal(map.points.length, 4);
    assert.ok(map.points.every((p) => p.channel === 1));
  });

  it("fails clearly on unreadable files and bad arguments", async () => {
    const notH5 = path.join(dir, "x.h5");
    fs.writeFileSync(notH5, "not hdf5");
    await assert.rejects(mtfMapFromPsfFile(notH5), /x\.h5/);
    await assert.rejects(mtfMapFromPsfFile(path.join(dir, "missing.h5")), /missing\.h5/);
    const noPsfs = path.join(dir, "nopsfs.h5");
    const f = await H5File.open(noPsfs, "w");
    f.write("other", new Float32Array(4), [2, 2], { dtype: "float32" });
    f.close();
    await assert.rejects(mtfMapFromPsfFile(noPsfs), /not a PSF file: no 'psfs' dataset/);
    await assert.rejects(mtfMapFromPsfFile(file, { channels: [5] }), /argument 'channels'/);
  });
});
