import { strict as assert } from "node:assert";
import { GaussianSource, fillQuadraticExp } from "../../src/psf/families/gaussian";
import { DiskSource } from "../../src/psf/families/disk";
import { MotionSource } from "../../src/psf/families/motion";
import { chromaticShift } from "../../src/psf/families/kernel-grid";
import { withTransmission } from "../../src/psf/families";
import type { FieldPoint } from "../../src/psf/source";
import { Rng } from "../../src/util/rng";

const R1024 = 0.5 * Math.hypot(1024, 1024);

function point(xc: number, yc: number, channel = 0, R = R1024): FieldPoint {
  return { ix: 0, iy: 0, xImg: xc + 512, yImg: yc + 512, xc, yc, fieldRadiusPx: R, channel, wavelengthNm: 500 };
}

/** Sum, centroid (row, col) and central second moments of a k*k kernel. */
function moments(ker: Float32Array, k: number) {
  let s = 0, mr = 0, mc = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) { const v = ker[i * k + j]!; s += v; mr += v * i; mc += v * j; }
  mr /= s; mc /= s;
  let rr = 0, cc = 0, rc = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) { const v = ker[i * k + j]! / s; rr += v * (i - mr) ** 2; cc += v * (j - mc) ** 2; rc += v * (i - mr) * (j - mc); }
  return { s, mr, mc, rr, cc, rc };
}

/** Eigen-decomposition of the 2x2 covariance [[cc, rc], [rc, rr]] in (x = col, y = row) order. */
function principal(m: { rr: number; cc: number; rc: number }) {
  const tr = m.cc + m.rr, det = m.cc * m.rr - m.rc * m.rc;
  const disc = Math.sqrt(Math.max(0, tr * tr / 4 - det));
  const l1 = tr / 2 + disc, l2 = tr / 2 - disc;
  const angle = 0.5 * Math.atan2(2 * m.rc, m.cc - m.rr); // major-axis angle from +x toward +y (down)
  return { major: Math.sqrt(l1), minor: Math.sqrt(l2), angle };
}

