import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { H5File } from "../../src/io/hdf5";
import { Rng } from "../../src/util/rng";
import type { NdArray } from "../../src/array";
import {
  cellCentreAxes,
  cellCornerAxis,
  cellCentreAxis,
  coefficientMaps,
  crossfadeWeights,
  gridFromArray,
  linearWeights,
  pcaBasis,
  readBasisFile,
  reconstructGridPsf,
  relativeErrorMap,
  sectionsBasis,
  writeBasisFile,
  uniformBasis,
  upsampleMap,
} from "../../src/basis";
import { main } from "../../src/cli/main";
import { writeImage } from "../../src/io";

/**
 * A rank-r centred PSF field with known PCA: mean + sum_j c_j(g) v_j, where the v_j are orthonormal
 * (disjoint supports) and the c_j are orthogonal zero-mean cosines over the grid, so component j's
 * variance is sum_g c_j(g)^2 / (N - 1) exactly.
 */
function rankField(C: number, nh: number, nw: number, k: number, r: number, amps: number[]) {
  const F = k * k;
  const N = nh * nw;
  const data = new Float32Array(C * N * F);
  const variances: number[] = [];
  for (let c = 0; c < C; c++) {
    for (let g = 0; g < N; g++) {
      const iy = Math.floor(g / nw);
      const ix = g % nw;
      const psf = data.subarray((c * N + g) * F, (c * N + g + 1) * F);
      for (let i = 0; i < F; i++) psf[i] = 1 + 0.1 * c + ((i * 7) % 5) * 0.01; // mean kernel
      for (let j = 0; j < r; j++) {
        // Orthogonal zero-mean modes: cos along x for even j, along y for odd j (different frequencies).
        const f = Math.floor(j / 2) + 1;
        const cj = (amps[j] as number) * (j % 2 === 0 ? Math.cos((Math.PI * f * (ix + 0.5)) / nw) : Math.cos((Math.PI * f * (iy + 0.5)) / nh));
        // v_j: unit vector on pixels i with i % r == j.
        const cnt = Math.floor((F - 1 - j) / r) + 1;
        for (let i = j; i < F; i += r) psf[i] = (psf[i] as number) + cj / Math.sqrt(cnt);
      }
    }
  }
  for (let j = 0; j < r; j++) {
    const f = Math.floor(j / 2) + 1;
    let s = 0;
    for (let g = 0; g < N; g++) {
      const iy = Math.floor(g / nw);
      const ix = g % nw;
      const cj = (amps[j] as number) * (j % 2 === 0 ? Math.cos((Math.PI * f * (ix + 0.5)) / nw) : Math.cos((Math.PI * f * (iy + 0.5)) / nh));
      s += cj * cj;
    }
    variances.push(s / (N - 1));
  }
  return { psfs: { data, shape: [C, nh, nw, k, k] } as NdArray, variances };
}

