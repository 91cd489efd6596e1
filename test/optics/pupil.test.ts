import { strict as assert } from "node:assert";
import { planPupilSampling, fourierPsfModel, zernikePsf, FourierPsfModel, type ZernikeWavefront } from "../../src/optics/pupil";
import { airyFirstZeroUm, airyIntensity, besselJ1 } from "../../src/optics/airy";
import { fft2, complexAbs2 } from "../../src/fft";

const FLAT: ZernikeWavefront = { modes: [], coefficients: [], unit: "waves" };

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

/** Centroid (column, row) in pixels relative to the kernel centre floor(k/2). */
function centroid(kernel: Float32Array, k: number): [number, number] {
  const c = Math.floor(k / 2);
  let sx = 0, sy = 0, s = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const v = kernel[i * k + j]!;
      s += v;
      sx += v * (j - c);
      sy += v * (i - c);
    }
  return [sx / s, sy / s];
}

function rmsRadius(kernel: Float32Array, k: number): number {
  const [cx, cy] = centroid(kernel, k);
  const c = Math.floor(k / 2);
  let s = 0, m2 = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const v = kernel[i * k + j]!;
      s += v;
      m2 += v * ((j - c - cx) ** 2 + (i - c - cy) ** 2);
    }
  return Math.sqrt(m2 / s);
}

describe("optics/pupil sampling plan", () => {
  it("chooses q, padding = q lambda N / pitch and Np = M / padding so the sample spacing is pitch / q", () => {
    // lambda N = 0.55 * 2.8 = 1.54 um, pitch 3.45 um: q = ceil(2 * 3.45 / 1.54) = 5.
    const s = planPupilSampling({ wavelengthNm: 550, fNumber: 2.8, pixelPitchUm: 3.45, kernelSize: 32 });
    assert.equal(s.oversample, 5);
    assert.ok(Math.abs(s.padding - (5 * 1.54) / 3.45) < 1e-12);
    assert.equal(s.fftSize, 256); // smallest power of two >= max(64 * 2.23, 32 * 5)
    assert.ok(Math.abs(s.pupilDiameterSamples - 256 / s.padding) < 1e-12);
    // The defining relation du = lambda N Np / M equals pitch / q.
    assert.ok(Math.abs((1.54 * s.pupilDiameterSamples) / s.fftSize - 3.45 / 5) < 1e-12);
    assert.ok(Math.abs(s.sampleSpacingUm - 0.69) < 1e-12);
  });

  it("honours explicit fftSize, oversample, padding and pupilSamples", () => {
    const s = planPupilSampling({ wavelengthNm: 500, fNumber: 4, pixelPitchUm: 1, kernelSize: 16, oversample: 3, fftSize: 300 });
    assert.equal(s.fftSize, 300);
    assert.equal(s.oversample, 3);
    assert.ok(Math.abs(s.padding - 6) < 1e-12 && Math.abs(s.pupilDiameterSamples - 50) < 1e-12);
    const p = planPupilSampling({ wavelengthNm: 500, fNumber: 4, pixelPitchUm: 1, kernelSize: 16, padding: 4, pupilSamples: 100 });
    assert.equal(p.oversample, 2); // smallest q with q * 2 um / 1 um >= 4
    assert.equal(p.fftSize, 512); // >= 100 * 4
  });

  it("rejects impossible or invalid sampling with the argument named", () => {
    assert.throws(() => planPupilSampling({ wavelengthNm: -1, fNumber: 2, pixelPitchUm: 1, kernelSize: 8 }), /wavelengthNm/);
    assert.throws(() => planPupilSampling({ wavelengthNm: 500, fNumber: 2, pixelPitchUm: 1, kernelSize: 0 }), /kernelSize/);
    assert.throws(() => planPupilSampling({ wavelengthNm: 500, fNumber: 2, pixelPitchUm: 1, kernelSize: 64, fftSize: 32 }), /fftSize/);
    // q = 1 at lambda N = 1 um, pitch 2 um gives padding 0.5: the pupil cannot fit.
    assert.throws(() => planPupilSampling({ wavelengthNm: 500, fNumber: 2, pixelPitchUm: 2, kernelSize: 8, oversample: 1 }), /oversample/);
    assert.throws(() => fourierPsfModel(planPupilSampling({ wavelengthNm: 500, fNumber: 2, pixelPitchUm: 1, kernelSize: 8 }), { obscuration: 1 }), /obscuration/);
  });
});

