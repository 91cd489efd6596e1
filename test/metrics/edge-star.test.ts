import { strict as assert } from "node:assert";
import { Rng } from "../../src/util/rng";
import { slantedEdgeTarget, slantedEdgeMtf, siemensStarTarget, siemensStarMtf, gaussianBlur, gaussianMtf, erf } from "../../src/metrics";

describe("slanted-edge MTF (ISO 12233)", () => {
  // Synthetic edges: the exact image of a straight edge blurred by a Gaussian (normal-CDF profile),
  // point-sampled, so the system MTF is exactly exp(-2 pi^2 sigma^2 f^2).
  for (const [angleDeg, sigmaPx, size] of [
    [5, 0.6, 100],
    [5, 1.0, 100],
    [-7, 0.8, 96],
    [3, 1.5, 128],
    [84, 0.9, 100], // near-horizontal edge: analysed transposed
  ] as const) {
    it(`edge at ${angleDeg} deg blurred by sigma ${sigmaPx} px matches the analytic MTF to 0.02 up to Nyquist`, () => {
      const img = slantedEdgeTarget({ height: size, width: size, angleDeg, sigmaPx, offsetPx: 1.3 });
      const r = slantedEdgeMtf(img);
      const tilt = Math.abs(angleDeg) > 45 ? 90 - angleDeg : angleDeg;
      assert.equal(r.orientation, Math.abs(angleDeg) > 45 ? "horizontal" : "vertical");
      assert.ok(Math.abs(Math.abs(r.angleDeg) - Math.abs(tilt)) < 0.05, `fitted angle ${r.angleDeg} vs ${tilt}`);
      let maxErr = 0;
      let n = 0;
      r.freqCyPx.forEach((f, i) => {
        if (f <= 0.5) {
          n++;
          maxErr = Math.max(maxErr, Math.abs(r.mtf[i]! - gaussianMtf(f, sigmaPx)));
        }
      });
      assert.ok(n >= 20, `only ${n} frequencies below Nyquist`);
      assert.ok(maxErr < 0.02, `max |MTF - analytic| up to Nyquist = ${maxErr}`);
      const mtf50 = Math.sqrt(Math.LN2 / (2 * Math.PI * Math.PI)) / sigmaPx;
      assert.ok(Math.abs(r.summary.mtf50! - mtf50) < 0.01, `MTF50 ${r.summary.mtf50} vs ${mtf50}`);
    });
  }

  it("stays within 0.05 of the analytic MTF with noise (SNR 100) in a region of interest of an RGB image", () => {
    const grey = slantedEdgeTarget({ height: 120, width: 140, angleDeg: 6, sigmaPx: 0.9, noiseStd: 0.006, rng: new Rng("edge-noise") });
    const rgb = new Float32Array(120 * 140 * 3);
    grey.data.forEach((v, i) => rgb.fill(v, 3 * i, 3 * i + 3));
    const r = slantedEdgeMtf({ data: rgb, height: 120, width: 140, channels: 3 }, { roi: [10, 20, 100, 100], pixelPitchUm: 3 });
    r.freqCyPx.forEach((f, i) => {
      if (f <= 0.5) assert.ok(Math.abs(r.mtf[i]! - gaussianMtf(f, 0.9)) < 0.05, `f=${f}: ${r.mtf[i]} vs ${gaussianMtf(f, 0.9)}`);
    });
    assert.ok(Math.abs(r.summary.mtf50CyPerMm! - r.summary.mtf50! / 3e-3) < 1e-9);
  });

  it("fails clearly on unusable inputs", () => {
    const flat = { data: new Float32Array(40 * 40).fill(0.5), height: 40, width: 40, channels: 1 };
    assert.throws(() => slantedEdgeMtf(flat), /no edge/);
    const straight = slantedEdgeTarget({ height: 40, width: 40, angleDeg: 0, sigmaPx: 1 });
    assert.throws(() => slantedEdgeMtf(straight), /tilt 0\.00 deg gives less than one pixel of phase shift over 40 rows/);
    const nearBorder = slantedEdgeTarget({ height: 60, width: 60, angleDeg: 5, sigmaPx: 1, offsetPx: 27 });
    assert.throws(() => slantedEdgeMtf(nearBorder), /too close to the region's border/);
    assert.throws(() => slantedEdgeMtf(straight, { roi: [0, 0, 50, 10] }), /argument 'roi'/);
    assert.throws(() => slantedEdgeMtf(straight, { channel: "luma" }), /argument 'channel'/);
  });
});

describe("Siemens star", () => {
  it("erf matches reference values", () => {
    // Abramowitz & Stegun table 7.1 / high-precision values
    for (const [x, v] of [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ]) assert.ok(Math.abs(erf(x!) - v!) < 1e-14, `erf(${x}) = ${erf(x!)}`);
  });

  it("sinusoidal star: measured contrast vs radius gives the Gaussian blur's MTF", () => {
    const star = siemensStarTarget({ size: 256, spokes: 36 });
    for (const sigma of [1, 1.5]) {
      const pts = siemensStarMtf(gaussianBlur(star, sigma), { spokes: 36, reference: star });
      let maxErr = 0;
      for (const p of pts) if (p.freqCyPx <= 0.35) maxErr = Math.max(maxErr, Math.abs(p.mtf - gaussianMtf(p.freqCyPx, sigma)));
      assert.ok(maxErr < 0.01, `sigma ${sigma}: max error ${maxErr}`);
    }
    // Without the reference the sharp star itself reads close to 1 at low frequency.
    const own = siemensStarMtf(star, { spokes: 36 });
    assert.ok(Math.abs(own[0]!.mtf - 1) < 0.02, `sharp star at ${own[0]!.freqCyPx}: ${own[0]!.mtf}`);
  });
});