describe("basis: coefficient-map interpolation", () => {
  it("svd-v2 convention equals OpenCV INTER_LINEAR 256 -> 1024 (spec checklist 3)", () => {
    const w = linearWeights(cellCentreAxis(256, 1024), 1024);
    const src = Float64Array.from({ length: 256 }, (_, i) => Math.sin(i) * 3 + i);
    const at = (d: number) => (src[w.i0[d] as number] as number) * (1 - (w.w1[d] as number)) + (src[w.i1[d] as number] as number) * (w.w1[d] as number);
    assert.equal(at(0), src[0]);
    assert.equal(at(1), src[0]);
    assert.ok(Math.abs(at(2) - (0.875 * src[0]! + 0.125 * src[1]!)) < 1e-12);
    assert.ok(Math.abs(at(3) - (0.625 * src[0]! + 0.375 * src[1]!)) < 1e-12);
    assert.equal(at(1022), src[255]);
    assert.equal(at(1023), src[255]);
  });

  it("position mode puts each grid sample exactly on the pixel where its PSF was sampled", () => {
    const rows = cellCornerAxis(4, 16); // samples at pixels 0, 4, 8, 12 (the original's stage 1)
    const wy = linearWeights(rows, 16);
    const wx = linearWeights(rows, 16);
    const map = Float32Array.from({ length: 16 }, (_, i) => i * i);
    const up = upsampleMap(map, 4, 4, wy, wx);
    for (let iy = 0; iy < 4; iy++) for (let ix = 0; ix < 4; ix++) assert.equal(up[iy * 4 * 16 + ix * 4], map[iy * 4 + ix]);
    // Halfway between samples (pixel 2 between 0 and 4) is the mean; beyond the last sample, replicated.
    assert.equal(up[2], (map[0]! + map[1]!) / 2);
    assert.equal(up[15], map[3]);
  });

  it("sections weights are a smooth partition of unity", () => {
    const centres = Float64Array.from([10, 30, 50]);
    const pos = Float64Array.from({ length: 61 }, (_, i) => i);
    const w = crossfadeWeights(centres, pos);
    for (let p = 0; p < 61; p++) assert.ok(Math.abs(w[p]! + w[61 + p]! + w[122 + p]! - 1) < 1e-12);
    assert.equal(w[61 + 30], 1);
    assert.ok(Math.abs(w[20]! - 0.5) < 1e-12);
  });
});

describe("basis: PCA", function () {
  this.timeout(60000);
  it("reconstructs a rank-r field exactly with r components, with the analytic variances", async () => {
    const r = 3;
    const { psfs, variances } = rankField(2, 6, 8, 5, r, [0.5, 0.3, 0.1]);
    const src = gridFromArray(psfs, { height: 24, width: 32 });
    const b = await pcaBasis(src, { components: r, seed: 1 });
    assert.equal(b.count, r + 1);
    for (let c = 0; c < 2; c++) {
      const ch = b.pca.channels[c]!;
      variances.forEach((v, j) => assert.ok(Math.abs(ch.explainedVariance[j]! - v) / v < 1e-4, `variance ${j}: ${ch.explainedVariance[j]} vs ${v}`));
      assert.ok(Math.abs(ch.explainedVarianceRatio.reduce((a, x) => a + x, 0) - 1) < 1e-4);
      for (let iy = 0; iy < 6; iy++)
        for (let ix = 0; ix < 8; ix++) {
          const rec = reconstructGridPsf(b, c, iy, ix);
          const orig = psfs.data.subarray(((c * 6 + iy) * 8 + ix) * 25, ((c * 6 + iy) * 8 + ix + 1) * 25);
          for (let i = 0; i < 25; i++) assert.ok(Math.abs(rec[i]! - orig[i]!) < 1e-5);
        }
      // Mean kernel stored last with an all-ones coefficient map.
      const maps = coefficientMaps(b);
      const last = maps.data.subarray(((c * (r + 1)) + r) * 24 * 32, ((c * (r + 1)) + r + 1) * 24 * 32);
      assert.ok(last.every((v) => v === 1));
    }
    // Components are orthonormal and signed so that their largest-|value| entry is positive.
    const comps = b.pca.channels[0]!.components;
    for (let i = 0; i < r; i++) {
      const vi = comps.subarray(i * 25, (i + 1) * 25);
      let big = 0;
      for (let f = 0; f < 25; f++) if (Math.abs(vi[f]!) > Math.abs(vi[big]!)) big = f;
      assert.ok(vi[big]! > 0);
      for (let j = 0; j < r; j++) {
        const vj = comps.subarray(j * 25, (j + 1) * 25);
        const d = vi.reduce((a, x, f) => a + x * vj[f]!, 0);
        assert.ok(Math.abs(d - (i === j ? 1 : 0)) < 1e-5);
      }
    }
  });

  it("fewer components leave exactly the dropped variance as error", async () => {
    const { psfs, variances } = rankField(1, 8, 8, 6, 4, [0.6, 0.4, 0.2, 0.05]);
    const b = await pcaBasis(gridFromArray(psfs, { height: 32, width: 32 }), { components: 2 });
    const ratio = b.pca.channels[0]!.explainedVarianceRatio;
    const total = variances.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(ratio[0]! - variances[0]! / total) < 1e-4 && Math.abs(ratio[1]! - variances[1]! / total) < 1e-4);
    assert.ok(b.relativeError.some((e) => e > 1e-3));
  });

  it("rejects more components than the grid allows", async () => {
    const { psfs } = rankField(1, 2, 2, 3, 1, [1]);
    await assert.rejects(pcaBasis(gridFromArray(psfs, { height: 8, width: 8 }), { components: 5 }), /argument 'components': expected at most min\(grid points, kernel pixels\) = 4, found number 5/);
  });
});