describe("optics/pupil diffraction-limited PSF (Airy)", () => {
  // Fine pixels (lambda N / 20) with q = 1, so kernel pixels are point samples of the intensity.
  const lambdaNm = 550, N = 4, lambdaN = 0.55 * 4;
  const pitch = lambdaN / 20;
  const k = 64, c = 32;
  const model = fourierPsfModel(planPupilSampling({ wavelengthNm: lambdaNm, fNumber: N, pixelPitchUm: pitch, kernelSize: k, pupilSamples: 96 }));
  const psf = model.psf(FLAT);

  it("sums to 1 with the peak on pixel (k/2, k/2) and Strehl 1", () => {
    const sum = psf.kernel.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
    assert.equal(argmax(psf.kernel), c * k + c);
    assert.ok(Math.abs(psf.strehl - 1) < 1e-12);
  });

  it("has its first dark ring at 1.22 lambda N (radial profile minimum within 0.05%)", () => {
    const expected = airyFirstZeroUm(lambdaNm, N); // 2.683 um = 24.4 px
    // Profiles along +x, -x, +y, -y. The field amplitude changes sign at the dark ring, so the
    // zero is located as the root of a cubic through the signed amplitudes +sqrt(I), +sqrt(I),
    // -sqrt(I), -sqrt(I) at the four samples around the discrete minimum.
    const profiles = [
      (r: number) => psf.kernel[c * k + c + r]!,
      (r: number) => psf.kernel[c * k + c - r]!,
      (r: number) => psf.kernel[(c + r) * k + c]!,
      (r: number) => psf.kernel[(c - r) * k + c]!,
    ];
    for (const prof of profiles) {
      let im = 1;
      for (let r = 1; r < 30; r++) if (prof(r) < prof(im)) im = r;
      const r0 = prof(im - 1) < prof(im + 1) ? im - 1 : im; // the zero lies in [r0, r0 + 1]
      const xs = [r0 - 1, r0, r0 + 1, r0 + 2];
      const amp = xs.map((r, i) => (i < 2 ? 1 : -1) * Math.sqrt(prof(r)));
      const cubic = (x: number) =>
        xs.reduce((acc, xi, i) => acc + amp[i]! * xs.reduce((p, xj, j) => (j === i ? p : (p * (x - xj)) / (xi - xj)), 1), 0);
      let lo = r0, hi = r0 + 1; // bisection: cubic(lo) > 0 > cubic(hi)
      for (let it = 0; it < 60; it++) {
        const mid = 0.5 * (lo + hi);
        if (cubic(mid) > 0) lo = mid;
        else hi = mid;
      }
      const zeroUm = lo * pitch;
      const rel = Math.abs(zeroUm - expected) / expected;
      assert.ok(rel < 5e-4, `first zero at ${zeroUm} um, expected ${expected} um (rel. error ${rel})`);
    }
  });

  it("matches the analytic Airy intensity [2 J1(x)/x]^2 over the whole kernel", () => {
    const peak = psf.kernel[c * k + c]!;
    let worst = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const rUm = Math.hypot(i - c, j - c) * pitch;
        worst = Math.max(worst, Math.abs(psf.kernel[i * k + j]! / peak - airyIntensity(rUm, lambdaNm, N)));
      }
    assert.ok(worst < 2e-3, `max deviation ${worst} of the peak`);
  });

  it("with a central obscuration matches the annular-aperture formula", () => {
    const eps = 0.35;
    const m = fourierPsfModel(model.sampling, { obscuration: eps });
    const p = m.psf(FLAT).kernel;
    const amp = (x: number) => (x < 1e-9 ? 1 : (2 * besselJ1(x)) / x);
    const annular = (rUm: number) => {
      const x = (Math.PI * rUm) / lambdaN;
      const v = (amp(x) - eps * eps * amp(eps * x)) / (1 - eps * eps);
      return v * v;
    };
    const peak = p[c * k + c]!;
    let worst = 0;
    for (let j = 0; j < k; j++) worst = Math.max(worst, Math.abs(p[c * k + j]! / peak - annular(Math.abs(j - c) * pitch)));
    assert.ok(worst < 3e-3, `max deviation ${worst}`);
  });

  it("pixel-integrated kernels (q = 2, even: half-sample ramp) equal the Airy pattern sampled at the same sub-pixel points", () => {
    // lambda N = 1.54 um, pitch 1 um: q = 2, fine samples at +-0.25 px around each pixel centre.
    const s = planPupilSampling({ wavelengthNm: 550, fNumber: 2.8, pixelPitchUm: 1, kernelSize: 15 });
    assert.equal(s.oversample, 2);
    const p = fourierPsfModel(s).psf(FLAT).kernel;
    const kk = 15, cc = 7;
    const ref = new Float64Array(kk * kk);
    let tot = 0;
    for (let i = 0; i < kk; i++)
      for (let j = 0; j < kk; j++) {
        let acc = 0;
        for (const dy of [-0.25, 0.25]) for (const dx of [-0.25, 0.25]) acc += airyIntensity(Math.hypot(j - cc + dx, i - cc + dy), 550, 2.8);
        ref[i * kk + j] = acc;
        tot += acc;
      }
    let worst = 0;
    for (let i = 0; i < kk * kk; i++) worst = Math.max(worst, Math.abs(p[i]! - ref[i]! / tot));
    assert.ok(worst < 5e-4, `max deviation ${worst} (peak ${p[cc * kk + cc]})`);
    assert.equal(argmax(p), cc * kk + cc);
  });
});

