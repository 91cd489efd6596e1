import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import {
  createBasisBlur,
  decodeImage,
  generateDataset,
  loadGenerationConfig,
  makePlan,
  makeSource,
  parseShard,
  renderSample,
  quantize,
} from "../../src/data";
import type { ImageHWC } from "../../src/array";
import { readBasisFile } from "../../src/basis/file";
import { loadHyparquet } from "../../src/io/esm";
import { InputFileError } from "../../src/util/errors";
import { filesUnder, smallBasis, syntheticConfig, tempDir } from "./helpers/fixtures";

process.env.SVD_QUIET = "1";

async function readRows(file: string): Promise<Array<Record<string, any>>> {
  const hp = await loadHyparquet();
  return hp.parquetReadObjects({ file: await hp.asyncBufferFromFile(file), utf8: false });
}

function parquetFiles(dir: string): string[] {
  return [...filesUnder(dir).keys()].filter((f) => f.endsWith(".parquet")).sort();
}

/** Direct scatter sum y(p) = Σ_q x(q) Σ_m A_m(q) B_m(p − q + c0), zero boundary: the renderer's definition, computed naively. */
function scatterReference(img: ImageHWC, psfs: Float32Array, coef: Float32Array, m: number, k: number): Float32Array {
  const { height: H, width: W, channels: C } = img;
  const out = new Float32Array(H * W * C);
  const c0 = Math.floor(k / 2);
  for (let c = 0; c < C; c++)
    for (let qy = 0; qy < H; qy++)
      for (let qx = 0; qx < W; qx++) {
        const x = img.data[(qy * W + qx) * C + c] as number;
        for (let j = 0; j < m; j++) {
          const a = (coef[((c * m + j) * H + qy) * W + qx] as number) * x;
          if (a === 0) continue;
          for (let dy = 0; dy < k; dy++) {
            const py = qy + dy - c0;
            if (py < 0 || py >= H) continue;
            for (let dx = 0; dx < k; dx++) {
              const px = qx + dx - c0;
              if (px < 0 || px >= W) continue;
              out[(py * W + px) * C + c] += a * (psfs[((c * m + j) * k + dy) * k + dx] as number);
            }
          }
        }
      }
  return out;
}