describe("psf/families: gaussian", () => {
  const preset = { gaussianType: "elliptical" as const, sigma1: 0.08, sigma2: 0.2, sigmaMin: 0.08, chromatic: [0, 0.5, 0.9] };

  it("matches the reference sums, peaks, sigmas and offsets of spec §3.2", () => {
    const g = withTransmission(new GaussianSource(128, preset), [0.7, 0.9, 0.7]);
    const table: Array<[number, number, number, number, [number, number], number, number, number]> = [
      [0, 0, 0, 115.296953, [64, 64], 0.08, 0, 0],
      [0, 0, 1, 148.23894, [64, 64], 0.08, 0, 0],
      [300, -200, 0, 143.530619, [64, 64], 0.0995902, 0, 0],
      [300, -200, 1, 288.520516, [73, 51], 0.1557057, 13.2583, -8.8388],
      [300, -200, 2, 293.433614, [80, 40], 0.2036314, 23.8649, -15.9099],
      [-512, -512, 2, 505.797047, [105, 105], 0.4096875, -40.7294, -40.7294],
      [508, 508, 1, 573.724816, [42, 42], 0.3105469, 22.4506, 22.4506],
    ];
    for (const [xc, yc, ch, sum, peak, s2, ox, oy] of table) {
      const { kernel, metadata } = g.psfAt(point(xc, yc, ch), new Rng(0));
      const m = moments(kernel, 128);
      assert.ok(Math.abs(m.s - sum) < 2e-5 * sum, `sum at (${xc},${yc}) ch${ch}: ${m.s} vs ${sum}`);
      let best = 0;
      for (let i = 1; i < kernel.length; i++) if (kernel[i]! > kernel[best]!) best = i;
      assert.deepEqual([Math.floor(best / 128), best % 128], peak);
      assert.ok(Math.abs(metadata![2]! - s2) < 1e-6, `sigma2 ${metadata![2]} vs ${s2}`);
      assert.ok(Math.abs(metadata![5]! - ox) < 1e-4 && Math.abs(metadata![6]! - oy) < 1e-4);
    }
    const th = g.psfAt(point(300, -200, 0), new Rng(0)).metadata![0]!;
    assert.ok(Math.abs(th - 3.729595) < 1e-6);
  });

  it("second moments: sigma2 (pixels k/2*sigma2) along the radial direction, sigma1 tangential", () => {
    const k = 128;
    const src = new GaussianSource(k, { gaussianType: "elliptical", sigma1: 0.12, sigma2: 0.5, sigmaMin: 0.01, chromatic: [0] });
    for (const [xc, yc] of [[300, -200], [-250, 100], [0, 400], [350, 0]] as const) {
      const { kernel, metadata } = src.psfAt(point(xc, yc));
      const p = principal(moments(kernel, k));
      const [, s1, s2] = metadata!;
      assert.ok(Math.abs(p.major - s2! * 64) < 0.01 * s2! * 64, `major std ${p.major} vs ${s2! * 64}`);
      assert.ok(Math.abs(p.minor - s1! * 64) < 0.01 * s1! * 64, `minor std ${p.minor} vs ${s1! * 64}`);
      // Major axis along the radius (x = column offset, y = row offset, downward); compare modulo pi.
      const radial = Math.atan2(yc, xc);
      const d = Math.abs(Math.atan2(Math.sin(2 * (p.angle - radial)), Math.cos(2 * (p.angle - radial)))) / 2;
      assert.ok(d < 1e-3, `axis angle ${p.angle} vs radial ${radial}`);
    }
  });

  it("circular law: isotropic with std sigma*r/R (floored at sigma_min)", () => {
    const src = new GaussianSource(128, { gaussianType: "circular", sigma1: 0.3, sigma2: 0.3, sigmaMin: 0.02, chromatic: [0] });
    const { kernel } = src.psfAt(point(-300, 250));
    const p = principal(moments(kernel, 128));
    const expected = 0.3 * (Math.hypot(300, 250) / R1024) * 64;
    assert.ok(Math.abs(p.major - expected) < 0.01 * expected && Math.abs(p.minor - expected) < 0.01 * expected, `${p.major}, ${p.minor} vs ${expected}`);
    const centre = principal(moments(src.psfAt(point(0, 0)).kernel, 128));
    assert.ok(Math.abs(centre.major - 0.02 * 64) < 0.02 * 64 * 0.05);
  });

  it("chromatic offset: centroid moves toward the image centre by (r/R)(k/2)c px; sigma2 grows by (1+c)", () => {
    const k = 128;
    const c = 0.6;
    const src = new GaussianSource(k, { gaussianType: "elliptical", sigma1: 0.05, sigma2: 0.05, sigmaMin: 0.05, chromatic: [0, c] });
    for (const [xc, yc] of [[200, -120], [-300, -300], [100, 250]] as const) {
      const m0 = moments(src.psfAt(point(xc, yc, 0)).kernel, k);
      const m1 = moments(src.psfAt(point(xc, yc, 1)).kernel, k);
      assert.ok(Math.abs(m0.mc - 64) < 1e-3 && Math.abs(m0.mr - 64) < 1e-3, "c = 0 stays centred at k/2");
      const ex = -(xc / R1024) * 64 * c;
      const ey = -(yc / R1024) * 64 * c;
      assert.ok(Math.abs(m1.mc - 64 - ex) < 1e-3 && Math.abs(m1.mr - 64 - ey) < 1e-3, `shift (${m1.mc - 64}, ${m1.mr - 64}) vs (${ex}, ${ey})`);
    }
    const sh = chromaticShift(300, -200, R1024, 128, 0.5);
    assert.deepEqual([sh.xc, sh.yc], [313, -208]); // position moved by trunc(offset)
    const g = new GaussianSource(128, { gaussianType: "elliptical", sigma1: 0.08, sigma2: 0.2, sigmaMin: 0.01, chromatic: [0, 0.5] });
    const md = g.psfAt(point(300, -200, 1)).metadata!;
    assert.ok(Math.abs(md[2]! - 0.2 * (Math.hypot(313, -208) / R1024) * 1.5) < 1e-9);
  });

  it("odd kernels: the on-axis PSF is centred on pixel floor(k/2) (svd-v2: k/2, half a pixel off)", () => {
    const k = 11;
    const p = { gaussianType: "elliptical" as const, sigma1: 0.2, sigma2: 0.2, sigmaMin: 0.2, chromatic: [0] };
    const point = { ix: 0, iy: 0, xImg: 512, yImg: 512, xc: 0, yc: 0, fieldRadiusPx: 724, channel: 0, wavelengthNm: 550 };
    for (const [centre, expected] of [[undefined, 5], [5.5, 5.5]] as const) {
      const ker = new GaussianSource(k, { ...p, centre }).psfAt(point).kernel;
      let s = 0, mr = 0, mc = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) { const v = ker[i * k + j]!; s += v; mr += i * v; mc += j * v; }
      assert.ok(Math.abs(mr / s - expected) < 1e-3 && Math.abs(mc / s - expected) < 1e-3, `centroid (${mr / s}, ${mc / s}) vs ${expected}`);
    }
  });

  it("the row recurrence equals direct exp() evaluation", () => {
    const k = 33;
    const out = new Float32Array(k * k);
    const rng = new Rng("quad");
    for (let t = 0; t < 50; t++) {
      const a = rng.uniform(0.5, 200), d = rng.uniform(0.5, 200);
      const b = rng.uniform(-0.9, 0.9) * Math.sqrt(a * d);
      const ox = rng.uniform(-10, 10), oy = rng.uniform(-10, 10);
      // Both axis conventions: the original's k/2 and the clean floor(k/2).
      const h = k / 2;
      const centre = t % 2 ? h : Math.floor(h);
      fillQuadraticExp(out, k, a, b, d, ox, oy, centre);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        const u = (j - centre + ox) / h, v = (i - centre + oy) / h;
        const e = Math.fround(Math.exp(-(a * u * u + 2 * b * u * v + d * v * v)));
        assert.ok(Math.abs(out[i * k + j]! - e) <= 1e-6 * e + 1e-37, `(${i},${j}): ${out[i * k + j]} vs ${e}`);
      }
    }
  });
});