describe("optics/pupil energy and the pruned transform", () => {
  for (const [label, opts] of [
    ["q = 1, even k", { wavelengthNm: 600, fNumber: 5, pixelPitchUm: 1, kernelSize: 24 }],
    ["q = 2, odd k", { wavelengthNm: 550, fNumber: 2.8, pixelPitchUm: 1, kernelSize: 15 }],
    ["q = 3, Bluestein size", { wavelengthNm: 450, fNumber: 2, pixelPitchUm: 1.2, kernelSize: 9, fftSize: 120 }],
  ] as const) {
    it(`kernel and energy equal a full 2D FFT of the padded pupil (${label}); Parseval holds`, () => {
      const s = planPupilSampling(opts);
      const m = new FourierPsfModel(s);
      const modes = [{ n: 2, m: 0 }, { n: 3, m: 1 }, { n: 2, m: -2 }];
      const coefficients = [0.15, -0.1, 0.08];
      const got = m.psf({ modes, coefficients, unit: "waves" });
      // Same phase, full transform.
      const B = m.basis(modes);
      const nP = m.pupilPointCount;
      const phase = new Float64Array(nP);
      for (let t = 0; t < modes.length; t++) for (let i = 0; i < nP; i++) phase[i] = phase[i]! + 2 * Math.PI * coefficients[t]! * B[t * nP + i]!;
      const M = s.fftSize;
      const field = m.pupilField(phase);
      const I = complexAbs2(fft2(field, M, M));
      const pupilEnergy = complexAbs2(field).reduce((a, b) => a + b, 0);
      const total = I.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total / (M * M * pupilEnergy) - 1) < 1e-12, "Parseval");
      const idx = m.fineSampleIndices();
      const { kernelSize: k, oversample: q } = s;
      const ref = new Float64Array(k * k);
      let win = 0;
      for (let a = 0; a < k * q; a++)
        for (let b = 0; b < k * q; b++) {
          const v = I[idx[a]! * M + idx[b]!]!;
          ref[Math.floor(a / q) * k + Math.floor(b / q)] += v;
          win += v;
        }
      let worst = 0;
      for (let i = 0; i < k * k; i++) worst = Math.max(worst, Math.abs(got.kernel[i]! - ref[i]! / win));
      assert.ok(worst < 1e-6, `kernel deviation ${worst}`);
      assert.ok(Math.abs(got.energyInKernel - win / total) < 1e-9);
      assert.ok(got.energyInKernel > 0.5 && got.energyInKernel < 1);
    });
  }
});

