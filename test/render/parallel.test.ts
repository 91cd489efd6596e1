import { strict as assert } from "node:assert";
import { Rng } from "../../src/util/rng";
import { FftRenderer, FftRenderPool, renderDense, basisPsfField, type RenderOptions } from "../../src/render";

function rand(rng: Rng, shape: number[], lo: number, hi: number) {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => rng.uniform(lo, hi)), shape };
}

describe("render: FftRenderPool (worker threads)", function () {
  this.timeout(60000);
  it("gives the single-thread result bit for bit (several bands, every boundary/output/form) and matches the dense reference", async () => {
    const rng = new Rng("pool");
    const image = rand(rng, [2, 23, 19], 0, 1);
    const basis = rand(rng, [2, 3, 5, 5], -0.2, 1);
    const coef = rand(rng, [2, 3, 23, 19], -1, 1);
    const variants: RenderOptions[] = [{}, { output: "full" }, { boundary: "circular" }, { form: "gather" }, { form: "gather", boundary: "circular" }];
    for (const v of variants) {
      // Tiles of 12 -> blocks of 8 rows: 3 bands per channel.
      const opts = { ...v, tileSize: 12 };
      const pool = await FftRenderPool.start(basis, opts, 2);
      try {
        assert.equal(pool.threads, 2);
        const one = new FftRenderer(basis, opts).render(image, coef);
        const many = await pool.render(image, coef);
        assert.deepEqual(many.shape, one.shape);
        assert.ok(Buffer.from(many.data.buffer).equals(Buffer.from(one.data.buffer)), `bit-identical (${JSON.stringify(v)})`);
        const dense = renderDense(image, basisPsfField(basis, coef), v);
        let d = 0;
        let s = 0;
        dense.data.forEach((x, i) => {
          d += (x - (many.data[i] as number)) ** 2;
          s += x * x;
        });
        assert.ok(Math.sqrt(d / s) < 1e-6);
        // Bad input: the usual error, from the main thread.
        await assert.rejects(pool.render(image, { data: coef.data, shape: [2, 3, 23, 20] }), /argument 'coef'/);
      } finally {
        await pool.close();
      }
    }
  });
});
