import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { readImage, writeImage } from "../../src/io/image";
import { gridFromArray, pcaBasis, writeBasisFile, readBasisFile } from "../../src/basis";
import { renderFft } from "../../src/render";
import { imageToPlanar } from "../../src/array";
import { Rng } from "../../src/util/rng";

describe("svd render CLI", function () {
  this.timeout(60000);
  it("renders a PNG with a basis file into a 16-bit PNG equal to the library result", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-render-"));
    try {
      const rng = new Rng("cli");
      const psfs = Float32Array.from({ length: 3 * 3 * 3 * 25 }, () => rng.random() / 25);
      const basis = await pcaBasis(gridFromArray({ data: psfs, shape: [3, 3, 3, 5, 5] }, { height: 20, width: 24 }), { components: 2 });
      const bfile = path.join(dir, "PSFs_with_basis.h5");
      await writeBasisFile(bfile, basis, { dtype: "float32" });
      const img = { data: Float32Array.from({ length: 20 * 24 * 3 }, () => rng.random()), height: 20, width: 24, channels: 3 };
      await writeImage(path.join(dir, "in.png"), img);
      process.env.SVD_QUIET = "1";
      assert.equal(await main(["node", "svd", "render", "--basis", bfile, "--input", path.join(dir, "in.png"), "--out", path.join(dir, "out.png"), "--bit-depth", "16"]), 0);
      const out = await readImage(path.join(dir, "out.png"));
      assert.equal(out.bitDepth, 16);
      const input = await readImage(path.join(dir, "in.png"));
      const b = await readBasisFile(bfile);
      const ref = renderFft(imageToPlanar(input), b.psfs, b.coef);
      for (let y = 0; y < 20; y++)
        for (let x = 0; x < 24; x++)
          for (let c = 0; c < 3; c++) {
            const r = Math.min(1, Math.max(0, ref.data[(c * 20 + y) * 24 + x]!));
            assert.ok(Math.abs(out.data[(y * 24 + x) * 3 + c]! - r) <= 1 / 65535 + 1e-6);
          }
      // A pool of 2 (over the 3 channel jobs) is bit-identical to one thread (auto: 1 thread for so small a render).
      assert.equal(await main(["node", "svd", "render", "--basis", bfile, "--input", path.join(dir, "in.png"), "--out", path.join(dir, "two.png"), "--bit-depth", "16", "--threads", "2"]), 0);
      assert.ok(fs.readFileSync(path.join(dir, "two.png")).equals(fs.readFileSync(path.join(dir, "out.png"))), "--threads 2 and 1 give the same file");
      assert.equal(await main(["node", "svd", "render", "--basis", bfile, "--input", path.join(dir, "in.png"), "--out", path.join(dir, "zero.png"), "--threads", "0"]), 1);
      assert.ok(!fs.existsSync(path.join(dir, "zero.png")));
      // Wrong image size: a clear error, no output.
      await writeImage(path.join(dir, "small.png"), { data: new Float32Array(10 * 10 * 3), height: 10, width: 10, channels: 3 });
      assert.equal(await main(["node", "svd", "render", "--basis", bfile, "--input", path.join(dir, "small.png"), "--out", path.join(dir, "bad.png")]), 1);
      assert.ok(!fs.existsSync(path.join(dir, "bad.png")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
