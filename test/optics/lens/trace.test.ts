import { strict as assert } from "assert";
import { getMaterial } from "../../../src/optics/glass";
import {
  RayBundle,
  buildLens,
  launchRays,
  loadLens,
  paraxial,
  samplePupil,
  spotDiagram,
  traceRays,
  paraxialImageZ,
} from "../../../src/optics/lens";
import { axisCrossing } from "./axis-crossing";

const D = 0.5875618;

describe("optics/lens: ray tracing and paraxial optics", () => {
  it("thick-lens EFL and BFL equal the lensmaker's equation", () => {
    const R1 = 50, R2 = -30, t = 8;
    const lens = buildLens({ rows: [{ radiusMm: R1, thicknessMm: t, material: "N-BK7", stop: true, semiDiameterMm: 10 }, { radiusMm: R2, thicknessMm: 40 }] });
    const n = getMaterial("N-BK7").index(D);
    const phi = (n - 1) * (1 / R1 - 1 / R2 + ((n - 1) * t) / (n * R1 * R2));
    const f = 1 / phi;
    const bfl = f * (1 - ((n - 1) * t) / (n * R1));
    const p = paraxial(lens, D);
    assert.ok(Math.abs(p.eflMm - f) < 1e-9 * f, `EFL ${p.eflMm} vs ${f}`);
    assert.ok(Math.abs(p.bflMm - bfl) < 1e-9 * f, `BFL ${p.bflMm} vs ${bfl}`);
    // Real rays near the axis converge on the paraxial focus.
    assert.ok(Math.abs(axisCrossing(lens, 1e-3, D) - (t + bfl)) < 1e-6);
  });

  it("a perfect paraxial lens focuses every ray of a point source to one point", () => {
    const f = 50;
    const lens = buildLens({ rows: [{ paraxialFocalLengthMm: f, thicknessMm: f, semiDiameterMm: 20, stop: true }] });
    for (const theta of [0, 0.1, 0.3]) {
      const s = spotDiagram(lens, { kind: "infinite", fieldXRad: 0, fieldYRad: theta }, D, { kind: "spiral", count: 1000 });
      assert.ok(s.rmsRadiusMm < 1e-10, `rms ${s.rmsRadiusMm} at ${theta}`);
      assert.ok(Math.abs(s.centroidMm[1] + f * Math.tan(theta)) < 1e-9);
    }
    // Finite conjugate: object at 300 mm images at 1/(1/f - 1/300) = 60 mm with magnification -0.2.
    const finite = { ...lens, sensorZMm: 60 };
    const s = spotDiagram(finite, { kind: "finite", xMm: 0, yMm: 10, zMm: -300 }, D, { kind: "spiral", count: 1000 });
    assert.ok(s.rmsRadiusMm < 1e-10, `finite rms ${s.rmsRadiusMm}`);
    assert.ok(Math.abs(s.centroidMm[1] + 2) < 1e-9);
    assert.ok(Math.abs(paraxialImageZ(lens, -300, D) - 60) < 1e-9);
  });

  it("spherical singlet: longitudinal spherical aberration has the third-order sign, h^2 scaling and coefficient", () => {
    // Thin plano-convex lens, curved side to the collimated beam (shape factor q = 1, p = -1).
    const R = 51.68, t = 0.3;
    const lens = buildLens({ rows: [{ radiusMm: R, thicknessMm: t, material: "N-BK7", stop: true }, { thicknessMm: 100 }] });
    const n = getMaterial("N-BK7").index(D);
    const parax = axisCrossing(lens, 1e-4, D);
    const lsa = (h: number) => parax - axisCrossing(lens, h, D);
    const f = paraxial(lens, D).eflMm;
    // Third-order thin-lens LSA = h^2 / (8 f n (n-1)) [ (n+2)/(n-1) q^2 + 4(n+1) p q + (3n+2)(n-1) p^2 + n^3/(n-1) ].
    const q = 1, p = -1;
    const coeff = ((n + 2) / (n - 1) * q * q + 4 * (n + 1) * p * q + (3 * n + 2) * (n - 1) * p * p + n ** 3 / (n - 1)) / (8 * f * n * (n - 1));
    for (const h of [0.5, 1, 2]) {
      assert.ok(lsa(h) > 0, "marginal rays focus in front of the paraxial focus (under-corrected)");
      assert.ok(Math.abs(lsa(h) / (h * h) - coeff) / coeff < 0.02, `h=${h}: LSA/h^2 ${lsa(h) / (h * h)} vs third-order ${coeff}`);
    }
    // Scaling: doubling h quadruples LSA (to the accuracy that fifth-order terms allow at small h).
    assert.ok(Math.abs(lsa(1) / lsa(0.5) - 4) < 0.01);
    // The reversed lens (flat side first, q = -1) is ~3.9x worse: the classic bending result.
    const rev = buildLens({ rows: [{ thicknessMm: t, material: "N-BK7", stop: true }, { radiusMm: -R, thicknessMm: 100 }] });
    const paraxR = axisCrossing(rev, 1e-4, D);
    const coeffRev = ((n + 2) / (n - 1) + -4 * (n + 1) * p + (3 * n + 2) * (n - 1) + n ** 3 / (n - 1)) / (8 * f * n * (n - 1));
    const lsaRev = (paraxR - axisCrossing(rev, 1, D)) / 1;
    assert.ok(Math.abs(lsaRev - coeffRev) / coeffRev < 0.02, `reversed: ${lsaRev} vs ${coeffRev}`);
  });

  it("a conic with k = -1/n^2 refracts a collimated beam into a perfect focus (Cartesian surface)", () => {
    const n = getMaterial("N-BK7").index(D);
    const R = 20;
    const fInGlass = (n * R) / (n - 1);
    const lens = buildLens({ rows: [{ radiusMm: R, thicknessMm: fInGlass, material: "N-BK7", conic: -1 / (n * n), semiDiameterMm: 10, stop: true }] });
    const p = paraxial(lens, D);
    const s = spotDiagram(lens, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, D, { kind: "spiral", count: 2000 });
    assert.ok(p.entrancePupilRadiusMm === 10);
    assert.ok(s.rmsRadiusMm < 1e-9, `ellipsoid rms ${s.rmsRadiusMm}`);
    // The same surface as a sphere plus its Taylor asphere terms (r^4..r^10) is nearly as good,
    // and far better than the bare sphere: exercises the Newton intersection on aspheres.
    const c = 1 / R, k = -1 / (n * n);
    const conicTerm = (m: number) => {
      // sag series of a conic: sum_m binom-like coefficients; a(2m) for conic k minus sphere (k = 0).
      const coef = (kk: number) => {
        // c^(2m-1) (1+k)^(m-1) * (2m-3)!! / (2^m m!)
        let dbl = 1;
        for (let j = 2 * m - 3; j > 1; j -= 2) dbl *= j;
        let fact = 1;
        for (let j = 2; j <= m; j++) fact *= j;
        return (c ** (2 * m - 1) * (1 + kk) ** (m - 1) * dbl) / (2 ** m * fact);
      };
      return coef(k) - coef(0);
    };
    const asphere = [0, conicTerm(2), conicTerm(3), conicTerm(4), conicTerm(5), conicTerm(6)];
    const asph = buildLens({ rows: [{ radiusMm: R, thicknessMm: fInGlass, material: "N-BK7", asphere, semiDiameterMm: 5, stop: true }] });
    const sphere = buildLens({ rows: [{ radiusMm: R, thicknessMm: fInGlass, material: "N-BK7", semiDiameterMm: 5, stop: true }] });
    const sa = spotDiagram(asph, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, D).rmsRadiusMm;
    const ss = spotDiagram(sphere, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, D).rmsRadiusMm;
    assert.ok(sa < ss / 100, `asphere ${sa} vs sphere ${ss}`);
  });

  it("vignetting and total internal reflection remove rays", () => {
    const lens = buildLens({ rows: [{ thicknessMm: 5, semiDiameterMm: 2, stop: true }, { radiusMm: 20, thicknessMm: 30, material: "N-BK7", semiDiameterMm: 10 }, { thicknessMm: 20 }] });
    const p = paraxial(lens, D);
    const rays = launchRays(lens, p, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, samplePupil({ kind: "spiral", count: 100 }), 1.5);
    traceRays(lens, rays, D);
    for (let j = 0; j < rays.count; j++) {
      const r = Math.hypot(rays.px[j]!, rays.py[j]!) * 1.5;
      assert.equal(rays.valid[j], r <= 1 ? 1 : 0);
    }
    // Glass -> air at 30 deg passes, at 50 deg (beyond the 41.2 deg critical angle of N-BK7) reflects.
    const slab = buildLens({ objectMaterial: "N-BK7", rows: [{ thicknessMm: 1, stop: true }] });
    const b = new RayBundle(2);
    for (const [j, a] of [[0, 30], [1, 50]] as const) {
      b.dy[j] = Math.sin((a * Math.PI) / 180);
      b.dz[j] = Math.cos((a * Math.PI) / 180);
      b.z[j] = -1;
    }
    traceRays(slab, b, D);
    assert.deepEqual(Array.from(b.valid), [1, 0]);
    // Snell's law for the surviving ray.
    const nG = getMaterial("N-BK7").index(D);
    assert.ok(Math.abs(b.dy[0]! - nG * Math.sin(Math.PI / 6)) < 1e-12);
  });

  it("published designs: Cooke triplet (EFL 50, F/5), double Gauss (EFL 100, F/3, BFL 61.4875), AC254-100-A (EFL 100, BFL 97.1)", () => {
    const cooke = paraxial(loadLens("configs/lenses/cooke-triplet-f50.zmx"), D);
    assert.ok(Math.abs(cooke.eflMm - 50) < 0.05, `Cooke EFL ${cooke.eflMm}`);
    assert.ok(Math.abs(cooke.fNumber - 5) < 0.01, `Cooke F/# ${cooke.fNumber}`);
    const dg = paraxial(loadLens("configs/lenses/double-gauss-28deg.zmx"), D);
    assert.ok(Math.abs(dg.eflMm - 100) < 0.05, `double Gauss EFL ${dg.eflMm}`);
    assert.ok(Math.abs(dg.fNumber - 3) < 0.01);
    assert.ok(Math.abs(dg.bflMm - 61.487536) < 0.01);
    const ac = paraxial(loadLens("configs/lenses/doublet-ac254-100-a.zmx"), D);
    assert.ok(Math.abs(ac.eflMm - 100) < 0.2, `AC254 EFL ${ac.eflMm}`);
    assert.ok(Math.abs(ac.bflMm - 97.1) < 0.2, `AC254 BFL ${ac.bflMm}`);
    // An achromat: F and C foci differ by less than a tenth of a same-power N-BK7 singlet's f/Vd (1.56 mm).
    const acLens = loadLens("configs/lenses/doublet-ac254-100-a.zmx");
    const dF = paraxial(acLens, 0.4861327).rearFocusZMm - paraxial(acLens, 0.6562725).rearFocusZMm;
    assert.ok(Math.abs(dF) < 100 / 64.17 / 10, `axial colour ${dF} mm`);
  });
});
