import { strict as assert } from "assert";
import { airy } from "../../../src/optics/wave/bessel";
import { buildLens, geometricPsf, loadLens, paraxial, wavefrontMap, wavefrontPsf, refocus } from "../../../src/optics/lens";

const LAMBDA = 0.55;

describe("optics/lens: PSFs", () => {
  const f = 50;
  const ideal = buildLens({ rows: [{ paraxialFocalLengthMm: f, thicknessMm: f, semiDiameterMm: 2.5, stop: true }] }); // F/10

  it("geometric PSF of a perfect lens is one pixel at (k/2, k/2) and moves with the field upright", () => {
    const k = 16;
    const on = geometricPsf(ideal, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, LAMBDA, { kernelSize: k, pixelPitchMm: 0.005, centre: "ideal" });
    assert.ok(Math.abs(on.kernel[(k / 2) * k + k / 2]! - 1) < 1e-12);
    // Centre held at the axis while the object moves up by one pixel's worth: the upright kernel shows it one row up.
    const theta = Math.atan(0.005 / f);
    const up = geometricPsf(ideal, { kind: "infinite", fieldXRad: 0, fieldYRad: theta }, LAMBDA, { kernelSize: k, pixelPitchMm: 0.005, centre: [0, 0] });
    assert.ok(Math.abs(up.kernel[(k / 2 - 1) * k + k / 2]! - 1) < 1e-9);
    const right = geometricPsf(ideal, { kind: "infinite", fieldXRad: theta / 2, fieldYRad: 0 }, LAMBDA, { kernelSize: k, pixelPitchMm: 0.005, centre: [0, 0] });
    // Half a pixel to the right: split bilinearly between columns k/2 and k/2 + 1.
    assert.ok(Math.abs(right.kernel[(k / 2) * k + k / 2]! - 0.5) < 1e-6 && Math.abs(right.kernel[(k / 2) * k + k / 2 + 1]! - 0.5) < 1e-6);
  });

  it("defocused perfect lens: geometric PSF is a uniform disk of the predicted radius", () => {
    const dz = 1; // mm behind focus: blur radius = dz * rEP / f
    const lens = { ...ideal, sensorZMm: f + dz };
    const pitch = 0.002, k = 64;
    const psf = geometricPsf(lens, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, LAMBDA, { kernelSize: k, pixelPitchMm: pitch, centre: "chief" });
    const radiusPx = (dz * 2.5) / f / pitch; // 25 px
    let m2 = 0;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) m2 += psf.kernel[r * k + c]! * ((r - k / 2) ** 2 + (c - k / 2) ** 2);
    // Uniform disk: E[rho^2] = R^2 / 2.
    assert.ok(Math.abs(Math.sqrt(2 * m2) - radiusPx) / radiusPx < 0.01, `disk radius ${Math.sqrt(2 * m2)} px vs ${radiusPx}`);
    const sum = psf.kernel.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  });

  it("wavefront PSF of a perfect F/10 lens is the Airy pattern (first zero at 1.22 lambda N)", () => {
    const wf = wavefrontMap(ideal, { kind: "infinite", fieldXRad: 0, fieldYRad: 0.05 }, LAMBDA, 32);
    assert.ok(wf.rmsWaves < 1e-6, `ideal lens OPD rms ${wf.rmsWaves} waves`);
    const k = 24, pitch = 0.001, os = 4;
    const psf = wavefrontPsf(ideal, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, LAMBDA, { kernelSize: k, pixelPitchMm: pitch, oversample: os, pupilSize: 96 });
    const N = f / 5;
    const ref = new Float64Array(k * k);
    let s = 0;
    for (let r = 0; r < k; r++)
      for (let c = 0; c < k; c++) {
        let acc = 0;
        for (let i = 0; i < os; i++)
          for (let j = 0; j < os; j++) {
            const y = (r - k / 2 - 0.5 + (i + 0.5) / os) * pitch, x = (c - k / 2 - 0.5 + (j + 0.5) / os) * pitch;
            acc += airy((Math.PI * Math.hypot(x, y)) / (LAMBDA * 1e-3 * N));
          }
        ref[r * k + c] = acc;
        s += acc;
      }
    let maxErr = 0;
    const peak = ref[(k / 2) * k + k / 2]! / s;
    for (let i = 0; i < k * k; i++) maxErr = Math.max(maxErr, Math.abs(psf.kernel[i]! - ref[i]! / s));
    assert.ok(maxErr < 0.02 * peak, `max |PSF - Airy| = ${maxErr / peak} of peak`);
  });

  it("Cooke triplet: on-axis spot is near the diffraction scale and the off-axis PSF is wider", () => {
    const lens = loadLens("configs/lenses/cooke-triplet-f50.zmx");
    const p = paraxial(lens, LAMBDA);
    const focused = refocus(lens, -Infinity, LAMBDA);
    const k = 33, pitch = 0.002;
    const onAxis = geometricPsf(focused, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, LAMBDA, { kernelSize: k, pixelPitchMm: pitch, paraxialData: p });
    const edge = geometricPsf(focused, { kind: "infinite", fieldXRad: 0, fieldYRad: 0.3 }, LAMBDA, { kernelSize: k, pixelPitchMm: pitch, paraxialData: p });
    const spread = (ker: Float64Array) => {
      let m = 0;
      for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) m += ker[r * k + c]! * ((r - k / 2) ** 2 + (c - k / 2) ** 2);
      return Math.sqrt(m);
    };
    assert.ok(spread(edge.kernel) > spread(onAxis.kernel));
    assert.ok(onAxis.transmitted > 0.95);
  });
});
