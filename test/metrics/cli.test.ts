import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { writeImage } from "../../src/io/image";
import { H5File } from "../../src/io/hdf5";
import { slantedEdgeTarget, gaussianMtf } from "../../src/metrics";

const FIX = path.join(__dirname, "..", "fixtures", "metrics");
const golden = JSON.parse(fs.readFileSync(path.join(FIX, "golden.json"), "utf8")) as { pairs: Array<Record<string, any>> };
const pair = (name: string) => golden.pairs.find((p) => p.name === name)!;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  let out = "";
  let err = "";
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(["node", "svd", ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

describe("svd metrics / svd mtf", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-metrics-cli-"));
    process.env.SVD_QUIET = "1";
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.SVD_QUIET;
  });

  function folders(name: string, files: Array<[string, string, string]>): { gt: string; pred: string } {
    const gt = path.join(dir, name, "GT");
    const pred = path.join(dir, name, "Method_A");
    fs.mkdirSync(gt, { recursive: true });
    fs.mkdirSync(pred, { recursive: true });
    for (const [fixture, gtName, predName] of files) {
      fs.copyFileSync(path.join(FIX, `${fixture}_gt${path.extname(gtName)}`), path.join(gt, gtName));
      fs.copyFileSync(path.join(FIX, `${fixture}_pred${path.extname(predName)}`), path.join(pred, predName));
    }
    return { gt, pred };
  }

  it("pairs by name across extensions, writes the per-image CSV, prints mean ± std and a LaTeX row", async () => {
    const { gt, pred } = folders("ok", [
      ["rgb_noise", "img1.png", "img1.png"],
      ["rgb16", "img2.tif", "img2.tif"],
    ]);
    const r = await run(["metrics", "--gt", gt, "--pred", pred]);
    assert.equal(r.code, 0, r.err);
    const csv = fs.readFileSync(path.join(pred, "metrics.csv"), "utf8").trim().split("\n");
    assert.equal(csv[0], "name,psnr,ssim,msssim,mae,mse");
    const rows = csv.slice(1).map((l) => l.split(","));
    assert.deepEqual(rows.map((r) => r[0]), ["img1", "img2"]);
    const g1 = pair("rgb_noise");
    const g2 = pair("rgb16");
    assert.ok(Math.abs(Number(rows[0]![1]) - g1.psnr) < 1e-4 && Math.abs(Number(rows[0]![2]) - g1.ssim) < 1e-4);
    assert.ok(Math.abs(Number(rows[1]![1]) - g2.psnr) < 1e-4 && Math.abs(Number(rows[1]![2]) - g2.ssim) < 1e-4);
    assert.equal(rows[0]![3], "nan", "MS-SSIM needs 176 px");
    const meanPsnr = (g1.psnr + g2.psnr) / 2;
    const stdPsnr = Math.abs(g1.psnr - g2.psnr) / 2;
    assert.match(r.out, new RegExp(`psnr\\s+${meanPsnr.toFixed(3)} ± ${stdPsnr.toFixed(3)}`));
    assert.match(r.out, new RegExp(`Method\\\\_A & ${meanPsnr.toFixed(4)} & ${((g1.ssim + g2.ssim) / 2).toFixed(4)} & -- & `));
    assert.ok(!fs.readdirSync(pred).some((f) => f.includes(".tmp-")), "no temp files left");
  });

  it("--resize --match-histogram --crop 1 reproduces the original script's numbers", async () => {
    const { gt, pred } = folders("protocol", [["rgb_noise", "a.png", "a.png"]]);
    const g = pair("rgb_noise").protocol;
    const r = await run(["metrics", "--gt", gt, "--pred", pred, "--resize", String(g.size), "--match-histogram", "--crop", "1", "--json"]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(Math.abs(j.images[0].scores.psnr - g.psnr) < 1e-4, `${j.images[0].scores.psnr} vs ${g.psnr}`);
    assert.ok(Math.abs(j.images[0].scores.ssim - g.ssim) < 1e-4);
  });

  it("fails clearly: unpaired files, size mismatch, unreadable image, missing folder, bad options", async () => {
    const un = folders("unpaired", [
      ["rgb_noise", "a.png", "a.png"],
      ["rgb_blur", "b.png", "c.png"],
    ]);
    let r = await run(["metrics", "--gt", un.gt, "--pred", un.pred]);
    assert.equal(r.code, 1);
    assert.match(r.err, /unpaired images.*only in .*GT: b\.png; only in .*Method_A: c\.png/);

    const mm = folders("mismatch", [["rgb_noise", "a.png", "a.png"]]);
    fs.copyFileSync(path.join(FIX, "rgb_blur_pred.png"), path.join(mm.pred, "a.png"));
    r = await run(["metrics", "--gt", mm.gt, "--pred", mm.pred]);
    assert.match(r.err, /size mismatch: .*GT\/a\.png \(72x96x3\) vs .*Method_A\/a\.png \(64x80x3\) \(use --resize N/);
    r = await run(["metrics", "--gt", mm.gt, "--pred", mm.pred, "--resize", "64"]);
    assert.equal(r.code, 0, r.err);

    const bad = folders("bad", [["rgb_noise", "a.png", "a.png"]]);
    fs.writeFileSync(path.join(bad.pred, "a.png"), "garbage");
    r = await run(["metrics", "--gt", bad.gt, "--pred", bad.pred]);
    assert.match(r.err, /Method_A\/a\.png: not a readable image/);

    r = await run(["metrics", "--gt", path.join(dir, "nope"), "--pred", bad.pred]);
    assert.match(r.err, /nope: ground-truth folder not found/);
    r = await run(["metrics", "--gt", bad.gt, "--pred", bad.pred, "--crop", "-1"]);
    assert.match(r.err, /argument '--crop': expected a non-negative integer/);
    r = await run(["metrics", "--gt", bad.gt, "--pred", bad.pred, "--channel", "lab"]);
    assert.match(r.err, /argument '--channel'/);
  });

  it("svd mtf --edge measures a blurred slanted edge (16-bit PNG)", async () => {
    const f = path.join(dir, "edge.png");
    await writeImage(f, slantedEdgeTarget({ height: 100, width: 100, angleDeg: 5, sigmaPx: 1 }), { bitDepth: 16 });
    const csv = path.join(dir, "edge.csv");
    const r = await run(["mtf", "--edge", f, "--pixel-pitch-um", "2", "--json", "--out", csv]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(Math.abs(j.angleDeg - 5) < 0.05);
    j.freqCyPx.forEach((fr: number, i: number) => {
      if (fr <= 0.5) assert.ok(Math.abs(j.mtf[i] - gaussianMtf(fr, 1)) < 0.02);
    });
    assert.ok(Math.abs(j.summary.mtf50CyPerMm - j.summary.mtf50 / 2e-3) < 1e-9);
    assert.match(fs.readFileSync(csv, "utf8"), /^freq_cy_px,freq_cy_mm,mtf\n0,0,1\n/);
    const text = await run(["mtf", "--edge", f]);
    assert.match(text.out, /vertical edge, tilt 5\.00 deg/);
  });

  it("svd mtf --psfs summarises the field per channel", async () => {
    const k = 16;
    const file = path.join(dir, "psfs.h5");
    const data = new Float32Array(1 * 1 * 2 * 2 * k * k);
    for (let g = 0; g < 4; g++)
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++) data[g * k * k + y * k + x] = Math.exp(-((x - 8) ** 2 + (y - 8) ** 2) / (2 * (1 + g * 0.2) ** 2));
    const h5 = await H5File.open(file, "w");
    h5.write("psfs", data, [1, 1, 2, 2, k, k], { dtype: "float16" });
    h5.close();
    const out = path.join(dir, "map.csv");
    const r = await run(["mtf", "--psfs", file, "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2x2 grid \(sampled 2x2\), kernel 16/);
    // No positions in the file: the cells of a 2x2 tiling, all four at the same distance from the
    // axis, so centre, edge and mean are one average of the four (different) PSFs.
    const row = /^\s+0\s+-\s+([\d.]+) \/ ([\d.]+) \/ ([\d.]+)\s+([\d.]+) \/ ([\d.]+) \/ ([\d.]+)\s+\(centre 4 pt, edge 4 pt\)$/m.exec(r.out);
    assert.ok(row, r.out);
    assert.equal(new Set(row.slice(1, 4)).size, 1, `tangential centre/edge/mean agree: ${row[0]}`);
    assert.equal(fs.readFileSync(out, "utf8").trim().split("\n").length, 5);
    const both = await run(["mtf", "--psfs", file, "--edge", "x.png"]);
    assert.match(both.err, /exactly one of them/);
    const none = await run(["mtf"]);
    assert.match(none.err, /exactly one of them, found string "neither"/);
  });
});
