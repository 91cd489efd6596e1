import { strict as assert } from "node:assert";
import { fft2InPlace, fftshift2 } from "../../src/fft";
import { psfMtf, otfMagnitude, directionalMtf, gaussianMtf, diffractionMtf, mtfCrossing, toCyclesPerMm } from "../../src/metrics";

/** Sampled elliptical Gaussian: sigma `sr` along angle `phi` (from +x toward +y), `ss` across it. */
function gaussianPsf(k: number, sr: number, ss: number, phi: number): Float64Array {
  const p = new Float64Array(k * k);
  const c = k / 2;
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++) {
      const u = (x - c) * Math.cos(phi) + (y - c) * Math.sin(phi);
      const v = -(x - c) * Math.sin(phi) + (y - c) * Math.cos(phi);
      p[y * k + x] = Math.exp(-(u * u) / (2 * sr * sr) - (v * v) / (2 * ss * ss));
    }
  return p;
}

describe("MTF from PSFs", () => {
  it("isotropic Gaussian PSF: tangential, sagittal and radial curves equal exp(-2 pi^2 sigma^2 f^2)", () => {
    const k = 64;
    const sigma = 2;
    const r = psfMtf(gaussianPsf(k, sigma, sigma, 0), k, { fieldOffsetPx: [10, -30] });
    for (const [name, curve, tol] of [
      ["tangential", r.tangential, 1e-6],
      ["sagittal", r.sagittal, 1e-6],
      // the annulus average of a curved function is slightly biased; nearest-bin rounding
      ["radial", r.radial!, 0.02],
    ] as const) {
      let maxErr = 0;
      curve.freqCyPx.forEach((f, i) => (maxErr = Math.max(maxErr, Math.abs(curve.mtf[i]! - gaussianMtf(f, sigma)))));
      assert.ok(maxErr < tol, `${name}: max |MTF - analytic| = ${maxErr}`);
    }
    // MTF50 of a Gaussian: sqrt(ln 2 / (2 pi^2)) / sigma
    const expected50 = Math.sqrt(Math.LN2 / (2 * Math.PI * Math.PI)) / sigma;
    assert.ok(Math.abs(r.summary.tangential.mtf50! - expected50) < 2e-3, `MTF50 ${r.summary.tangential.mtf50} vs ${expected50}`);
  });

  it("elliptical Gaussian at an oblique field position: tangential follows the field direction", () => {
    const k = 64;
    const phi = Math.atan2(-25, 40); // field at dy = -25, dx = 40
    const sr = 2.5; // along the field direction (tangential blur)
    const ss = 1.2;
    const r = psfMtf(gaussianPsf(k, sr, ss, phi), k, { fieldOffsetPx: [-25, 40], pixelPitchUm: 2 });
    r.tangential.freqCyPx.forEach((f, i) => {
      assert.ok(Math.abs(r.tangential.mtf[i]! - gaussianMtf(f, sr)) < 1e-6, `tangential at ${f}`);
      assert.ok(Math.abs(r.sagittal.mtf[i]! - gaussianMtf(f, ss)) < 1e-6, `sagittal at ${f}`);
    });
    assert.ok(Math.abs(r.freqCyPerMm![r.freqCyPerMm!.length - 1]! - 250) < 1e-9, "Nyquist of a 2 um pitch is 250 cy/mm");
    assert.ok(Math.abs(r.summary.sagittal.mtf50CyPerMm! - toCyclesPerMm(r.summary.sagittal.mtf50!, 2)) < 1e-12);
  });

  it("on-axis 2D OTF row equals the x-direction DTFT at FFT bins", () => {
    const k = 32;
    const psf = gaussianPsf(k, 1.3, 0.9, 0.4);
    const otf = otfMagnitude(psf, k);
    const dx = directionalMtf(psf, k, 0);
    // (the Nyquist bin +k/2 sits at column 0 of the shifted array, as -1/2)
    for (let i = 0; i < k / 2; i++) assert.ok(Math.abs(otf[(k / 2) * k + k / 2 + i]! - dx.mtf[i]!) < 1e-9, `bin ${i}: ${otf[(k / 2) * k + k / 2 + i]} vs ${dx.mtf[i]}`);
    assert.ok(Math.abs(otf[(k / 2) * k]! - dx.mtf[k / 2]!) < 1e-9);
  });

  it("diffraction-limited circular pupil: MTF matches (2/pi)(acos v - v sqrt(1 - v^2)), v = f lambda N", () => {
    // PSF = |FFT(pupil)|^2 on an M x M grid, pupil radius R samples (anti-aliased edge). The PSF sample
    // spacing is lambda N (2R) / M, so the cut-off 1/(lambda N) falls at 2R/M cycles/pixel.
    const M = 256;
    const R = 40;
    const wavelengthNm = 550;
    const fNumber = 4;
    const pitchUm = ((wavelengthNm / 1000) * fNumber * 2 * R) / M;
    const z = new Float64Array(2 * M * M);
    const sub = 8;
    for (let y = 0; y < M; y++)
      for (let x = 0; x < M; x++) {
        let inside = 0;
        for (let a = 0; a < sub; a++)
          for (let b = 0; b < sub; b++) {
            const px = x - M / 2 + (b + 0.5) / sub - 0.5;
            const py = y - M / 2 + (a + 0.5) / sub - 0.5;
            if (px * px + py * py <= R * R) inside++;
          }
        z[2 * (y * M + x)] = inside / (sub * sub);
      }
    fft2InPlace(z, M, M, false);
    const unshifted = new Float64Array(M * M);
    for (let i = 0; i < M * M; i++) unshifted[i] = z[2 * i]! ** 2 + z[2 * i + 1]! ** 2;
    const psf = fftshift2(unshifted, M, M); // centre the PSF (its DFT origin is pixel 0)
    const r = psfMtf(psf, M, { pixelPitchUm: pitchUm, radial: false });
    let maxErr = 0;
    r.freqCyPerMm!.forEach((fmm, i) => {
      const e = Math.abs(r.sagittal.mtf[i]! - diffractionMtf(fmm, wavelengthNm, fNumber));
      maxErr = Math.max(maxErr, e, Math.abs(r.tangential.mtf[i]! - diffractionMtf(fmm, wavelengthNm, fNumber)));
    });
    assert.ok(maxErr < 0.01, `max |MTF - diffraction MTF| = ${maxErr}`);
    // An oblique direction sees the same (rotationally symmetric) MTF.
    const oblique = directionalMtf(psf, M, 0.6);
    oblique.freqCyPx.forEach((f, i) => {
      const e = Math.abs(oblique.mtf[i]! - diffractionMtf(toCyclesPerMm(f, pitchUm), wavelengthNm, fNumber));
      assert.ok(e < 0.01, `oblique at ${f} cy/px: error ${e}`);
    });
    // MTF50 of the diffraction MTF is at v = 0.4040 (root of the analytic formula).
    const mtf50mm = r.summary.tangential.mtf50CyPerMm!;
    assert.ok(Math.abs(mtf50mm * (wavelengthNm * 1e-6) * fNumber - 0.404) < 0.005, `MTF50 v = ${mtf50mm * 550e-6 * 4}`);
  });

  it("rejects bad kernels clearly", () => {
    assert.throws(() => psfMtf(new Float64Array(10), 3), /argument 'psf': expected a k\*k kernel/);
    assert.throws(() => psfMtf(new Float64Array(9), 3), /positive finite sum/);
    assert.equal(mtfCrossing({ freqCyPx: Float64Array.from([0, 0.5]), mtf: Float64Array.from([1, 0.9]) }, 0.5), null);
  });
});
