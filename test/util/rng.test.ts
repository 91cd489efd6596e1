import { strict as assert } from "node:assert";
import { Rng } from "../../src/util/rng";

describe("Rng", () => {
  it("is deterministic per seed and differs across seeds and forks", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    assert.deepEqual(sa, Array.from({ length: 5 }, () => b.nextUint32()));
    assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.nextUint32()));
    assert.notEqual(new Rng(1).fork("x").random(), new Rng(1).fork("y").random());
    assert.equal(new Rng(1).fork("x").random(), new Rng(1).fork("x").random());
  });
  it("has the moments of its distributions", () => {
    const r = new Rng("moments");
    const n = 200000;
    let s = 0, s2 = 0, u = 0, p = 0, pl = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal(); s += x; s2 += x * x;
      u += r.random();
      p += r.poisson(3.5);
      pl += r.poisson(120);
    }
    assert.ok(Math.abs(s / n) < 0.01, `normal mean ${s / n}`);
    assert.ok(Math.abs(s2 / n - 1) < 0.015, `normal var ${s2 / n}`);
    assert.ok(Math.abs(u / n - 0.5) < 0.005);
    assert.ok(Math.abs(p / n - 3.5) < 0.03, `poisson mean ${p / n}`);
    assert.ok(Math.abs(pl / n - 120) < 0.2, `poisson(120) mean ${pl / n}`);
  });
});
