import { strict as assert } from "assert";
import { Field, fieldPower, fresnelScaled, propagate } from "../../../src/optics/wave";
import { besselJ0, besselJ1, besselK0, besselK1 } from "../../../src/optics/wave/bessel";
import * as golden from "./bessel-golden.json";

/** Paraxial Gaussian beam (waist w0 at z = 0) sampled on an n x n grid, exp(+ikz) convention. */
function gaussianBeam(n: number, dx: number, w0: number, lambda: number, z: number): Field {
  const k = (2 * Math.PI) / lambda;
  const zr = (Math.PI * w0 * w0) / lambda;
  const data = new Float64Array(2 * n * n);
  // q-parameter form: U = (q0 / q) exp(ikz) exp(ik r^2 / 2q), q = z - i zr.
  const qr = z, qi = -zr;
  const q0r = 0, q0i = -zr;
  const qn = qr * qr + qi * qi;
  const ratioR = (q0r * qr + q0i * qi) / qn, ratioI = (q0i * qr - q0r * qi) / qn;
  const invQr = qr / qn, invQi = -qi / qn;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const x = (c - n / 2) * dx, y = (r - n / 2) * dx;
      const r2 = x * x + y * y;
      const re = -((k * r2) / 2) * invQi; // Re(ik r^2 / 2q) = -k r^2/2 Im(1/q)
      const im = k * z + ((k * r2) / 2) * invQr;
      const mag = Math.exp(re);
      const er = mag * Math.cos(im), ei = mag * Math.sin(im);
      data[2 * (r * n + c)] = ratioR * er - ratioI * ei;
      data[2 * (r * n + c) + 1] = ratioR * ei + ratioI * er;
    }
  return { data, rows: n, cols: n, dxUm: dx };
}

function relL2(a: Float64Array, b: Float64Array): number {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    s += b[i]! ** 2;
  }
  return Math.sqrt(d / s);
}

describe("optics/wave: propagation", () => {
  const n = 128, dx = 1, w0 = 12, lambda = 0.5, z = 800;

  it("Bessel J0, J1, K0, K1 match SciPy (A&S polynomial accuracy)", () => {
    // golden: /usr/bin/python3 -c "import scipy.special as s ..." (see bessel-golden.json's generator in the report)
    golden.x.forEach((x: number, i: number) => {
      assert.ok(Math.abs(besselJ0(x) - golden.j0[i]!) < 2e-7);
      assert.ok(Math.abs(besselJ1(x) - golden.j1[i]!) < 2e-7);
      assert.ok(Math.abs(besselK0(x) - golden.k0[i]!) < 3e-7 * golden.k0[i]!);
      assert.ok(Math.abs(besselK1(x) - golden.k1[i]!) < 3e-7 * golden.k1[i]!);
    });
  });

  it("Fresnel propagation of a Gaussian beam equals the analytic paraxial beam", () => {
    const out = propagate(gaussianBeam(n, dx, w0, lambda, 0), lambda, z, "fresnel");
    const ref = gaussianBeam(n, dx, w0, lambda, z);
    assert.ok(relL2(out.data, ref.data) < 1e-6, `Fresnel vs analytic ${relL2(out.data, ref.data)}`);
  });

  it("angular spectrum and Fresnel agree in the paraxial regime and both conserve energy", () => {
    const u0 = gaussianBeam(n, dx, w0, lambda, 0);
    const a = propagate(u0, lambda, z, "asm");
    const f = propagate(u0, lambda, z, "fresnel");
    // Non-paraxial phase correction ~ k z theta^4 / 8 with theta = lambda / (pi w0): ~1e-5 rad here.
    assert.ok(relL2(a.data, f.data) < 1e-4, `ASM vs Fresnel ${relL2(a.data, f.data)}`);
    const p0 = fieldPower(u0);
    assert.ok(Math.abs(fieldPower(a) - p0) / p0 < 1e-9, `ASM energy ${fieldPower(a) / p0}`);
    assert.ok(Math.abs(fieldPower(f) - p0) / p0 < 1e-9, `Fresnel energy ${fieldPower(f) / p0}`);
  });

  it("at high NA the angular spectrum departs from Fresnel (Fresnel is only paraxial)", () => {
    const u0 = gaussianBeam(n, 0.25, 0.6, lambda, 0); // theta ~ 0.27 rad
    const a = propagate(u0, lambda, 20, "asm");
    const f = propagate(u0, lambda, 20, "fresnel");
    assert.ok(relL2(a.data, f.data) > 0.05);
    // Energy still conserved up to the ~1e-5 of the spreading beam that leaves the cropped window.
    assert.ok(Math.abs(fieldPower(a) - fieldPower(u0)) / fieldPower(u0) < 1e-4);
  });

  it("single-FFT Fresnel transform agrees with the transfer-function result and conserves energy", () => {
    const u0 = gaussianBeam(64, 2, 10, lambda, 0);
    const far = 20000; // output step lambda z / (N dx) = 78 um; beam radius there ~ 318 um
    const s = fresnelScaled(u0, lambda, far);
    assert.ok(Math.abs(fieldPower(s) - fieldPower(u0)) / fieldPower(u0) < 1e-9);
    const ref = gaussianBeam(64, s.dxUm, 10, lambda, far);
    assert.ok(relL2(s.data, ref.data) < 1e-6, `scaled Fresnel vs analytic ${relL2(s.data, ref.data)}`);
  });

  it("carrier removal + window shift give the same intensity as a direct tilted propagation", () => {
    const u0 = gaussianBeam(n, dx, w0, lambda, 0);
    const fx0 = 0.02; // cycles/um: tilt of lambda fx0 = 0.01 rad, shift 8 um over 800 um
    const tilted = Float64Array.from(u0.data);
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) {
        const ph = 2 * Math.PI * fx0 * (c - n / 2) * dx;
        const i = 2 * (r * n + c);
        const re = u0.data[i]!, im = u0.data[i + 1]!;
        tilted[i] = re * Math.cos(ph) - im * Math.sin(ph);
        tilted[i + 1] = re * Math.sin(ph) + im * Math.cos(ph);
      }
    const direct = propagate({ ...u0, data: tilted }, lambda, z, "asm");
    const shift = 8;
    const viaCarrier = propagate(u0, lambda, z, "asm", { carrierFx: fx0, shiftXUm: shift });
    let maxDiff = 0, peak = 0;
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n - shift; c++) {
        const a = direct.data[2 * (r * n + c + shift)]! ** 2 + direct.data[2 * (r * n + c + shift) + 1]! ** 2;
        const b = viaCarrier.data[2 * (r * n + c)]! ** 2 + viaCarrier.data[2 * (r * n + c) + 1]! ** 2;
        maxDiff = Math.max(maxDiff, Math.abs(a - b));
        peak = Math.max(peak, a);
      }
    assert.ok(maxDiff < 1e-9 * peak, `shifted window differs by ${maxDiff / peak}`);
  });
});
