import { strict as assert } from "node:assert";
import {
  osaToNm,
  nmToOsa,
  nollToNm,
  nmToNoll,
  osaToNoll,
  nollToOsa,
  zernikeXY,
  zernikePolar,
  zernikeBasis,
  zernikeModeCount,
  modesInOrder,
  convertCoefficients,
  zernikeRadial,
} from "../../src/optics/zernike";

// Noll (1976), Table 1 / hcipy noll_to_zernike (spec basis-and-rendering.md §4.1): j = 1..15.
const NOLL_N = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4];
const NOLL_M = [0, 1, -1, 0, -2, 2, -1, 1, -3, 3, 0, 2, -2, 4, -4];
// OSA/ANSI Z80.28 single index j = 0..14 (Thibos et al. 2002, Table 1).
const OSA_N = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4];
const OSA_M = [0, -1, 1, -2, 0, 2, -3, -1, 1, 3, -4, -2, 0, 2, 4];

describe("optics/zernike indexing", () => {
  it("Noll j=1..15 -> (n, m) matches the published table, and back", () => {
    for (let i = 0; i < 15; i++) {
      assert.deepEqual(nollToNm(i + 1), { n: NOLL_N[i], m: NOLL_M[i] }, `Noll j=${i + 1}`);
      assert.equal(nmToNoll(NOLL_N[i]!, NOLL_M[i]!), i + 1);
    }
  });

  it("OSA j=0..14 -> (n, m) matches the published table, and back", () => {
    for (let i = 0; i < 15; i++) {
      assert.deepEqual(osaToNm(i), { n: OSA_N[i], m: OSA_M[i] }, `OSA j=${i}`);
      assert.equal(nmToOsa(OSA_N[i]!, OSA_M[i]!), i);
    }
  });

  it("Noll <-> OSA conversion table for Noll 1..15", () => {
    assert.deepEqual(
      Array.from({ length: 15 }, (_, i) => nollToOsa(i + 1)),
      [0, 2, 1, 4, 3, 5, 7, 8, 6, 9, 12, 13, 11, 14, 10],
    );
    for (let j = 0; j < 15; j++) assert.equal(nollToOsa(osaToNoll(j)), j);
  });

  it("both orderings are bijections onto all valid modes up to order 20", () => {
    const count = zernikeModeCount(20);
    const seenNoll = new Set<number>();
    for (let j = 0; j < count; j++) {
      const { n, m } = osaToNm(j);
      assert.ok(n <= 20 && Math.abs(m) <= n && (n - Math.abs(m)) % 2 === 0);
      assert.equal(nmToOsa(n, m), j);
      const jn = nmToNoll(n, m);
      assert.deepEqual(nollToNm(jn), { n, m });
      // Noll's rule: even j <-> cosine (m > 0), odd j <-> sine (m < 0).
      if (m !== 0) assert.equal(jn % 2 === 0, m > 0, `Noll parity for (${n},${m})`);
      seenNoll.add(jn);
    }
    assert.equal(seenNoll.size, count);
    assert.equal(Math.min(...seenNoll), 1);
    assert.equal(Math.max(...seenNoll), count);
  });

  it("rejects invalid indices and modes", () => {
    assert.throws(() => nollToNm(0), /Noll/);
    assert.throws(() => osaToNm(-1), /OSA/);
    assert.throws(() => nmToOsa(3, 0), /n - \|m\| even/);
    assert.throws(() => nmToNoll(2, 4), /invalid Zernike mode/);
  });

  it("convertCoefficients moves each coefficient to its mode's slot", () => {
    const noll = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]; // Noll 1..6
    const osa = convertCoefficients(noll, "noll", "osa");
    // OSA 0 piston, 1 (1,-1)=Noll 3, 2 (1,1)=Noll 2, 3 (2,-2)=Noll 5, 4 (2,0)=Noll 4, 5 (2,2)=Noll 6
    assert.deepEqual(Array.from(osa), [0.1, 0.3, 0.2, 0.5, 0.4, 0.6]);
    assert.deepEqual(Array.from(convertCoefficients(osa, "osa", "noll")), noll);
  });
});

