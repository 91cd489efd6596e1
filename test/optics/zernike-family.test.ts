import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { validate, object } from "../../src/config/schema";
import { Rng } from "../../src/util/rng";
import { ConfigError } from "../../src/util/errors";
import { zernikeFamily, ZernikeSource, SvdV2ZernikeSource } from "../../src/psf/families/zernike";
import type { FamilyContext } from "../../src/psf/families/family";
import type { FieldPoint, PsfSource } from "../../src/psf/source";

const H = 512, W = 512, R = 0.5 * Math.hypot(H, W);

function ctx(over: Partial<FamilyContext> = {}): FamilyContext {
  return {
    sensor: { heightPx: H, widthPx: W, pixelPitchUm: 2 },
    kernelSize: 32,
    wavelengthsNm: [685, 532.8, 472.5],
    compat: "none",
    configFile: "test.yml",
    keyPath: "psf",
    ...over,
  };
}

async function make(section: Record<string, unknown>, c: FamilyContext = ctx()): Promise<PsfSource> {
  // Validated under `psf:` as in a stage-1 config, so schema errors carry the same key paths.
  const { value } = validate(object({ psf: zernikeFamily.schema }), { psf: { type: "zernike", ...section } }, c.configFile);
  return zernikeFamily.create(value.psf, c);
}

function point(xc: number, yc: number, channel = 1, wavelengthsNm = [685, 532.8, 472.5]): FieldPoint {
  return { ix: 0, iy: 0, xImg: xc + W / 2, yImg: yc + H / 2, xc, yc, fieldRadiusPx: R, channel, wavelengthNm: wavelengthsNm[channel]! };
}

/** Principal-axis angle (radians, mod pi) of the kernel's second-moment tensor. */
function principalAngle(kernel: Float32Array, k: number): number {
  let s = 0, mx = 0, my = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) { const v = kernel[i * k + j]!; s += v; mx += v * j; my += v * i; }
  mx /= s; my /= s;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const v = kernel[i * k + j]!;
      sxx += v * (j - mx) ** 2; syy += v * (i - my) ** 2; sxy += v * (j - mx) * (i - my);
    }
  return 0.5 * Math.atan2(2 * sxy, sxx - syy);
}

function angleDiffModPi(a: number, b: number): number {
  let d = (a - b) % Math.PI;
  if (d < 0) d += Math.PI;
  return Math.min(d, Math.PI - d);
}