describe("optics/pupil aberrations", () => {
  const lambdaNm = 550, N = 4, lambdaN = 2.2;
  const pitch = lambdaN / 4; // 0.55 um
  const k = 96, c = 48;
  const model = fourierPsfModel(planPupilSampling({ wavelengthNm: lambdaNm, fNumber: N, pixelPitchUm: pitch, kernelSize: k }));

  it("x/y tilt shifts the PSF by 2 lambda N * (Zernike tilt gradient): exact for whole-pixel shifts", () => {
    // W = a Z(1,1) = 2 a x_n -> shift 4 a lambda N; 3 px = 1.65 um -> a = 3 * 0.55 / (4 * 2.2) = 0.1875 waves.
    const base = model.psf(FLAT);
    const tilted = model.psf({ modes: [{ n: 1, m: 1 }, { n: 1, m: -1 }], coefficients: [0.1875, -0.125], unit: "waves" });
    // y: -0.125 waves -> -2 px. Compare un-normalised intensities where both windows overlap.
    let worst = 0, peak = 0;
    for (let i = 2; i < k; i++)
      for (let j = 0; j < k - 3; j++) {
        const a = base.kernel[i * k + j]! * base.energyInKernel;
        const b = tilted.kernel[(i - 2) * k + j + 3]! * tilted.energyInKernel;
        worst = Math.max(worst, Math.abs(a - b));
        peak = Math.max(peak, a);
      }
    assert.ok(worst < 1e-6 * peak, `shifted kernels differ by ${worst} (peak ${peak})`);
    assert.equal(argmax(tilted.kernel), (c - 2) * k + c + 3);
  });

  it("tilt moves the centroid by 4 a lambda N for fractional shifts too", () => {
    const a = 0.1, b = 0.06; // expected shifts 0.88 um = 1.6 px (x), 0.528 um = 0.96 px (y)
    const [cx0, cy0] = centroid(model.psf(FLAT).kernel, k);
    const [cx, cy] = centroid(model.psf({ modes: [{ n: 1, m: 1 }, { n: 1, m: -1 }], coefficients: [a, b], unit: "waves" }).kernel, k);
    assert.ok(Math.abs((cx - cx0) * pitch - 4 * a * lambdaN) < 0.03 * 4 * a * lambdaN, `x shift ${(cx - cx0) * pitch}`);
    assert.ok(Math.abs((cy - cy0) * pitch - 4 * b * lambdaN) < 0.03 * 4 * b * lambdaN, `y shift ${(cy - cy0) * pitch}`);
  });

  it("defocus Strehl equals the exact sinc^2(pi W20) with W20 = 2 sqrt(3) c", () => {
    for (const cw of [0.02, 0.05, 0.1, 0.2]) {
      const p = model.psf({ modes: [{ n: 2, m: 0 }], coefficients: [cw], unit: "waves" });
      const w20 = 2 * Math.sqrt(3) * cw;
      const exact = (Math.sin(Math.PI * w20) / (Math.PI * w20)) ** 2;
      assert.ok(Math.abs(p.strehl - exact) < 1e-3, `c=${cw}: ${p.strehl} vs ${exact}`);
    }
  });

  it("defocus broadens the PSF monotonically (RMS radius up, peak down)", () => {
    let lastR = 0, lastPeak = Infinity;
    for (const cw of [0, 0.1, 0.2, 0.35]) {
      const p = model.psf({ modes: [{ n: 2, m: 0 }], coefficients: [cw], unit: "waves" });
      const r = rmsRadius(p.kernel, k);
      const pk = p.kernel[c * k + c]! * p.energyInKernel;
      assert.ok(r > lastR && pk < lastPeak, `c=${cw}: radius ${r}, peak ${pk}`);
      lastR = r;
      lastPeak = pk;
    }
  });

  it("coefficients in micrometres of OPD equal waves times 1000 / wavelengthNm", () => {
    const modes = [{ n: 2, m: 2 }, { n: 3, m: -1 }];
    const w = model.psf({ modes, coefficients: [0.1, 0.05], unit: "waves" }).kernel.slice();
    const u = model.psf({ modes, coefficients: [0.1 * 0.55, 0.05 * 0.55], unit: "um" }).kernel;
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i]! - u[i]!));
    assert.ok(worst < 1e-7);
  });

  it("zernikePsf one-call helper reuses cached models; coefficient count is checked", () => {
    const opts = { wavelengthNm: lambdaNm, fNumber: N, pixelPitchUm: pitch, kernelSize: k };
    const a = zernikePsf(opts, FLAT).kernel;
    assert.equal(argmax(a), c * k + c);
    assert.equal(fourierPsfModel(planPupilSampling(opts)), model);
    assert.throws(() => model.psf({ modes: [{ n: 2, m: 0 }], coefficients: [1, 2], unit: "waves" }), /coefficients/);
  });
});
