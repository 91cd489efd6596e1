/**
 * Every notebook under notebooks/ runs top to bottom in pure Node (tslab's executor, one child
 * process each) and shows the MIME types it declares (metadata.svd.expected_mime). New notebooks
 * are picked up automatically. The runner itself is checked on fixtures that fail on purpose.
 * Needs the built library (dist/): `npm test` builds first.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { findNotebooks, missingMime, notebookSettings, REPO, runNotebook } from "../../tools/notebooks/notebooks";

const FIXTURES = path.join(__dirname, "fixtures");
/** nbformat text is a string or a list of lines. */
const textOf = (t: string | string[]): string => (Array.isArray(t) ? t.join("") : t);
const OUT = path.join(REPO, "test-output", "notebooks");

describe("notebooks (pure-Node runner)", function () {
  before(function () {
    assert.ok(fs.existsSync(path.join(REPO, "dist", "index.js")), "dist/index.js is missing: run `npm run build` (npm test does)");
  });

  const notebooks = findNotebooks();
  it("finds the curated notebooks, the tour first", function () {
    assert.ok(notebooks.length >= 1);
    assert.equal(path.relative(REPO, notebooks[0]!), path.join("notebooks", "00-tour.ipynb"));
  });

  for (const nb of notebooks) {
    const rel = path.relative(REPO, nb);
    it(`runs ${rel} and shows its declared outputs`, async function () {
      const settings = notebookSettings(nb);
      this.timeout((settings.timeoutS + 30) * 1000);
      const r = await runNotebook(nb, { timeoutS: settings.timeoutS });
      assert.ok(r.ok, `${rel} failed:\n${r.report}`);
      const missing = missingMime(r, settings.expectedMime);
      assert.deepEqual(missing, [], `${rel}: missing outputs ${missing.join(", ")}; found ${[...r.mimeTypes].join(", ")}`);
      // The executed copy is a valid notebook with every code cell executed, in order.
      const executed = JSON.parse(fs.readFileSync(r.executed, "utf8"));
      const counts = executed.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((c: { execution_count: number }) => c.execution_count);
      assert.deepEqual(counts, counts.map((_: unknown, i: number) => i + 1));
      assert.equal(executed.metadata.svd.executed.ok, true);
    });
  }

  describe("runner behaviour", function () {
    this.timeout(60_000);

    it("stops at the first failing cell and reports its source and message", async function () {
      const r = await runNotebook(path.join(FIXTURES, "throws.ipynb"), { executed: path.join(OUT, "throws.ipynb") });
      assert.equal(r.ok, false);
      assert.match(r.report, /cell 2 \(cell index 1\) failed/);
      assert.match(r.report, /boom\(\);/);
      assert.match(r.report, /deliberate failure in cell 2/);
      const executed = JSON.parse(fs.readFileSync(r.executed, "utf8"));
      assert.equal(textOf(executed.cells[0].outputs[0].text), "x is 2\n");
      assert.equal(executed.cells[1].outputs.at(-1).output_type, "error");
      assert.deepEqual(executed.cells[2].outputs, [], "cells after the failure are not run");
      assert.equal(executed.metadata.svd.executed.ok, false);
    });

    it("reports TypeScript type errors", async function () {
      const r = await runNotebook(path.join(FIXTURES, "type-error.ipynb"), { executed: path.join(OUT, "type-error.ipynb") });
      assert.equal(r.ok, false);
      assert.match(r.report, /Type 'number' is not assignable to type 'string'/);
    });

    it("records multi-MIME displays, in-place updates and top-level await", async function () {
      const r = await runNotebook(path.join(FIXTURES, "displays.ipynb"), { executed: path.join(OUT, "displays.ipynb") });
      assert.ok(r.ok, r.report);
      const nb = JSON.parse(fs.readFileSync(r.executed, "utf8"));
      const vl = nb.cells[0].outputs[0];
      assert.equal(vl.output_type, "display_data");
      assert.equal(typeof vl.data["application/vnd.vegalite.v5+json"], "object", "Vega-Lite is stored as JSON, not a string");
      assert.equal(vl.data["application/vnd.vegalite.v5+json"].mark, "point");
      assert.ok(vl.data["text/plain"]);
      // The live display is one output showing the last update.
      assert.equal(nb.cells[1].outputs.length, 1);
      assert.equal(nb.cells[1].outputs[0].data["text/plain"], "second");
      assert.equal(textOf(nb.cells[2].outputs[0].text), "42\n");
    });
  });
});