describe("data: dataset generation", function () {
  this.timeout(120000);
  let basis: string;
  before(async () => {
    basis = await smallBasis();
  });

  it("is deterministic per seed (same seed: identical files; other seed: different pixels)", async () => {
    const a = tempDir("det-a");
    const b = tempDir("det-b");
    const c = tempDir("det-c");
    await generateDataset({ config: syntheticConfig(), basisFile: basis, outDir: a });
    await generateDataset({ config: syntheticConfig(), basisFile: basis, outDir: b });
    await generateDataset({ config: syntheticConfig({ seed: 8 }), basisFile: basis, outDir: c });
    const fa = filesUnder(a);
    const fb = filesUnder(b);
    assert.deepEqual([...fa.keys()].sort(), [...fb.keys()].sort());
    for (const [k, v] of fa) assert.ok(v.equals(fb.get(k) as Buffer), `${k} differs between identical runs`);
    const first = parquetFiles(a)[0] as string;
    assert.ok(!fs.readFileSync(path.join(a, first)).equals(fs.readFileSync(path.join(c, first))), "a different seed gave the same shard");
  });

  it("worker threads write the same bytes as the in-process path", async () => {
    const a = tempDir("thr-0");
    const b = tempDir("thr-2");
    await generateDataset({ config: syntheticConfig(), basisFile: basis, outDir: a, workers: 0 });
    await generateDataset({ config: syntheticConfig(), basisFile: basis, outDir: b, workers: 2 });
    for (const f of parquetFiles(a)) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f);
  });

  it("--shard i/N jobs are disjoint and together complete, equal to one job", async () => {
    const whole = tempDir("whole");
    await generateDataset({ config: syntheticConfig(), basisFile: basis, outDir: whole });
    const split = tempDir("split");
    const plan = makePlan(8, 25, 2);
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const before = new Set(parquetFiles(split));
      const r = await generateDataset({ config: syntheticConfig(), basisFile: basis, outDir: split, shard: parseShard(`${i}/3`) });
      const added = parquetFiles(split).filter((f) => !before.has(f));
      const expected = plan.units.filter((u) => u.id % 3 === i).length;
      assert.equal(added.length, expected, `job ${i}/3 wrote ${added.length} shards, expected ${expected}`);
      for (const f of added) {
        assert.ok(!seen.has(f), `${f} written by two jobs`);
        seen.add(f);
      }
      assert.equal(r.complete, i === 2);
      assert.equal(fs.existsSync(path.join(split, "README.md")), i === 2, "the card appears when the last shard is written");
    }
    const indices: number[] = [];
    for (const f of parquetFiles(split)) {
      assert.ok(fs.readFileSync(path.join(split, f)).equals(fs.readFileSync(path.join(whole, f))), `${f} differs from the single-job run`);
      for (const row of await readRows(path.join(split, f))) indices.push(Number(row.index));
    }
    assert.deepEqual(indices.sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a killed run (child process, SIGKILL midway) resumes with every sample exactly once", async function () {
    const ref = tempDir("kill-ref");
    const out = tempDir("kill");
    const cfg = syntheticConfig({ source: { type: "synthetic", count: 24, scenes: ["natural", "dead_leaves"] }, output: { shard_size: 2, row_group_size: 2, format: "both" } });
    const cfgFile = path.join(out, "..", `${path.basename(out)}.json`);
    fs.writeFileSync(cfgFile, JSON.stringify(cfg.tree));
    const script = `require(${JSON.stringify(path.resolve(__dirname, "../../src/data/generate/run.ts"))}).generateDataset({config: {tree: require(${JSON.stringify(cfgFile)}), name: "cfg"}, basisFile: ${JSON.stringify(basis)}, outDir: ${JSON.stringify(out)}, workers: 0})`;
    const child = spawn(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: path.resolve(__dirname, "../.."), env: { ...process.env, SVD_QUIET: "1" }, stdio: "ignore" });
    const firstShard = path.join(out, "data", "validation");
    const deadline = Date.now() + 60000;
    while (!(fs.existsSync(firstShard) && fs.readdirSync(firstShard).some((f) => f.endsWith(".parquet")))) {
      if (Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const partial = parquetFiles(out).length;
    const total = makePlan(24, 25, 2).units.length;
    assert.ok(partial >= 1 && partial < total, `kill should land midway (found ${partial} of ${total} shards)`);
    const r = await generateDataset({ config: cfg, basisFile: basis, outDir: out });
    assert.equal(r.unitsSkipped, partial);
    assert.ok(r.complete);
    await generateDataset({ config: cfg, basisFile: basis, outDir: ref });
    const indices: number[] = [];
    for (const f of parquetFiles(out)) {
      assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(ref, f))), `${f} differs from an uninterrupted run`);
      for (const row of await readRows(path.join(out, f))) indices.push(Number(row.index));
    }
    assert.deepEqual(indices.sort((x, y) => x - y), Array.from({ length: 24 }, (_, i) => i));
    const pngs = [...filesUnder(out).keys()].filter((f) => f.endsWith(".png"));
    assert.equal(pngs.length, 48, "24 gt + 24 blur PNGs in the folder layout");
    assert.deepEqual([...filesUnder(out).keys()].filter((f) => f.includes(".tmp-")), [], "no temp files left");
  });

  it("parquet shards read back (hyparquet and, independently, parquet-wasm + Arrow) to the rendered pixels", async () => {
    const out = tempDir("readback");
    const cfg = syntheticConfig({ noise: { type: "none" } });
    await generateDataset({ config: cfg, basisFile: basis, outDir: out });
    const loaded = loadGenerationConfig(cfg);
    const blurOp = await createBasisBlur(basis, {});
    const plan = makePlan(8, 25, 2);
    const source = makeSource(loaded.value, blurOp);
    const shard = path.join(out, "data/train/train-00001-of-00003.parquet");
    const bytes = fs.readFileSync(shard);
    const rows = await readRows(shard);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pw = require("parquet-wasm");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { tableFromIPC } = require("apache-arrow");
    const table = tableFromIPC(pw.readParquet(new Uint8Array(bytes)).intoIPCStream());
    assert.equal(table.numRows, rows.length);
    assert.match(String(table.schema.fields[0]), /gt: Struct<\{bytes:Binary, path:Utf8\}>/);
    const basisArrays = await readBasisFile(basis);
    for (let r = 0; r < rows.length; r++) {
      const index = Number(rows[r]!.index);
      const expected = await renderSample(loaded.value, plan, source, blurOp, index);
      const arrowRow = table.get(r).toJSON();
      assert.equal(Number(arrowRow.index), index);
      for (const [key, img] of [["gt", expected.gt], ["blur", expected.blur]] as const) {
        const viaHyparquet = (await decodeImage(rows[r]![key].bytes)).image;
        const viaArrow = (await decodeImage(arrowRow[key].bytes)).image;
        const q = quantize(img, 8);
        for (let i = 0; i < q.length; i++) {
          assert.equal(Math.round(viaHyparquet.data[i]! * 255), q[i], `${key} pixel ${i} (hyparquet)`);
          assert.equal(Math.round(viaArrow.data[i]! * 255), q[i], `${key} pixel ${i} (arrow)`);
        }
      }
      // the blur is the spatially varying scatter of the basis (naive reference), up to 8-bit rounding
      const ref = scatterReference(expected.gt, basisArrays.psfs.data, basisArrays.coef.data, 16, 7);
      const stored = (await decodeImage(rows[r]!.blur.bytes)).image;
      for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(stored.data[i]! - Math.min(1, Math.max(0, ref[i]!))) <= 0.5 / 255 + 1e-4, `blur pixel ${i}`);
      const params = JSON.parse(rows[r]!.params);
      assert.equal(rows[r]!.seed, `7/sample:${index}`);
      assert.equal(params.blur.basis_count, 16);
      assert.deepEqual(params.noise, { type: "none" });
    }
    const kv = JSON.parse(table.schema.metadata.get("huggingface"));
    assert.equal(kv.info.features.gt._type, "Image");
  });

  it("records drawn noise parameters per sample (gaussian, poisson_gaussian, qis binary frames)", async () => {
    for (const noise of [
      { type: "gaussian", sigma: [0.01, 0.03] },
      { type: "poisson_gaussian", peak: [100, 200], read_sigma: 0.01 },
      { type: "qis", qis: { bits: 1, frames: 1, lux: 2 } },
    ]) {
      const out = tempDir(`noise-${noise.type}`);
      await generateDataset({ config: syntheticConfig({ noise, source: { type: "synthetic", count: 2 }, val_perc: 0 }), basisFile: basis, outDir: out });
      const rows = await readRows(path.join(out, parquetFiles(out)[0] as string));
      const p = JSON.parse(rows[0]!.params).noise;
      assert.equal(p.type, noise.type);
      if (noise.type === "gaussian") assert.ok(p.sigma >= 0.01 && p.sigma < 0.03);
      if (noise.type === "poisson_gaussian") assert.ok(p.peak >= 100 && p.peak < 200 && p.read_sigma === 0.01);
      if (noise.type === "qis") {
        const img = (await decodeImage(rows[0]!.blur.bytes)).image;
        assert.ok(img.data.every((v) => v === 0 || v === 1), "1-bit single-frame QIS is binary");
      }
    }
  });

  describe("bad inputs", () => {
    it("a missing basis file is a clear error and leaves the output folder untouched", async () => {
      const out = tempDir("nobasis");
      fs.writeFileSync(path.join(out, "keep.txt"), "x");
      await assert.rejects(generateDataset({ config: syntheticConfig(), basisFile: path.join(out, "missing.h5"), outDir: out }), (e: Error) => e instanceof InputFileError && /missing\.h5: basis file not found/.test(e.message));
      assert.deepEqual([...filesUnder(out).keys()], ["keep.txt"]);
    });

    async function folderWith(bad: "small" | "corrupt"): Promise<string> {
      const dir = tempDir(`src-${bad}`);
      for (let i = 0; i < 5; i++) {
        const raw = Buffer.alloc(40 * 48 * 3, 40 * i + 10);
        await sharp(raw, { raw: { width: 48, height: 40, channels: 3 } }).png().toFile(path.join(dir, `img${i}.png`));
      }
      if (bad === "small") await sharp(Buffer.alloc(10 * 12 * 3, 99), { raw: { width: 12, height: 10, channels: 3 } }).png().toFile(path.join(dir, "img5.png"));
      else fs.writeFileSync(path.join(dir, "img5.png"), Buffer.concat([fs.readFileSync(path.join(dir, "img0.png")).subarray(0, 60)]));
      return dir;
    }

    for (const bad of ["small", "corrupt"] as const) {
      it(`${bad === "small" ? "an image smaller than the crop" : "a corrupt image"} names the file and keeps the shards already written`, async () => {
        const src = await folderWith(bad);
        const out = tempDir(`out-${bad}`);
        const cfg = syntheticConfig({ source: { type: "folder", path: src }, val_perc: 0, output: { shard_size: 1, row_group_size: 1 } });
        await assert.rejects(generateDataset({ config: cfg, basisFile: basis, outDir: out }), (e: Error) => {
          assert.ok(e instanceof InputFileError, `${e.name}: ${e.message}`);
          assert.match(e.message, /img5\.png/);
          assert.match(e.message, bad === "small" ? /10x12 is smaller than the crop 32x32/ : /cannot decode|corrupt/);
          return true;
        });
        const written = parquetFiles(out);
        assert.deepEqual(written, [0, 1, 2, 3, 4].map((k) => `data/train/train-0000${k}-of-00006.parquet`));
        assert.ok(!fs.existsSync(path.join(out, "README.md")));
      });
    }
  });

  it("reads 16-bit PNG and TIFF sources at full precision", async () => {
    const dir = tempDir("src16");
    const v = new Uint16Array(40 * 40 * 3);
    for (let i = 0; i < v.length; i++) v[i] = (i * 2654435761) % 65536;
    await sharp(v, { raw: { width: 40, height: 40, channels: 3 } }).toColourspace("rgb16").png().toFile(path.join(dir, "a.png"));
    // 16-bit TIFF written by scikit-image (tifffile): /usr/bin/python3 -c "import numpy as np, skimage.io; ..." (below)
    const tif = path.join(dir, "b.tif");
    const { execFileSync } = await import("node:child_process");
    execFileSync("/usr/bin/python3", ["-c", `import numpy as np, skimage.io; a=(np.arange(40*40*3,dtype=np.uint64)*2654435761%65536).astype(np.uint16).reshape(40,40,3); skimage.io.imsave(${JSON.stringify(tif)}, a, check_contrast=False)`]);
    for (const f of ["a.png", "b.tif"]) {
      const d = await decodeImage(fs.readFileSync(path.join(dir, f)), f);
      assert.equal(d.bitDepth, 16, f);
      for (let i = 0; i < v.length; i += 97) assert.equal(Math.round(d.image.data[i]! * 65535), v[i], `${f} value ${i}`);
    }
  });
});
