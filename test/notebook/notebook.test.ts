import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeImage } from "../../src/array";
import { absDiff, FigureExporter, relativeL2, SVD_BIN } from "../../src/notebook";
import { metricTable } from "../../src/viz";

describe("notebook helpers", () => {
  it("relativeL2 is ||x - ref|| / ||ref||", () => {
    // ref (3, 4): norm 5; x - ref = (0, 5): norm 5.
    assert.equal(relativeL2({ data: new Float32Array([3, 9]), shape: [2] }, { data: new Float32Array([3, 4]), shape: [2] }), 1);
    assert.throws(() => relativeL2({ data: new Float32Array(2), shape: [2] }, { data: new Float32Array(3), shape: [3] }), /argument 'reference'.*2 values.*3 values/);
  });

  it("absDiff keeps the form of its first argument", () => {
    const d = absDiff(makeImage(1, 2, 1, new Float32Array([0.25, 1])), makeImage(1, 2, 1, new Float32Array([1, 0.5])));
    assert.deepEqual([d.height, d.width, d.channels], [1, 2, 1]);
    assert.deepEqual(Array.from(d.data), [0.75, 0.5]);
    const p = absDiff({ data: new Float32Array([1, -1]), shape: [1, 1, 2] }, { data: new Float32Array([0, 1]), shape: [1, 1, 2] });
    assert.deepEqual([...p.shape], [1, 1, 2]);
    assert.deepEqual(Array.from(p.data), [1, 2]);
  });

  it("FigureExporter writes each format and lists the files", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-export-"));
    try {
      const ex = new FigureExporter(dir);
      await ex.save(metricTable([{ a: 1 }]), "t", [".md", ".html"]);
      assert.deepEqual(ex.files.map((f) => path.basename(f)), ["t.md", "t.html"]);
      assert.match(fs.readFileSync(path.join(dir, "t.md"), "utf8"), /\| a \|/);
      const lines = ex.listing(dir, 10);
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^t\.md  \d+\.\d KiB$/);
      fs.writeFileSync(path.join(dir, "empty.svg"), "");
      ex.files.push(path.join(dir, "empty.svg"));
      assert.throws(() => ex.listing(dir, 10), /empty\.svg: only 0 bytes/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds bin/svd.js of this checkout", () => {
    assert.ok(fs.existsSync(SVD_BIN), SVD_BIN);
  });
});
