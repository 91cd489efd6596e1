import { strict as assert } from "node:assert";
import { AxisFft, axisFftPlan, fftPlan } from "../../src/fft";

describe("fft: one plan cache for both paths", () => {
  it("hands out one plan per kind, length and direction, built on first use", () => {
    assert.equal(fftPlan(48), fftPlan(48));
    assert.notEqual(fftPlan(48), fftPlan(64));
    const f = axisFftPlan(60, -1);
    assert.ok(f instanceof AxisFft && f.n === 60 && f.sign === -1);
    assert.equal(axisFftPlan(60, -1), f);
    assert.notEqual(axisFftPlan(60, 1), f, "the inverse is its own plan");
    assert.equal(axisFftPlan(60, 1).sign, 1);
  });

  it("a cached axis plan transforms like a fresh one (plans keep no state between calls)", () => {
    const n = 12, stride = 3;
    const run = (plan: AxisFft) => {
      const a = { re: Float64Array.from({ length: n * stride }, (_, i) => Math.sin(i)), im: Float64Array.from({ length: n * stride }, (_, i) => Math.cos(3 * i)) };
      const b = { re: new Float64Array(n * stride), im: new Float64Array(n * stride) };
      const r = plan.run(a, b, stride, stride);
      return [...r.re, ...r.im];
    };
    const cached = axisFftPlan(n, -1);
    run(cached);
    assert.deepEqual(run(cached), run(new AxisFft(n, -1)));
  });
});
