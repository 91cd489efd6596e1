import { strict as assert } from "node:assert";
import { addGaussianNoise, addPoissonGaussianNoise, cropCenter, linearToSrgb, qisGain, resizeBicubic, scenes, simulateQis, srgbToLinear } from "../../src/data";
import { makeImage } from "../../src/array";
import { Rng } from "../../src/util/rng";

const ramp = (h: number, w: number, f: (y: number, x: number) => number) => {
  const img = makeImage(h, w, 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[y * w + x] = f(y, x);
  return img;
};

describe("data: transforms, noise and scenes", () => {
  it("crop follows crop_arr: centre crop top = H//2 − h//2, pad ceil before / floor after", () => {
    const img = ramp(5, 4, (y, x) => y * 10 + x + 1);
    const c = cropCenter(img, 3, 2);
    assert.deepEqual([...c.data], [12, 13, 22, 23, 32, 33]); // top = 5//2 − 3//2 = 1, left = 4//2 − 2//2 = 1
    const p = cropCenter(ramp(1, 1, () => 5), 4, 3);
    assert.deepEqual([...p.data], [0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]); // rows: 2 before, 1 after; cols: 1 before, 1 after
  });

  it("bicubic resize: identity at factor 1, PyTorch's A = −0.75 half-pixel weights, no antialias", () => {
    const img = ramp(12, 16, (y, x) => 0.3 * y - 0.1 * x + 2);
    assert.deepEqual(resizeBicubic(img, 12, 16).data, img.data);
    // 2x down, align_corners=False: output d samples source 2d + 0.5 (t = 0.5), where the cubic
    // convolution weights with A = −0.75 are (−0.09375, 0.59375, 0.59375, −0.09375); a 1-D delta
    // at x = 5 therefore gives out[2] = 0.59375 and out[3] = −0.09375 (an antialiased resize would spread it wider).
    const delta = ramp(1, 16, (_y, x) => (x === 5 ? 1 : 0));
    const down = resizeBicubic(delta, 1, 8);
    const expected = [0, 0, 0.59375, -0.09375, 0, 0, 0, 0];
    for (let i = 0; i < 8; i++) assert.ok(Math.abs(down.data[i]! - expected[i]!) < 1e-7, `out[${i}] = ${down.data[i]}`);
    const flat = resizeBicubic(ramp(7, 9, () => 0.25), 20, 5);
    assert.ok(flat.data.every((v) => Math.abs(v - 0.25) < 1e-6), "constants are preserved");
  });

  it("QIS gain matches SciPy Rbf(function='linear') inside and outside the table", () => {
    // golden: /usr/bin/python3 -c "from scipy.interpolate import Rbf; import numpy as np; t=<table of noise.ts>; x,y=np.array(t).T; f=Rbf(x,y,function='linear'); print([float(f(v)) for v in [0.1,3.9,10,250,1000]])"
    const golden = [90.18142991558898, 26.999999999999993, 7.269230769230745, 23.1669098486218, 363.348001577946];
    [0.1, 3.9, 10, 250, 1000].forEach((v, i) => assert.ok(Math.abs(qisGain(v) - golden[i]!) < 1e-9 * Math.max(1, golden[i]!), `G(${v})`));
  });

  it("Gaussian and Poisson–Gaussian noise have the requested moments", () => {
    const n = 200 * 200;
    const flat = makeImage(200, 200, 1, new Float32Array(n).fill(0.5));
    const g = addGaussianNoise(flat, 0.02, new Rng(1));
    let m = 0;
    let v = 0;
    for (const x of g.data) m += x;
    m /= n;
    for (const x of g.data) v += (x - m) ** 2;
    assert.ok(Math.abs(m - 0.5) < 0.001 && Math.abs(Math.sqrt(v / n) - 0.02) < 0.001);
    const p = addPoissonGaussianNoise(flat, 400, 0, new Rng(2), false);
    m = 0;
    v = 0;
    for (const x of p.data) m += x;
    m /= n;
    for (const x of p.data) v += (x - m) ** 2;
    // Poisson(0.5·400)/400: mean 0.5, variance 0.5/400
    assert.ok(Math.abs(m - 0.5) < 0.002 && Math.abs(v / n / (0.5 / 400) - 1) < 0.05);
  });

  it("QIS with 1 bit and 1 frame gives binary frames whose mean follows the photon rate", () => {
    const gray = makeImage(100, 100, 1, new Float32Array(10000).fill(0.4));
    const r = simulateQis(gray, { lux: 0.1, pixelSizeUm: 1.2, exposureS: 1 / 120, qe: 0.8, thetaDark: 0, sigmaRead: 0, frames: 1, bits: 1, fullWell: 200 }, new Rng(3));
    assert.ok(r.image.data.every((x) => x === 0 || x === 1));
    assert.ok(Math.abs(r.ppp - 3.9) < 1e-12);
    // a count s becomes 1 when round(s·gain/200) ≥ 1, i.e. s ≥ 100/27 → s ≥ 4; rate λ = 0.8·PPP·0.4/(0.4+1e-4)
    const lambda = (0.8 * 3.9 * 0.4) / (0.4 + 1e-4);
    let below = 0;
    let term = Math.exp(-lambda);
    for (let k = 0; k < 4; k++) {
      below += term;
      term *= lambda / (k + 1);
    }
    const mean = r.image.data.reduce((a, b) => a + b, 0) / 10000;
    assert.ok(Math.abs(mean - (1 - below)) < 0.015, `mean ${mean} vs ${1 - below}`);
  });

  it("sRGB <-> linear round-trips", () => {
    const img = ramp(1, 101, (_y, x) => x / 100);
    const back = linearToSrgb(srgbToLinear(img));
    for (let i = 0; i < 101; i++) assert.ok(Math.abs(back.data[i]! - img.data[i]!) < 1e-6);
    assert.ok(Math.abs(srgbToLinear(ramp(1, 1, () => 0.5)).data[0]! - 0.21404114) < 1e-6);
  });

  it("scenes are deterministic per seed and cover the image", () => {
    for (const [name, gen] of Object.entries(scenes.sceneGenerators)) {
      const a = gen(new Rng(5), 48, 40, 3);
      const b = gen(new Rng(5), 48, 40, 3);
      assert.deepEqual(a.data, b.data, name);
      assert.deepEqual([a.height, a.width, a.channels], [48, 40, 3], name);
      assert.ok(a.data.every((v) => v >= 0 && v <= 1), `${name} in [0, 1]`);
      let min = 1;
      let max = 0;
      for (const v of a.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
      assert.ok(max - min > 0.2, `${name} has contrast`);
    }
    // dead leaves: radii follow r⁻³, so many small disks stay visible: many distinct grey levels
    const dl = scenes.deadLeaves(new Rng(9), 64, 64, 1, { rMinPx: 1, rMaxPx: 16 });
    assert.ok(new Set(dl.data).size > 100, `${new Set(dl.data).size} distinct levels`);
    // white noise: uniform moments (mean 1/2, variance 1/12) and no correlation between neighbours
    const wn = scenes.whiteNoise(new Rng(3), 128, 128, 3).data;
    let m = 0;
    let v = 0;
    let lag = 0;
    for (let i = 0; i < wn.length; i++) (m += wn[i]!), (v += (wn[i]! - 0.5) ** 2), (lag += i > 0 ? (wn[i]! - 0.5) * (wn[i - 1]! - 0.5) : 0);
    assert.ok(Math.abs(m / wn.length - 0.5) < 0.005 && Math.abs(v / wn.length - 1 / 12) < 0.002 && Math.abs(lag / wn.length) < 0.002, "white noise moments");
  });
});