describe("psf/families: disk", () => {
  it("radius sigma*k/2 px, area pi r^2, transmission scales it", () => {
    const k = 64;
    const d = withTransmission(new DiskSource(k, 0.5, [0, 0]), [0.5, 1]);
    const { kernel } = d.psfAt(point(0, 0, 1), new Rng(0));
    const r = 0.5 * 32;
    let n = 0, maxR = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (kernel[i * k + j]) { n++; maxR = Math.max(maxR, Math.hypot(i - 32, j - 32)); assert.equal(kernel[i * k + j], 1); }
    assert.equal(maxR, r);
    assert.ok(Math.abs(n - Math.PI * r * r) < 2 * Math.PI * r * 0.5, `area ${n} vs ${Math.PI * r * r}`);
    const half = d.psfAt(point(0, 0, 0), new Rng(0)).kernel;
    assert.equal(half.reduce((a, b) => a + b, 0), n * 0.5);
  });
});

describe("psf/families: motion", () => {
  const params = { maxSupportPx: 12, maxLength: 64, maxAnxiety: 0.2, nSteps: 2000, fraction: [0.01, 0.05] as [number, number], perChannel: false, perPosition: true, centering: "subpixel" as const };

  it("kernels are non-negative, sum to 1, centred at k//2 and stay within the support", () => {
    const k = 32;
    const src = new MotionSource(k, params);
    const rng = new Rng(7);
    let nonTrivial = 0;
    for (let t = 0; t < 40; t++) {
      const ker = src.sample(rng.fork(t));
      const m = moments(ker, k);
      assert.ok(Math.abs(m.s - 1) < 1e-5, `sum ${m.s}`);
      assert.ok(ker.every((v) => v >= 0));
      assert.ok(Math.abs(m.mr - 16) < 1e-3 && Math.abs(m.mc - 16) < 1e-3, `centroid (${m.mr}, ${m.mc})`);
      let nz = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (ker[i * k + j]! > 0) {
        nz++;
        assert.ok(Math.abs(i - 16) <= 13 && Math.abs(j - 16) <= 13, `tap (${i},${j}) beyond the support`);
      }
      if (nz > 4) nonTrivial++;
    }
    assert.ok(nonTrivial > 30, "most kernels are extended blurs, not impulses");
  });

  it("same stream -> same kernel; channels share it unless per_channel; positions differ", () => {
    const src = new MotionSource(32, params);
    const p = (iy: number, ix: number, channel: number): FieldPoint => ({ ...point(0, 0, channel), iy, ix });
    const a = src.psfAt(p(1, 2, 0), new Rng(3)).kernel;
    assert.deepEqual(src.psfAt(p(1, 2, 2), new Rng(3)).kernel, a);
    assert.notDeepEqual(src.psfAt(p(2, 2, 0), new Rng(3)).kernel, a);
    const perChannel = new MotionSource(32, { ...params, perChannel: true });
    assert.notDeepEqual(perChannel.psfAt(p(1, 2, 0), new Rng(3)).kernel, perChannel.psfAt(p(1, 2, 1), new Rng(3)).kernel);
  });
});
