import { strict as assert } from "node:assert";
import { besselJ0, besselJ1, besselJ, airyIntensity, airyFirstZeroUm, airyEncircledEnergy, BESSEL_J1_FIRST_ZERO } from "../../src/optics/airy";

describe("optics/airy Bessel references", () => {
  // Golden values from Debian's SciPy:
  // /usr/bin/python3 -c "from scipy.special import j0,j1,jv; print(repr(j1(1)),repr(j1(2)),repr(j1(5)),repr(j1(10)),repr(j1(25.5)),repr(j0(1)),repr(jv(3,4.2)))"
  // (J0's first zero 2.404825557695773 from Abramowitz & Stegun Table 9.5.)
  const known: [number, number, number][] = [
    [1, 1.0, 0.44005058574493355],
    [1, 2.0, 0.5767248077568734],
    [1, 5.0, -0.3275791375914653],
    [1, 10.0, 0.04347274616886141],
    [1, 25.5, -0.06204853649148395],
    [0, 1.0, 0.7651976865579665],
    [0, 2.404825557695773, 0],
    [3, 4.2, 0.4343942763872008],
  ];
  for (const [n, x, v] of known)
    it(`J${n}(${x}) = ${v}`, () => assert.ok(Math.abs(besselJ(n, x) - v) < 1e-13, `${besselJ(n, x)}`));

  it("J1 vanishes at its first zero and is odd; J1'(0) = 1/2", () => {
    assert.ok(Math.abs(besselJ1(BESSEL_J1_FIRST_ZERO)) < 1e-14);
    assert.ok(Math.abs(besselJ1(-2.7) + besselJ1(2.7)) < 1e-15);
    assert.ok(Math.abs(besselJ1(1e-6) / 1e-6 - 0.5) < 1e-9);
    assert.equal(besselJ0(0), 1);
  });

  it("Airy helpers: first zero 1.22 lambda N, unit peak, encircled energy 83.8% at the first ring", () => {
    assert.ok(Math.abs(airyFirstZeroUm(550, 4) - 1.21967 * 0.55 * 4) < 1e-4);
    assert.equal(airyIntensity(0, 550, 4), 1);
    assert.ok(airyIntensity(airyFirstZeroUm(550, 4), 550, 4) < 1e-28);
    assert.ok(Math.abs(airyEncircledEnergy(airyFirstZeroUm(550, 4), 550, 4) - 0.8378) < 1e-4);
  });
});