describe("optics/zernike values", () => {
  const pts: [number, number][] = [
    [0, 0],
    [0.3, -0.4],
    [-0.7, 0.2],
    [0.5, 0.5],
    [1, 0],
    [0, -1],
  ];
  // Closed forms of the orthonormal modes (Noll 1976 Table 1, Thibos et al. 2002), x right, y down.
  const closed: [number, number, (x: number, y: number) => number][] = [
    [0, 0, () => 1],
    [1, 1, (x) => 2 * x],
    [1, -1, (_x, y) => 2 * y],
    [2, 0, (x, y) => Math.sqrt(3) * (2 * (x * x + y * y) - 1)],
    [2, 2, (x, y) => Math.sqrt(6) * (x * x - y * y)],
    [2, -2, (x, y) => Math.sqrt(6) * 2 * x * y],
    [3, 1, (x, y) => Math.sqrt(8) * (3 * (x * x + y * y) - 2) * x],
    [3, -1, (x, y) => Math.sqrt(8) * (3 * (x * x + y * y) - 2) * y],
    [3, 3, (x, y) => Math.sqrt(8) * (x * x * x - 3 * x * y * y)],
    [3, -3, (x, y) => Math.sqrt(8) * (3 * x * x * y - y * y * y)],
    [4, 0, (x, y) => { const r2 = x * x + y * y; return Math.sqrt(5) * (6 * r2 * r2 - 6 * r2 + 1); }],
    [4, 2, (x, y) => Math.sqrt(10) * (4 * (x * x + y * y) - 3) * (x * x - y * y)],
    [4, 4, (x, y) => Math.sqrt(10) * (x ** 4 - 6 * x * x * y * y + y ** 4)],
  ];

  it("low-order modes equal their closed forms (piston, tilt, defocus sqrt(3)(2r^2-1), astigmatism, coma, trefoil, spherical)", () => {
    for (const [n, m, f] of closed)
      for (const [x, y] of pts) {
        const got = zernikeXY(n, m, x, y);
        assert.ok(Math.abs(got - f(x, y)) < 1e-12, `Z(${n},${m}) at (${x},${y}): ${got} vs ${f(x, y)}`);
      }
  });

  it("R_n^m(1) = 1 for every mode", () => {
    for (let j = 0; j < zernikeModeCount(12); j++) {
      const { n, m } = osaToNm(j);
      assert.ok(Math.abs(zernikeRadial(n, m, 1) - 1) < 1e-9, `R(${n},${m})(1)`);
    }
  });

  it("modes up to order 6 are orthonormal over the unit disk (numerical integration)", () => {
    // Polar product rule: midpoint in rho (weight rho), uniform in theta (exact for these trig degrees).
    const nr = 600, nt = 32;
    const x: number[] = [], y: number[] = [], w: number[] = [];
    for (let a = 0; a < nr; a++) {
      const r = (a + 0.5) / nr;
      for (let b = 0; b < nt; b++) {
        const t = (2 * Math.PI * b) / nt;
        x.push(r * Math.cos(t));
        y.push(r * Math.sin(t));
        w.push((r * (1 / nr) * (2 * Math.PI / nt)) / Math.PI);
      }
    }
    const modes = modesInOrder(zernikeModeCount(6), "osa");
    const B = zernikeBasis(modes, x, y);
    const P = x.length;
    let worst = 0;
    for (let i = 0; i < modes.length; i++)
      for (let j = i; j < modes.length; j++) {
        let s = 0;
        for (let p = 0; p < P; p++) s += w[p]! * B[i * P + p]! * B[j * P + p]!;
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    assert.ok(worst < 1e-4, `max deviation from identity ${worst}`);
  });

  it("zernikeBasis rows equal pointwise evaluation; polar and Cartesian agree", () => {
    const modes = modesInOrder(10, "noll");
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    const B = zernikeBasis(modes, xs, ys);
    modes.forEach((md, k) =>
      pts.forEach(([px, py], i) => {
        assert.equal(B[k * pts.length + i], zernikeXY(md.n, md.m, px, py));
        assert.ok(Math.abs(zernikePolar(md.n, md.m, Math.hypot(px, py), Math.atan2(py, px)) - B[k * pts.length + i]!) < 1e-15);
      }),
    );
  });
});
