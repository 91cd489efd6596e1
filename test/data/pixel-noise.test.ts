import { strict as assert } from "node:assert";
import { logFactorial, PixelStream } from "../../src/data/pixel-noise";
import { logGamma, Rng } from "../../src/util/rng";

/** Pearson χ² of `n` draws against the Poisson(λ) pmf, tail bins merged so every expected count ≥ 5. */
function chiSquare(counts: Map<number, number>, lambda: number, n: number): { chi2: number; dof: number } {
  const pmf = (k: number) => Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));
  let lo = Math.floor(lambda);
  while (lo > 0 && n * pmf(lo - 1) >= 5) lo--;
  let hi = Math.floor(lambda);
  while (n * pmf(hi + 1) >= 5) hi++;
  let chi2 = 0;
  let below = 0;
  let obsBelow = 0;
  for (let k = 0; k < lo; k++) (below += pmf(k)), (obsBelow += counts.get(k) ?? 0);
  let above = 1 - below;
  let obsAbove = n - obsBelow;
  for (let k = lo; k <= hi; k++) {
    const e = n * pmf(k);
    const o = counts.get(k) ?? 0;
    chi2 += (o - e) ** 2 / e;
    above -= pmf(k);
    obsAbove -= o;
  }
  let bins = hi - lo + 1;
  if (lo > 0) (chi2 += (obsBelow - n * below) ** 2 / (n * below)), bins++;
  if (n * above > 1e-9) (chi2 += (obsAbove - n * above) ** 2 / (n * above)), bins++;
  return { chi2, dof: bins - 1 };
}

describe("data/pixel-noise: PixelStream", () => {
  it("logFactorial matches Python's math.lgamma(k + 1)", () => {
    // golden: /usr/bin/python3 -c "import math; print([math.lgamma(k+1) for k in (0,1,5,9,10,11,50,1000)])"
    const golden = [0.0, 0.0, 4.787491742782047, 12.801827480081467, 15.104412573075514, 17.502307845873887, 148.47776695177305, 5912.128178488163];
    [0, 1, 5, 9, 10, 11, 50, 1000].forEach((k, i) => assert.ok(Math.abs(logFactorial(k) - golden[i]!) <= 1e-11 * Math.max(1, golden[i]!), `log ${k}!`));
  });

  it("is a pure function of the seeding Rng", () => {
    const a = new PixelStream(new Rng("x"));
    const b = new PixelStream(new Rng("x"));
    const c = new PixelStream(new Rng("y"));
    const da = Array.from({ length: 100 }, () => a.poisson(37.5));
    assert.deepEqual(da, Array.from({ length: 100 }, () => b.poisson(37.5)));
    assert.notDeepEqual(da, Array.from({ length: 100 }, () => c.poisson(37.5)));
  });

  it("uniforms lie in [0, 1) with mean 1/2 and variance 1/12", () => {
    const s = new PixelStream(new Rng(1));
    const n = 200000;
    let m = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const u = s.uniform();
      assert.ok(u >= 0 && u < 1);
      m += u;
      v += u * u;
    }
    m /= n;
    assert.ok(Math.abs(m - 0.5) < 0.003 && Math.abs(v / n - m * m - 1 / 12) < 0.002);
  });

  // both branches (inversion below λ = 10, PTRS from 10) and the switch point; χ² against the exact
  // pmf (critical value of χ²(dof) at p = 0.001 bounded by dof + 4.5·sqrt(2·dof) + 6)
  for (const lambda of [0.05, 0.7, 3, 9.99, 10, 14.2, 60, 400, 950]) {
    it(`Poisson(${lambda}) matches the pmf (χ²) and has mean = variance = λ`, () => {
      const s = new PixelStream(new Rng(`p${lambda}`));
      const n = 100000;
      const counts = new Map<number, number>();
      let m = 0;
      let m2 = 0;
      for (let i = 0; i < n; i++) {
        const k = s.poisson(lambda);
        assert.ok(Number.isInteger(k) && k >= 0);
        counts.set(k, (counts.get(k) ?? 0) + 1);
        m += k;
        m2 += k * k;
      }
      m /= n;
      const v = m2 / n - m * m;
      const se = Math.sqrt(lambda / n);
      assert.ok(Math.abs(m - lambda) < 5 * se, `mean ${m}`);
      assert.ok(Math.abs(v / lambda - 1) < 5 * Math.sqrt(2 / n) + 5 / n / lambda, `variance ${v}`);
      const { chi2, dof } = chiSquare(counts, lambda, n);
      assert.ok(chi2 < dof + 4.5 * Math.sqrt(2 * dof) + 6, `χ² ${chi2.toFixed(1)} with ${dof} dof`);
    });
  }

  it("normals have mean 0, variance 1 and a normal tail mass", () => {
    const s = new PixelStream(new Rng(4));
    const n = 200000;
    let m = 0;
    let v = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const z = s.normal();
      m += z;
      v += z * z;
      if (Math.abs(z) > 1.959964) tail++;
    }
    assert.ok(Math.abs(m / n) < 0.01 && Math.abs(v / n - 1) < 0.015 && Math.abs(tail / n - 0.05) < 0.003);
  });
});
