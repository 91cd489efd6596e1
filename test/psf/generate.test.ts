import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { writeImage } from "../../src/io/image";
import { PsfFile } from "../../src/psf/file";
import { generatePsfFile, loadPsfConfig, psfSourceFor } from "../../src/psf/generate";
import { extractSpotGrid, syntheticSpotCapture } from "../../src/psf/measured";
import { setProgressFactory, silentProgress } from "../../src/util/progress";
import { Rng } from "../../src/util/rng";

const PY = "/usr/bin/python3";
const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");

/** Runs `svd ...` in-process, capturing stderr; returns [exit code, stderr]. */
async function svd(...args: string[]): Promise<[number, string]> {
  const write = process.stderr.write.bind(process.stderr);
  let err = "";
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return [await main(["node", "svd", ...args]), err];
  } finally {
    process.stderr.write = write;
  }
}

describe("psf/generate", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "psf-gen-"));
    setProgressFactory(silentProgress);
  });
  after(() => {
    setProgressFactory(null);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it("reproduces the per-position normalisation and metadata example of spec §4", async () => {
    // Defaults of §3.2 on a 64x64 sensor, 4x4 grid, k = 16, the original's conventions.
    const cfgFile = write(
      "spec4.yml",
      `compat: svd-v2
sensor: {resolution: [64, 64]}
kernel_size: 16
wavelengths_nm: [472.5, 532.8, 685]
grid: {shape: [4, 4]}
output: {dtype: float32}
psf: {type: gaussian, gaussian_type: elliptical, sigma1: 0.08, sigma2: 0.2, sigma_min: 0.08, chromatic: [0, 0.5, 0.9], chromatic_trans: [0.7, 0.9, 0.7]}
`,
    );
    const out = path.join(dir, "spec4", "psfs.h5");
    await generatePsfFile(loadPsfConfig(cfgFile), out);
    const f = await PsfFile.open(out);
    try {
      const sums = [0, 1, 2].map((c) => f.psf(c, 0, 0).reduce((a, b) => a + b, 0));
      [0.62656, 1.27344, 1.1].forEach((v, c) => assert.ok(Math.abs(sums[c]! - v) < 1e-5, `channel ${c} sum ${sums[c]} vs ${v}`));
      const md = f.psfMetadata()!;
      assert.deepEqual(md.shape, [3, 1, 9, 4, 4]);
      const at = (d: number) => md.data[d * 16 + 3 * 4 + 1]!; // channel 0, y = 3, x = 1
      const expected = [48, 16, 0.785398, 0.08, 0.1, -16, 16, 0, 0];
      expected.forEach((v, d) => assert.ok(Math.abs(at(d) - v) < 1e-5, `metadata[${d}] ${at(d)} vs ${v}`));
    } finally {
      f.close();
    }
  });

  it("svd psf generate: the original's dataset names, shapes and dtypes in h5py, a preview, byte-identical reruns", async () => {
    const cfgFile = write(
      "small.yml",
      `seed: 3
sensor: {resolution: [48, 64]}
kernel_size: 8
wavelengths_nm: [685, 532.8, 472.5]
grid: {ndata: 12}
psf: {type: motion, max_support: 4}
`,
    );
    const outA = path.join(dir, "runA");
    const [code, err] = await svd("psf", "generate", "--config", cfgFile, "--out", outA);
    assert.equal(code, 0, err);
    const fileA = path.join(outA, "psfs.h5");
    assert.ok(fs.existsSync(path.join(outA, "psfs.png")));
    const r = JSON.parse(
      execFileSync(PY, [
        "-c",
        `import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
print(json.dumps({"d": {k: [list(f[k].shape), str(f[k].dtype)] for k in f}, "a": {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in f.attrs.items()},
  "sums": f["psfs"][:, 0].astype("float64").sum(axis=(-1, -2)).tolist()}))`,
        fileA,
      ]).toString(),
    );
    // ndata 12 on a 48x64 sensor: first i with 12/i^2 <= 4/3 is 3 -> 3 rows x 4 columns.
    assert.deepEqual(r.d.psfs, [[3, 1, 3, 4, 8, 8], "float16"]);
    assert.deepEqual(r.d["metadata.psf_metadata"], [[3, 1, 2, 3, 4], "float16"]);
    assert.deepEqual(r.d.H_img, [[48, 64, 3, 3], "float16"]);
    assert.deepEqual(r.d.H_obj, [[48, 64, 3, 3], "float16"]);
    assert.deepEqual(r.a.grid_size, [3, 4]);
    assert.deepEqual(r.a.sensor_res, [48, 64]);
    assert.equal(r.a.max_psf_size, 8);
    assert.equal(r.a.ndata, 12);
    assert.equal(r.a.psf_type, "motion");
    // Per-position normalisation: channels total inc = 3 at every position.
    for (let iy = 0; iy < 3; iy++) for (let ix = 0; ix < 4; ix++) {
      const t = r.sums[0][iy][ix] + r.sums[1][iy][ix] + r.sums[2][iy][ix];
      assert.ok(Math.abs(t - 3) < 3e-3, `total ${t}`);
    }
    // Same config and seed -> the same bytes; another seed -> other kernels.
    const outB = path.join(dir, "runA-again");
    fs.renameSync(outA, outB);
    await new Promise((res) => setTimeout(res, 1100));
    assert.equal((await svd("psf", "generate", "--config", cfgFile, "--out", outA))[0], 0);
    assert.equal(sha(fileA), sha(path.join(outB, "psfs.h5")));
    fs.rmSync(outB, { recursive: true });
    fs.renameSync(outA, outB);
    assert.equal((await svd("psf", "generate", "--config", cfgFile, "--out", outA, "--seed", "4"))[0], 0);
    assert.notEqual(sha(fileA), sha(path.join(outB, "psfs.h5")));
  });

  it("--dtype float32 and output.homography single store float32 PSFs and one 3x3 H_img", async () => {
    const cfgFile = write("f32.yml", `sensor: {resolution: [32, 32]}\nkernel_size: 8\nwavelengths_nm: [550]\ngrid: {shape: [2, 2]}\noutput: {homography: single}\npsf: {type: disk, sigma: 0.5}\n`);
    const out = path.join(dir, "f32");
    assert.equal((await svd("psf", "generate", "--config", cfgFile, "--out", out, "--dtype", "float32"))[0], 0);
    const f = await PsfFile.open(path.join(out, "psfs.h5"));
    try {
      assert.equal(f.dtype, "float32");
      assert.equal(f.h5.info("H_img").shape.join(","), "3,3");
      // Clean cell-centre sampling: 32 / 2 = 16 px cells, centres at 7.5 and 23.5.
      assert.deepEqual(f.position(1, 0), [23.5, 7.5]);
      assert.ok(Math.abs(f.psf(0, 1, 1).reduce((a, b) => a + b, 0) - 1) < 1e-6);
    } finally {
      f.close();
    }
  });

  describe("bad configs give one clear line: file, key path, expected, found", () => {
    const base = `sensor: {resolution: [32, 32]}\nkernel_size: 8\nwavelengths_nm: [685, 532.8, 472.5]\ngrid: {shape: [2, 2]}\n`;
    const cases: Array<[string, string, RegExp]> = [
      ["sigma-string.yml", base + `psf: {type: gaussian, sigma1: wide, sigma2: 0.2, sigma_min: 0.08}\n`, /sigma-string\.yml: key 'psf\.sigma1': expected a number >= 0, found string "wide"/],
      ["typo.yml", base + `psf: {type: gaussian, sigma1: 0.1, sigma2: 0.2, sigma_min: 0.08, sigma_mn: 1}\n`, /typo\.yml: key 'psf\.sigma_mn': expected no such key .*did you mean 'sigma_min'/],
      ["chromatic.yml", base + `psf: {type: gaussian, sigma1: 0.1, sigma2: 0.2, sigma_min: 0.08, chromatic: [0, 0.5]}\n`, /chromatic\.yml: key 'psf\.chromatic': expected a list with one value per channel \(3 channels, from wavelengths_nm\), found list \[0,0\.5\]/],
      ["family.yml", base + `psf: {type: gausian}\n`, /family\.yml: key 'psf\.type': expected one of gaussian, disk, motion, .*found string "gausian"/],
      ["nogrid.yml", `sensor: {resolution: [32, 32]}\nkernel_size: 8\nwavelengths_nm: [550]\ngrid: {}\npsf: {type: disk}\n`, /nogrid\.yml: key 'grid': expected a mapping with either 'ndata' or 'shape'/],
      ["missing.yml", `sensor: {resolution: [32, 32]}\nwavelengths_nm: [550]\ngrid: {shape: [2, 2]}\npsf: {type: disk}\n`, /missing\.yml: key 'kernel_size': expected an integer in \[1, 4096\], found nothing \(key missing\)/],
      ["trans.yml", base + `psf: {type: disk, chromatic_trans: [1, -1, 1]}\n`, /trans\.yml: key 'psf\.chromatic_trans\[1\]': expected a number >= 0, found number -1/],
    ];
    for (const [name, text, re] of cases)
      it(name, async () => {
        const [code, err] = await svd("psf", "generate", "--config", write(name, text), "--out", path.join(dir, "bad"));
        assert.equal(code, 1);
        assert.match(err, re);
        assert.equal(err.trim().split("\n").length, 1, err);
      });
    it("bad --dtype names the argument", async () => {
      const [code, err] = await svd("psf", "generate", "--config", write("ok.yml", base + "psf: {type: disk}\n"), "--out", path.join(dir, "bad"), "--dtype", "float64");
      assert.equal(code, 1);
      assert.match(err, /argument '--dtype': expected float16 or float32, found string "float64"/);
    });
  });
});