describe("psf family zernike", () => {
  it("builds from a config section; kernels sum to 1 and metadata matches its keys", async () => {
    const src = await make({ f_number: 2.8, coefficients: [0, 0, 0, 0, 0.1] });
    assert.equal(src.kernelSize, 32);
    const s = src.psfAt(point(100, -50), new Rng(1));
    assert.equal(s.kernel.length, 32 * 32);
    assert.ok(Math.abs(s.kernel.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.equal(s.metadata!.length, src.metadataKeys.length);
    assert.deepEqual(src.metadataKeys.slice(0, 6), ["osa0", "osa1", "osa2", "osa3", "osa4", "osa5"]);
    assert.ok(Math.abs(s.metadata![4]! - 0.1) < 1e-15); // OSA 4 = defocus
    assert.deepEqual(src.metadataKeys.slice(-2), ["strehl", "energy_in_kernel"]);
  });

  it("noll ordering: coefficients and metadata keys use Noll indices", async () => {
    const src = (await make({ f_number: 2.8, ordering: "noll", coefficients: [0, 0, 0, 0.1] })) as ZernikeSource;
    assert.equal(src.metadataKeys[0], "noll1");
    assert.deepEqual(src.modes[3], { n: 2, m: 0 }); // Noll 4 = defocus
    const osa = (await make({ f_number: 2.8, coefficients: [0, 0, 0, 0, 0.1] })) as ZernikeSource;
    const a = src.psfAt(point(10, 10), new Rng(0)).kernel, b = osa.psfAt(point(10, 10), new Rng(0)).kernel;
    assert.deepEqual(Array.from(a), Array.from(b));
  });

  it("field law: coefficients follow c(h) and rotate with the field azimuth", async () => {
    const src = (await make({
      f_number: 2.8,
      field: [
        { mode: [2, 2], c: [0, 0, 0.4] },
        { mode: [3, 1], c: [0.05, 0.2] },
        { mode: [4, 0], c: [0.1] },
      ],
    })) as ZernikeSource;
    const idx = (n: number, m: number) => src.modes.findIndex((md) => md.n === n && md.m === m);
    const centre = src.coefficientsAt(point(0, 0), new Rng(0));
    assert.equal(centre[idx(2, 2)], 0);
    assert.equal(centre[idx(4, 0)], 0.1);
    assert.ok(Math.abs(centre[idx(3, 1)]! - 0.05) < 1e-15); // phi = atan2(0, 0) = 0
    // Field point at h = 0.5, azimuth 30 degrees (y down).
    const phi = Math.PI / 6, r = 0.5 * R;
    const c = Float64Array.from(src.coefficientsAt(point(r * Math.cos(phi), r * Math.sin(phi)), new Rng(0)));
    const astig = 0.4 * 0.25, coma = 0.05 + 0.2 * 0.5;
    assert.ok(Math.abs(c[idx(2, 2)]! - astig * Math.cos(2 * phi)) < 1e-12);
    assert.ok(Math.abs(c[idx(2, -2)]! - astig * Math.sin(2 * phi)) < 1e-12);
    assert.ok(Math.abs(c[idx(3, 1)]! - coma * Math.cos(phi)) < 1e-12);
    assert.ok(Math.abs(c[idx(3, -1)]! - coma * Math.sin(phi)) < 1e-12);
    assert.equal(c[idx(4, 0)], 0.1);
  });

  it("astigmatism from the field law elongates the PSF along the radial/tangential axes at every azimuth", async () => {
    const src = await make({ f_number: 2.8, field: [{ mode: [2, 2], c: [0, 0, 0.5] }, { mode: [2, 0], c: [0, 0, 0.3] }] });
    for (const deg of [20, 75, 140, 250]) {
      const phi = (deg * Math.PI) / 180;
      const k = src.psfAt(point(0.9 * R * Math.cos(phi), 0.9 * R * Math.sin(phi)), new Rng(0)).kernel;
      const ang = principalAngle(k, 32);
      const off = Math.min(angleDiffModPi(ang, phi), angleDiffModPi(ang, phi + Math.PI / 2));
      assert.ok(off < (2 * Math.PI) / 180, `azimuth ${deg}: principal axis ${(ang * 180) / Math.PI} deg`);
    }
  });

  it("random law: every channel at a position shares one draw; std grows with field radius", async () => {
    const src = (await make({ f_number: 2.8, random: { max_order: 4, std: 0.01, field_std: 0.09, field_power: 2 } })) as ZernikeSource;
    const nModes = src.modes.length;
    // Modes with n < 2 (piston, tilts) are never drawn.
    const a = Float64Array.from(src.coefficientsAt(point(300, 0, 0), new Rng("p").fork("pos:0,0")));
    const b = Float64Array.from(src.coefficientsAt(point(300, 0, 2), new Rng("p").fork("pos:0,0")));
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.deepEqual(Array.from(a.slice(0, 3)), [0, 0, 0]);
    const sampleStd = (xc: number) => {
      const rng = new Rng("stats");
      let s2 = 0, n = 0;
      for (let t = 0; t < 400; t++) {
        const c = src.coefficientsAt(point(xc, 0), rng);
        for (let i = 3; i < nModes; i++) { s2 += c[i]! ** 2; n++; }
      }
      return Math.sqrt(s2 / n);
    };
    const sc = sampleStd(0), se = sampleStd(R);
    assert.ok(Math.abs(sc - 0.01) < 0.001, `centre std ${sc}`);
    assert.ok(Math.abs(se - 0.1) < 0.01, `edge std ${se}`);
    // Same seed -> same kernels; different wavelength -> different kernel.
    const k1 = src.psfAt(point(200, 100, 1), new Rng(5)).kernel, k2 = src.psfAt(point(200, 100, 1), new Rng(5)).kernel;
    assert.deepEqual(Array.from(k1), Array.from(k2));
    const k3 = src.psfAt(point(200, 100, 0), new Rng(5)).kernel;
    assert.notDeepEqual(Array.from(k1), Array.from(k3));
  });

  it("a diffraction-limited source gives wider Airy cores at longer wavelengths; per-channel coefficient lists apply per channel", async () => {
    const src = await make({ f_number: 4, coefficients: [[0, 0, 0, 0, 0.3], [0], [0]] });
    const peak = (ch: number) => { const kk = src.psfAt(point(0, 0, ch), new Rng(0)).kernel; return kk[16 * 32 + 16]!; };
    assert.ok(peak(1) > peak(0) * 1.2); // ch0: 685 nm and 0.3 waves of defocus
    assert.ok(peak(2) > peak(1)); // 472.5 nm core is smaller than 532.8 nm
  });

  it("unit um: the same OPD gives less phase at longer wavelengths", async () => {
    const src = (await make({ f_number: 2.8, unit: "um", coefficients: [0, 0, 0, 0, 0.1] })) as ZernikeSource;
    const red = src.psfAt(point(0, 0, 0), new Rng(0)).metadata!;
    const blue = src.psfAt(point(0, 0, 2), new Rng(0)).metadata!;
    const strehl = (m: number[]) => m[m.length - 2]!;
    assert.ok(strehl(red) > strehl(blue));
    // 0.1 um of defocus RMS = 0.146 waves at 685 nm: Strehl sinc^2(pi * 2 sqrt(3) * 0.146) = 0.403
    const w20 = 2 * Math.sqrt(3) * (0.1 / 0.685);
    assert.ok(Math.abs(strehl(red) - (Math.sin(Math.PI * w20) / (Math.PI * w20)) ** 2) < 2e-3);
  });

  it("reports bad configs with file, key, expectation and value", async () => {
    const bad = async (section: Record<string, unknown>, key: RegExp, c?: FamilyContext) => {
      await assert.rejects(make(section, c), (e: unknown) => e instanceof ConfigError && key.test(e.message) && /test\.yml/.test(e.message));
    };
    await bad({}, /psf\.f_number/);
    await bad({ f_number: 2.8 }, /psf\.pixel_pitch_um/, ctx({ sensor: { heightPx: H, widthPx: W } }));
    await bad({ f_number: 2.8, field: [{ mode: [2, 1], c: [0.1] }] }, /psf\.field\[0\]\.mode/);
    await bad({ f_number: 2.8, coefficients: [[0.1], [0.2]] }, /psf\.coefficients/);
    await bad({ f_number: 2.8, ordering: "zemax" }, /psf\.ordering/);
    await bad({ f_number: 2.8, radial_order: 4 }, /psf\.radial_order/);
    await bad({ f_number: 2.8, oversample: 1, padding: 1 }, /psf\.oversample/, ctx({ sensor: { heightPx: H, widthPx: W, pixelPitchUm: 10 } }));
    await bad({ f_number: 2.8, random: { max_order: 4, sdt: 0.1 } }, /psf\.random\.sdt/);
  });
});

describe("psf family zernike, compat svd-v2 (the original's law)", () => {
  const fixture = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "zernike_svdv2.json"), "utf8")) as {
    cases: { k: number; n: number; z: number[]; psf: number[] }[];
  };
  for (const c of fixture.cases)
    it(`matches the NumPy implementation of spec §3.6 (k=${c.k}, n=${c.n})`, () => {
      const src = new SvdV2ZernikeSource(c.k, c.n);
      const got = src.psfFromCoefficients(c.z);
      const peak = Math.max(...c.psf);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - c.psf[i]!));
      assert.ok(worst < 1e-5 * peak, `max deviation ${worst} (peak ${peak})`);
    });

  it("draws N = (n+1)(n+2)/2 coefficients with the original's std law and returns them as metadata", async () => {
    const src = await make({ radial_order: 3 }, ctx({ compat: "svd-v2", kernelSize: 16 }));
    assert.equal(src.metadataKeys.length, 10);
    const rng = new Rng("v2");
    const sums = new Float64Array(10);
    const T = 3000;
    for (let t = 0; t < T; t++) {
      const md = (src as SvdV2ZernikeSource).psfAt(point(0, 0), rng).metadata!;
      md.forEach((v, i) => (sums[i] += v * v));
    }
    for (let i = 0; i < 10; i++) {
      const ti = (20 * i) / 9;
      const expected = 1.8659 * Math.exp(-0.005 * ti * ti);
      assert.ok(Math.abs(Math.sqrt(sums[i]! / T) / expected - 1) < 0.06, `coefficient ${i}`);
    }
  });
});
