import { strict as assert } from "assert";
import {
  circularAperture,
  computeCellLibrary,
  hyperbolicPhase,
  layoutResponse,
  loadCellLibrary,
  metasurfacePsf,
  phaseCoverage,
  pillarEffectiveIndex,
  polynomialPhase,
  quantiseToLibrary,
  validateLibrary,
} from "../../../src/optics/metasurface";
import { airy } from "../../../src/optics/wave/bessel";

const LIB = "configs/metasurface/nanocylinders_tio2_p300_h800_model.json";

describe("optics/metasurface", () => {
  // 200 x 0.5 um grid, aperture radius 45 um, f = 900 um: NA = 0.05, Airy first zero 0.61 lambda / NA.
  const grid = { n: 200, dxUm: 0.5 };
  const R = 45, f = 900, lambda = 0.532;
  const aperture = circularAperture(grid, R);
  const ones = new Float64Array(grid.n * grid.n).fill(1);

  /** Kernel vs the pixel-integrated Airy pattern of the aperture; returns max |diff| / peak. */
  function airyError(kernel: Float64Array, k: number, pitch: number): number {
    const os = 4;
    const ref = new Float64Array(k * k);
    const NA = R / Math.sqrt(R * R + f * f);
    let s = 0;
    for (let r = 0; r < k; r++)
      for (let c = 0; c < k; c++) {
        let acc = 0;
        for (let i = 0; i < os; i++)
          for (let j = 0; j < os; j++) {
            const y = (r - k / 2 - 0.5 + (i + 0.5) / os) * pitch, x = (c - k / 2 - 0.5 + (j + 0.5) / os) * pitch;
            acc += airy(((2 * Math.PI) / lambda) * NA * Math.hypot(x, y));
          }
        ref[r * k + c] = acc;
        s += acc;
      }
    let err = 0;
    for (let i = 0; i < k * k; i++) err = Math.max(err, Math.abs(kernel[i]! - ref[i]! / s));
    return err / (ref[(k / 2) * k + k / 2]! / s);
  }

  it("ideal hyperbolic metalens: on-axis PSF at the design wavelength is the Airy pattern of its aperture", () => {
    const phase = hyperbolicPhase(grid, { focalLengthUm: f, wavelengthUm: lambda });
    const k = 32, pitch = 1;
    for (const method of ["asm", "fresnel"] as const) {
      const psf = metasurfacePsf({ grid, amp: ones, phase, aperture }, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch, method });
      const e = airyError(psf.kernel, k, pitch);
      assert.ok(e < 0.03, `${method}: max |PSF - Airy| = ${e} of peak`);
    }
  });

  it("library-quantised metalens still approaches the Airy pattern (phase error of the nearest-cell layout)", () => {
    const lib = loadCellLibrary(LIB);
    const target = hyperbolicPhase(grid, { focalLengthUm: f, wavelengthUm: lambda });
    const q = quantiseToLibrary(lib, target, lambda * 1000);
    const k = 32, pitch = 1;
    const psf = metasurfacePsf({ grid, amp: q.amp, phase: q.phase, aperture }, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch });
    const e = airyError(psf.kernel, k, pitch);
    assert.ok(e < 0.06, `quantised: max |PSF - Airy| = ${e} of peak`);
    // Phase error of the layout is bounded by half the library's phase step.
    let worst = 0;
    for (let i = 0; i < target.length; i++) {
      const d = Math.atan2(Math.sin(q.phase[i]! - target[i]!), Math.cos(q.phase[i]! - target[i]!));
      worst = Math.max(worst, Math.abs(d));
    }
    assert.ok(worst < 0.5, `worst phase error ${worst} rad`);
    assert.ok(psf.encircled > 0.9, `encircled ${psf.encircled}`);
    // Diffractive dispersion: at 450 nm the same layout focuses farther away (f ~ 1/lambda), so the
    // PSF peak is higher 100 um behind the design focus than at it.
    const blue = layoutResponse(lib, q.index, 450);
    const peakAt = (z: number) =>
      metasurfacePsf({ grid, amp: blue.amp, phase: blue.phase, aperture }, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, { wavelengthUm: 0.45, sensorDistanceUm: z, kernelSize: k, pixelPitchUm: pitch }).kernel[(k / 2) * k + k / 2]!;
    assert.ok(peakAt(f + 100) > 1.1 * peakAt(f));
  });

  it("off-axis PSF is centred on the chief-ray image point and upright; depth defocuses it", () => {
    const phase = hyperbolicPhase(grid, { focalLengthUm: f, wavelengthUm: lambda });
    const k = 32, pitch = 1;
    const theta = 0.05; // image 45 um off axis: outside the 50 um half-width of an unshifted window
    const up = metasurfacePsf({ grid, amp: ones, phase, aperture }, { kind: "infinite", fieldXRad: 0, fieldYRad: theta }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch });
    assert.ok(Math.abs(up.centreUm[1] + f * Math.tan(theta)) < 1e-9);
    let m = 0, cy = 0, cx = 0;
    for (let r = 0; r < k; r++)
      for (let c = 0; c < k; c++) {
        const v = up.kernel[r * k + c]!;
        m += v;
        cy += v * (r - k / 2);
        cx += v * (c - k / 2);
      }
    // The window followed the image: the PSF (with the hyperbolic lens' off-axis coma) stays centred.
    assert.ok(Math.abs(cx / m) < 0.05 && Math.abs(cy / m) < 0.3, `centroid ${cx / m}, ${cy / m}`);
    // Orientation: a lens whose focus is shifted 5 um toward sensor +y shows its peak 5 rows below
    // the centre (upright view: rows grow with sensor +y, as for the ray-traced lens kernels).
    const shifted = hyperbolicPhase(grid, { focalLengthUm: f, wavelengthUm: lambda, focusShiftYUm: 5 });
    const sp = metasurfacePsf({ grid, amp: ones, phase: shifted, aperture }, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch });
    let best = 0;
    for (let i = 1; i < k * k; i++) if (sp.kernel[i]! > sp.kernel[best]!) best = i;
    assert.deepEqual([Math.floor(best / k), best % k], [k / 2 + 5, k / 2]);
    // A point at 2 mm (instead of infinity) focuses far behind the sensor: the PSF spreads.
    const near = metasurfacePsf({ grid, amp: ones, phase, aperture }, { kind: "finite", xUm: 0, yUm: 0, depthUm: 2000 }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch });
    const far = metasurfacePsf({ grid, amp: ones, phase, aperture }, { kind: "infinite", fieldXRad: 0, fieldYRad: 0 }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch });
    assert.ok(near.kernel[(k / 2) * k + k / 2]! < 0.5 * far.kernel[(k / 2) * k + k / 2]!);
    // A lens designed for that depth brings it back to focus.
    const phaseNear = hyperbolicPhase(grid, { focalLengthUm: f, wavelengthUm: lambda, objectDistanceUm: 2000 });
    const refocused = metasurfacePsf({ grid, amp: ones, phase: phaseNear, aperture }, { kind: "finite", xUm: 0, yUm: 0, depthUm: 2000 }, { wavelengthUm: lambda, sensorDistanceUm: f, kernelSize: k, pixelPitchUm: pitch });
    assert.ok(Math.abs(refocused.kernel[(k / 2) * k + k / 2]! - far.kernel[(k / 2) * k + k / 2]!) < 0.05 * far.kernel[(k / 2) * k + k / 2]!);
  });

  it("polynomial phase a0 = -pi R^2 / (lambda f) focuses like the hyperbolic lens at low NA", () => {
    const poly = polynomialPhase(grid, [(-Math.PI * R * R) / (lambda * f)], R);
    const hyp = hyperbolicPhase(grid, { focalLengthUm: f, wavelengthUm: lambda });
    let maxD = 0;
    for (let i = 0; i < poly.length; i++) if (aperture[i]) maxD = Math.max(maxD, Math.abs(poly[i]! - hyp[i]!));
    // Difference = k r^4 / (8 f^3) at the rim: ~0.9 rad for NA 0.05 -> below lambda/4 of wavefront.
    assert.ok(maxD < Math.PI / 2, `max phase difference ${maxD}`);
  });

  it("cell model: n_eff rises from 1 toward n_TiO2 with radius; the shipped table is reproducible and covers 2 pi", () => {
    const a = pillarEffectiveIndex(30, 550, 2.45), b = pillarEffectiveIndex(130, 550, 2.45);
    assert.ok(a > 1 && a < b && b < 2.45, `n_eff ${a} ${b}`);
    // Weak-guidance limit: for small V the mode is barely confined (n_eff -> cladding).
    assert.ok(pillarEffectiveIndex(5, 550, 2.45) - 1 < 1e-3);
    const lib = loadCellLibrary(LIB);
    const again = computeCellLibrary({ periodNm: lib.periodNm, heightNm: lib.heightNm, radiiNm: lib.radiiNm, wavelengthsNm: lib.wavelengthsNm });
    for (let w = 0; w < lib.wavelengthsNm.length; w += 7)
      for (let r = 0; r < lib.radiiNm.length; r += 5) assert.ok(Math.abs(again.phaseRad[w]![r]! - lib.phaseRad[w]![r]!) < 1e-5);
    for (const wl of [450, 550, 650]) assert.ok(phaseCoverage(lib, wl) >= 2 * Math.PI, `coverage at ${wl}`);
  });

  it("bad libraries fail with the file, key, expected and found", () => {
    const lib = loadCellLibrary(LIB);
    assert.throws(() => validateLibrary({ ...lib, radiiNm: [3, 2, 1] }, "bad.json"), /bad\.json: key 'radiiNm': expected an ascending list/);
    assert.throws(() => validateLibrary({ ...lib, phaseRad: lib.phaseRad.slice(1) }, "bad.json"), /bad\.json: key 'phaseRad': expected 31 rows/);
    assert.throws(() => loadCellLibrary("missing.json"), /missing\.json: cannot read cell library \(ENOENT\)/);
  });
});