describe("psf/measured", () => {
  it("finds the spots of a synthetic capture, orders them into the grid, crops centred, normalises", () => {
    const { image, centres } = syntheticSpotCapture({ height: 120, width: 160, rows: 3, cols: 4, channels: 2, sigmaPx: 1.5, background: 0.1, noise: 0.001, peak: 0.8, rng: new Rng("cap") });
    const g = extractSpotGrid(image, { rows: 3, cols: 4, kernelSize: 16 });
    for (let s = 0; s < 12; s++) {
      assert.ok(Math.abs(g.centres[2 * s]! - centres[2 * s]!) < 0.3 && Math.abs(g.centres[2 * s + 1]! - centres[2 * s + 1]!) < 0.3, `spot ${s}`);
      for (let c = 0; c < 2; c++) {
        const ker = g.psfs.subarray((s * 2 + c) * 256, (s * 2 + c + 1) * 256);
        assert.ok(Math.abs(ker.reduce((a, b) => a + b, 0) - 1) < 1e-5);
        // Second moment ~ the spot's sigma (1.5 px, x1.5 in channel 1), i.e. background removed.
        let mr = 0, mc = 0, v = 0;
        for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) { mr += i * ker[i * 16 + j]!; mc += j * ker[i * 16 + j]!; }
        for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) v += ((i - mr) ** 2 + (j - mc) ** 2) * ker[i * 16 + j]!;
        const sigma = 1.5 * (1 + 0.5 * c);
        assert.ok(Math.abs(Math.sqrt(v / 2) - sigma) < 0.15 * sigma, `spot ${s} ch ${c}: std ${Math.sqrt(v / 2)} vs ${sigma}`);
        assert.ok(Math.abs(mr - 8) < 0.6 && Math.abs(mc - 8) < 0.6);
      }
    }
    // The fitted H_img maps grid index (x, y) to the spot centres (cells of 40 px, centres at 20 + 40 i).
    assert.ok(Math.abs(g.hImg[0]! - 40) < 0.5 && Math.abs(g.hImg[4]! - 40) < 0.5 && Math.abs(g.hImg[2]! - 20) < 0.5);
    assert.throws(() => extractSpotGrid(image, { rows: 4, cols: 4, kernelSize: 16 }), /found 12 spots, expected a 4x4 grid \(16\)/);
  });

  it("keeps second moments unbiased when the capture is noisy (no positive noise floor in the crops)", () => {
    // Noise 1% of full scale on a 32x32 crop: a clamped floor would add ~1000 px of positive noise and
    // inflate the RMS radius of a 2 px spot several times; a 3-sigma floor from the ring keeps it near 2.
    const { image } = syntheticSpotCapture({ height: 128, width: 128, rows: 2, cols: 2, channels: 1, sigmaPx: 2, background: 0.2, noise: 0.01, peak: 0.7, rng: new Rng("noisy") });
    const g = extractSpotGrid(image, { rows: 2, cols: 2, kernelSize: 32 });
    for (let s = 0; s < 4; s++) {
      const ker = g.psfs.subarray(s * 1024, (s + 1) * 1024);
      let mr = 0, mc = 0, v = 0;
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) { mr += i * ker[i * 32 + j]!; mc += j * ker[i * 32 + j]!; }
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) v += ((i - mr) ** 2 + (j - mc) ** 2) * ker[i * 32 + j]!;
      assert.ok(Math.abs(Math.sqrt(v / 2) - 2) < 0.3, `spot ${s}: std ${Math.sqrt(v / 2)} vs 2`);
    }
  });
  it("the measured family builds its grid from the capture file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "psf-meas-"));
    try {
      const { image } = syntheticSpotCapture({ height: 64, width: 64, rows: 2, cols: 2, channels: 1, sigmaPx: 1.2, background: 0.05, noise: 0.002, peak: 0.9, rng: new Rng(1) });
      await writeImage(path.join(dir, "cap.png"), image, { bitDepth: 16 });
      fs.writeFileSync(path.join(dir, "m.yml"), `sensor: {resolution: [64, 64]}\nkernel_size: 12\nwavelengths_nm: [650, 450]\ngrid: {normalize: none}\npsf: {type: measured, capture: cap.png, spots: [2, 2]}\n`);
      const cfg = loadPsfConfig(path.join(dir, "m.yml"));
      const src = await psfSourceFor(cfg);
      assert.deepEqual([src.preferredGrid!.rows, src.preferredGrid!.cols], [2, 2]);
      await generatePsfFile(cfg, path.join(dir, "out", "psfs.h5"));
      const f = await PsfFile.open(path.join(dir, "out", "psfs.h5"));
      const [y, x] = f.position(1, 0);
      assert.ok(Math.abs(y - 48) < 1 && Math.abs(x - 16) < 1, `position (${y}, ${x})`);
      assert.deepEqual(f.psf(0, 1, 0), f.psf(1, 1, 0)); // a grey capture serves every channel
      f.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