describe("basis: reconstruction quality and its warning", function () {
  this.timeout(60000);
  // rankField's mode j over the grid (the cosines it adds along x for even j, along y for odd j).
  const mode = (j: number, amp: number, iy: number, ix: number, nh: number, nw: number) => {
    const f = Math.floor(j / 2) + 1;
    return amp * (j % 2 === 0 ? Math.cos((Math.PI * f * (ix + 0.5)) / nw) : Math.cos((Math.PI * f * (iy + 0.5)) / nh));
  };
  const amps = [0.6, 0.4, 0.2, 0.05];
  const [nh, nw, k] = [8, 8, 6];

  it("a truncated PCA reports the dropped modes' error per grid point, its captured variance, and warns", async () => {
    const { psfs, variances } = rankField(1, nh, nw, k, 4, amps);
    const warnings: string[] = [];
    const b = await pcaBasis(gridFromArray(psfs, { height: 32, width: 32 }), { components: 2, warn: (m) => warnings.push(m) });
    // Independent reference: with orthonormal modes, the residual of grid point g is modes 2 and 3 at g.
    const expected = new Float64Array(nh * nw);
    for (let iy = 0; iy < nh; iy++)
      for (let ix = 0; ix < nw; ix++) {
        const g = iy * nw + ix;
        const x = psfs.data.subarray(g * k * k, (g + 1) * k * k);
        const norm = Math.sqrt(x.reduce((a, v) => a + v * v, 0));
        expected[g] = Math.hypot(mode(2, amps[2]!, iy, ix, nh, nw), mode(3, amps[3]!, iy, ix, nh, nw)) / norm;
      }
    const map = relativeErrorMap(b, 0);
    assert.deepEqual(map.shape, [nh, nw]);
    expected.forEach((e, g) => assert.ok(Math.abs(map.data[g]! - e) < 1e-4, `grid ${g}: ${map.data[g]} vs ${e}`));
    const q = b.quality.channels[0]!;
    const worst = expected.reduce((best, e, g) => (e > expected[best]! ? g : best), 0);
    assert.ok(Math.abs(q.meanRelativeError - expected.reduce((a, e) => a + e, 0) / expected.length) < 1e-4);
    assert.ok(Math.abs(q.maxRelativeError - expected[worst]!) < 1e-4);
    assert.deepEqual(q.worst, [Math.floor(worst / nw), worst % nw]);
    const total = variances.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(q.capturedVariance! - (variances[0]! + variances[1]!) / total) < 1e-4);
    // The worst PSF is off by ~3 % here: no warning at the default 10 %, one at a 1 % limit.
    assert.ok(expected[worst]! > 0.01 && expected[worst]! < 0.1, `reference worst error ${expected[worst]}`);
    assert.equal(b.quality.warning, null);
    assert.deepEqual(warnings, [] as string[]);
    const strict = await pcaBasis(gridFromArray(psfs, { height: 32, width: 32 }), { components: 2, maxRelativeError: 0.01, warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.equal(strict.quality.warning, warnings[0]);
    assert.match(warnings[0]!, /^pca basis reconstructs its PSFs poorly: channel 0: relative L2 error mean 0\.\d{3}, max 0\.0\d{2} at grid \(\d, \d\), components capture \d+\.\d% of the variance \(limit 0\.01\)/);
    // warn: false keeps the verdict but prints nothing.
    const quiet = await pcaBasis(gridFromArray(psfs, { height: 32, width: 32 }), { components: 2, maxRelativeError: 0.01, warn: false });
    assert.equal(quiet.quality.warning, warnings[0]);
    assert.equal(warnings.length, 1);
  });

  it("an exact basis does not warn; a one-kernel basis of a varying field does, and the file keeps the verdict", async () => {
    const { psfs } = rankField(2, nh, nw, k, 4, amps);
    const warnings: string[] = [];
    const exact = await pcaBasis(gridFromArray(psfs, { height: 32, width: 32 }), { components: 4, maxRelativeError: 1e-3, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, [] as string[]);
    assert.ok(exact.quality.channels.every((q) => q.maxRelativeError < 1e-4 && Math.abs(q.capturedVariance! - 1) < 1e-4));
    const u = uniformBasis(gridFromArray(psfs, { height: 32, width: 32 }), { maxRelativeError: 0.05, warn: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^uniform basis reconstructs its PSFs poorly: channel 0: .*; channel 1: .*\(limit 0\.05\)/);
    assert.equal(u.quality.channels[0]!.capturedVariance, undefined);
    // The uniform kernel is the mean, so its error at g is the whole centred PSF over the PSF.
    const x = psfs.data.subarray(0, k * k);
    const centred = Math.hypot(...[0, 1, 2, 3].map((j) => mode(j, amps[j]!, 0, 0, nh, nw)));
    assert.ok(Math.abs(relativeErrorMap(u, 0).data[0]! - centred / Math.sqrt(x.reduce((a, v) => a + v * v, 0))) < 1e-4);
    assert.throws(() => relativeErrorMap(u, 2), /argument 'c': expected a channel index in \[0, 1\] \(2 channels\), found number 2/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-quality-"));
    try {
      const file = path.join(dir, "b.h5");
      const truncated = await pcaBasis(gridFromArray(psfs, { height: 32, width: 32 }), { components: 1, warn: false });
      await writeBasisFile(file, truncated, { dtype: "float32" });
      const back = await readBasisFile(file);
      assert.deepEqual(back.relativeError!.shape, [2, nh, nw]);
      assert.deepEqual(Array.from(back.relativeError!.data), Array.from(truncated.relativeError));
      assert.deepEqual(relativeErrorMap(back, 1), relativeErrorMap(truncated, 1));
      assert.equal(back.quality!.warning, truncated.quality.warning);
      assert.ok(Math.abs(back.quality!.channels[1]!.capturedVariance! - truncated.quality.channels[1]!.capturedVariance!) < 1e-6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("svd render repeats a poor basis file's warning", async () => {
    // Strong modes: one component leaves tens of per cent of each PSF unexplained.
    const { psfs } = rankField(3, nh, nw, k, 4, [3, 2, 1, 0.5]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-quality-render-"));
    const write = process.stderr.write.bind(process.stderr);
    const err: string[] = [];
    try {
      const bfile = path.join(dir, "b.h5");
      const poor = await pcaBasis(gridFromArray(psfs, { height: 16, width: 16 }), { components: 1, warn: false });
      await writeBasisFile(bfile, poor, { dtype: "float32" });
      await writeImage(path.join(dir, "in.png"), { data: new Float32Array(16 * 16 * 3).fill(0.5), height: 16, width: 16, channels: 3 });
      process.env.SVD_QUIET = "1";
      process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
      const rc = await main(["node", "svd", "render", "--basis", bfile, "--input", path.join(dir, "in.png"), "--out", path.join(dir, "out.png")]);
      process.stderr.write = write;
      assert.equal(rc, 0);
      // The file's verdict uses the default limit (0.1); one component of this field misses it.
      const warning = (await readBasisFile(bfile)).quality!.warning;
      assert.ok(warning, "the truncated basis is poor at the default limit");
      assert.ok(err.some((l) => l === `svd: warning: ${bfile}: ${warning}\n`), `stderr: ${err.join("")}`);
    } finally {
      process.stderr.write = write;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("index accessors refuse indices outside the basis or grid", async () => {
    const { psfs } = rankField(1, 3, 4, 3, 1, [0.5]);
    const src = gridFromArray(psfs, { height: 12, width: 16 });
    const b = await pcaBasis(src, { components: 1, warn: false });
    assert.throws(() => reconstructGridPsf(b, 0, 3, 0), /argument 'iy': expected a grid row index in \[0, 2\] \(3 grid rows\), found number 3/);
    assert.throws(() => reconstructGridPsf(b, 0, 0, 4), /argument 'ix': expected a grid column index in \[0, 3\] \(4 grid columns\), found number 4/);
    assert.throws(() => reconstructGridPsf(b, 1, 0, 0), /argument 'c': expected a channel index in \[0, 0\]/);
    assert.throws(() => b.coefPlane(0, 2), /argument 'm': expected a basis kernel index in \[0, 1\] \(2 basis kernels\), found number 2/);
    const s = sectionsBasis(src, { tilesY: 1, tilesX: 2, warn: false });
    assert.throws(() => s.coefPlane(0, 2), /argument 'm': expected a basis kernel index in \[0, 1\]/);
    assert.throws(() => src.readRows(2, 4), /argument 'r1': expected an integer in \[3, 3\]/);
    assert.throws(() => src.readRows(3, 4), /argument 'r0': expected a grid row index in \[0, 2\]/);
  });
});

describe("basis: uniform and sections", () => {
  it("uniform is the grid mean with a constant map; sections reproduce a piecewise-constant field exactly at tile centres", () => {
    const rng = new Rng("sec");
    const k = 3;
    // 4 x 4 grid over 16 x 16, 2 x 2 tiles: every tile's grid PSFs are identical.
    const tilePsfs = Array.from({ length: 4 }, () => Float32Array.from({ length: 9 }, () => rng.random()));
    const data = new Float32Array(16 * 9);
    for (let iy = 0; iy < 4; iy++) for (let ix = 0; ix < 4; ix++) data.set(tilePsfs[Math.floor(iy / 2) * 2 + Math.floor(ix / 2)]!, (iy * 4 + ix) * 9);
    const src = gridFromArray({ data, shape: [1, 4, 4, k, k] }, { height: 16, width: 16 });
    const u = uniformBasis(src);
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(u.psfs.data[i]! - tilePsfs.reduce((a, t) => a + t[i]!, 0) / 4) < 1e-6);
    const s = sectionsBasis(src, { tilesY: 2, tilesX: 2 });
    assert.equal(s.count, 4);
    for (let t = 0; t < 4; t++) for (let i = 0; i < 9; i++) assert.ok(Math.abs(s.psfs.data[t * 9 + i]! - tilePsfs[t]![i]!) < 1e-6);
    const plane = s.coefPlane(0, 0);
    assert.ok(Math.abs(plane[3 * 16 + 3]! - 1) < 1e-12); // tile centre (3.5 rounds down: pixel 3 is before the centre)
    assert.throws(() => sectionsBasis(src, { tilesY: 5, tilesX: 1 }), /tilesY.*\[1, 4\]/);
  });
});

describe("basis: svd basis CLI and file", function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-basis-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function writePsfFile(file: string) {
    const { psfs } = rankField(3, 4, 4, 8, 2, [0.3, 0.2]);
    const h5 = await H5File.open(file, "w");
    h5.write("psfs", psfs.data, [3, 1, 4, 4, 8, 8], { dtype: "float16" });
    const md = new Float32Array(3 * 2 * 16);
    for (let c = 0; c < 3; c++)
      for (let g = 0; g < 16; g++) {
        md[(c * 2 + 0) * 16 + g] = 8 * Math.floor(g / 4); // y_img: top-left sampling as stage 1 (32 / 4 = 8)
        md[(c * 2 + 1) * 16 + g] = 8 * (g % 4);
      }
    h5.write("metadata.psf_metadata", md, [3, 1, 2, 4, 4], { dtype: "float16" });
    h5.setAttr("sensor_res", [32, 32]);
    h5.setAttr("psf_type", "test");
    h5.close();
  }

  it("writes PSFs_with_basis.h5 in the original layout plus previews", async () => {
    const psfFile = path.join(dir, "psfs.h5");
    await writePsfFile(psfFile);
    const out = path.join(dir, "PSFs_with_basis.h5");
    process.env.SVD_QUIET = "1";
    await main(["node", "svd", "basis", "--psfs", psfFile, "--method", "pca", "--components", "2", "--out", out]);
    const h5 = await H5File.open(out, "r");
    assert.deepEqual(h5.info("basis_psfs").shape, [3, 1, 3, 8, 8]);
    assert.deepEqual(h5.info("basis_coef").shape, [3, 1, 3, 32, 32]);
    assert.equal(h5.info("basis_coef").dtype, "float16");
    assert.deepEqual(h5.info("psfs").shape, [3, 1, 4, 4, 8, 8]);
    assert.ok(h5.has("metadata.psf_metadata"));
    assert.equal(h5.getAttr("psf_type"), "test");
    assert.equal(h5.getAttr("basis_method"), "pca");
    h5.close();
    const b = await readBasisFile(out);
    assert.deepEqual(b.coef.shape, [3, 3, 32, 32]);
    // Coefficient maps at the true positions: pixel (8, 16) is grid point (1, 2); reconstruct its PSF from the file.
    const orig = (await H5File.open(psfFile, "r")).read("psfs").data;
    for (let i = 0; i < 64; i++) {
      let v = 0;
      for (let j = 0; j < 3; j++) v += b.coef.data[(j * 32 + 8) * 32 + 16]! * b.psfs.data[j * 64 + i]!;
      assert.ok(Math.abs(v - orig[(1 * 4 + 2) * 64 + i]!) < 2e-3, `${v} vs ${orig[(1 * 4 + 2) * 64 + i]}`);
    }
    assert.ok(fs.existsSync(path.join(dir, "basis_psfs_c0.png")) && fs.existsSync(path.join(dir, "basis_coef_c2.png")));
  });

  async function failing(args: string[]): Promise<string> {
    const write = process.stderr.write.bind(process.stderr);
    let err = "";
    process.stderr.write = ((chunk: string) => ((err += String(chunk)), true)) as typeof process.stderr.write;
    try {
      assert.equal(await main(["node", "svd", ...args]), 1);
    } finally {
      process.stderr.write = write;
    }
    return err;
  }

  it("bad arguments name the flag, expected and found", async () => {
    assert.match(await failing(["basis", "--psfs", path.join(dir, "psfs.h5"), "--components", "two", "--out", path.join(dir, "x.h5")]), /--components.*non-negative integer.*two/);
    assert.match(await failing(["basis", "--psfs", path.join(dir, "nope.h5"), "--out", path.join(dir, "x.h5")]), /nope\.h5: file not found/);
    assert.match(await failing(["basis", "--psfs", path.join(dir, "psfs.h5"), "--method", "zernike", "--out", path.join(dir, "x.h5")]), /method.*zernike/);
    assert.ok(!fs.existsSync(path.join(dir, "x.h5")));
  });
});
