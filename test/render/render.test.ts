import { strict as assert } from "node:assert";
import { initBackend } from "../../src/backend";
import { Rng } from "../../src/util/rng";
import type { NdArray } from "../../src/array";
import { addNoise } from "../../src/data/noise";
import { basisApproximationError, basisPsfField, FftRenderer, gridPsfField, renderDense, renderFft, renderTf, type RenderOptions } from "../../src/render";
import { cellCentreAxes, gridFromArray, linearWeights, upsampleMap } from "../../src/basis";

function randomArray(rng: Rng, shape: number[], lo = 0, hi = 1): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => rng.uniform(lo, hi)), shape };
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d += ((a[i] as number) - (b[i] as number)) ** 2;
    s += (b[i] as number) ** 2;
  }
  return Math.sqrt(d / s);
}

/** A small random basis problem: C channels, m kernels of k x k, H x W image. */
function problem(seed: string, C: number, m: number, k: number, H: number, W: number) {
  const rng = new Rng(seed);
  return { image: randomArray(rng, [C, H, W]), basis: randomArray(rng, [C, m, k, k], -0.2, 1), coef: randomArray(rng, [C, m, H, W], -1, 1) };
}

const variants: RenderOptions[] = [
  { form: "scatter", boundary: "zero", output: "same" },
  { form: "scatter", boundary: "zero", output: "full" },
  { form: "scatter", boundary: "circular" },
  { form: "gather", boundary: "zero", output: "same" },
  { form: "gather", boundary: "zero", output: "full" },
  { form: "gather", boundary: "circular" },
];

describe("render: engines agree", function () {
  this.timeout(120000);
  for (const v of variants)
    for (const k of [5, 6]) {
      it(`FFT == dense == tfjs (${v.form}, ${v.boundary}, ${v.output ?? "same"}, k=${k}, odd m)`, async () => {
        const { image, basis, coef } = problem(`agree-${k}`, 2, 3, k, 13, 17);
        const dense = renderDense(image, basisPsfField(basis, coef), v);
        // Tile size 16 forces several overlap-add tiles on a 13 x 17 image.
        const fft = renderFft(image, basis, coef, { ...v, tileSize: 16 });
        assert.deepEqual(fft.shape, dense.shape);
        assert.ok(relErr(fft.data, dense.data) < 1e-6, `fft vs dense ${relErr(fft.data, dense.data)}`);
        // Mixed radix tiles (15 = 3 x 5, 12 = 4 x 3), several per axis; SIMD (wasm) and plain JS kernels.
        for (const tileSize of [12, 15])
          for (const simd of [true, false]) {
            const mixed = renderFft(image, basis, coef, { ...v, tileSize, simd });
            assert.ok(relErr(mixed.data, dense.data) < 1e-6, `fft (tile ${tileSize}, simd ${simd}) vs dense ${relErr(mixed.data, dense.data)}`);
          }
        const auto = renderFft(image, basis, coef, v);
        assert.ok(relErr(auto.data, dense.data) < 1e-6);
        const { tf } = await initBackend();
        const y = tf.tidy(() =>
          renderTf(tf, tf.tensor3d(image.data, image.shape as [number, number, number]), tf.tensor4d(basis.data, basis.shape as [number, number, number, number]), tf.tensor4d(coef.data, coef.shape as [number, number, number, number]), v),
        );
        assert.deepEqual(y.shape, dense.shape);
        const e = relErr(y.dataSync(), dense.data);
        y.dispose();
        assert.ok(e < 1e-5, `tf vs dense ${e}`);
      });
    }
});

describe("render: physics", () => {
  it("a shift-invariant PSF reproduces ordinary convolution (scipy.signal.convolve2d golden)", () => {
    // Golden: /usr/bin/python3 -c "import numpy as np, scipy.signal as s; x=np.arange(30,dtype=float).reshape(5,6)%7; k=np.array([[0,1,0],[2,3,1],[0,1,4]],float); print([int(v) for v in s.convolve2d(x,k,mode='same').ravel()])"
    const golden = [8, 7, 14, 21, 28, 23, 23, 15, 13, 25, 37, 39, 37, 52, 15, 13, 25, 29, 30, 61, 52, 15, 13, 19, 21, 46, 57, 47, 9, 9];
    const x = Float32Array.from({ length: 30 }, (_, i) => i % 7);
    const kern = Float32Array.from([0, 1, 0, 2, 3, 1, 0, 1, 4]);
    const coef = new Float32Array(30).fill(1);
    const y = renderFft({ data: x, shape: [1, 5, 6] }, { data: kern, shape: [1, 1, 3, 3] }, { data: coef, shape: [1, 1, 5, 6] });
    assert.deepEqual(Array.from(y.data, (v) => Math.round(v * 1e4) / 1e4), golden);
  });

  it("energy is conserved for normalized PSFs with zero padding (full output)", () => {
    const rng = new Rng("energy");
    const k = 7;
    const H = 20;
    const W = 24;
    // A PSF grid whose kernels each sum to 1; bilinear interpolation keeps the sum at every pixel.
    const grid = randomArray(rng, [1, 3, 3, k, k]);
    for (let g = 0; g < 9; g++) {
      const s = grid.data.subarray(g * k * k, (g + 1) * k * k);
      const t = s.reduce((a, b) => a + b, 0);
      s.forEach((v, i) => (s[i] = v / t));
    }
    const field = gridPsfField(grid, cellCentreAxes(3, 3, H, W), H, W);
    const image = randomArray(rng, [1, H, W]);
    const y = renderDense(image, field, { output: "full" });
    const sumIn = image.data.reduce((a, b) => a + b, 0);
    const sumOut = y.data.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sumOut - sumIn) / sumIn < 1e-5, `${sumOut} vs ${sumIn}`);
    // The same with an exact basis through the FFT engine: grid PSFs as basis, bilinear weights as maps.
    const wy = linearWeights(cellCentreAxes(3, 3, H, W).rowsPx, H);
    const wx = linearWeights(cellCentreAxes(3, 3, H, W).colsPx, W);
    const coef = new Float32Array(9 * H * W);
    for (let g = 0; g < 9; g++) {
      const onehot = new Float32Array(9);
      onehot[g] = 1;
      coef.set(upsampleMap(onehot, 3, 3, wy, wx), g * H * W);
    }
    const yb = renderFft(image, { data: grid.data, shape: [1, 9, k, k] }, { data: coef, shape: [1, 9, H, W] }, { output: "full" });
    assert.ok(relErr(yb.data, y.data) < 1e-6);
    assert.ok(Math.abs(yb.data.reduce((a, b) => a + b, 0) - sumIn) / sumIn < 1e-5);
  });

  it("a delta image renders the pixel's own PSF centred on it (circular wrap at the border)", () => {
    const { basis, coef } = problem("delta", 1, 2, 5, 9, 9);
    const img = new Float32Array(81);
    img[1 * 9 + 7] = 1; // row 1, col 7: kernel rows -1 and cols 9, 10 wrap
    const y = renderFft({ data: img, shape: [1, 9, 9] }, basis, coef, { boundary: "circular" });
    const K = basisPsfField(basis, coef).psfAt(0, 1, 7);
    for (let u = 0; u < 5; u++)
      for (let v = 0; v < 5; v++) {
        const py = (1 + u - 2 + 9) % 9;
        const px = (7 + v - 2 + 9) % 9;
        assert.ok(Math.abs((y.data[py * 9 + px] as number) - (K[u * 5 + v] as number)) < 1e-6);
      }
  });

  it("scatter and gather agree for constant maps and differ for varying ones", () => {
    const { image, basis } = problem("sg", 1, 2, 5, 16, 16);
    const flat = { data: new Float32Array(2 * 256).fill(0.5), shape: [1, 2, 16, 16] };
    const s = renderFft(image, basis, flat, { form: "scatter" });
    const g = renderFft(image, basis, flat, { form: "gather" });
    assert.ok(relErr(s.data, g.data) < 1e-6);
    const ramp = { data: Float32Array.from({ length: 512 }, (_, i) => (i % 16) / 15), shape: [1, 2, 16, 16] };
    assert.ok(relErr(renderFft(image, basis, ramp, { form: "scatter" }).data, renderFft(image, basis, ramp, { form: "gather" }).data) > 1e-3);
  });

  it("basisApproximationError is 0 for an exact basis and grows when the basis drops kernels", () => {
    const rng = new Rng("approx");
    const H = 12;
    const W = 12;
    const grid = randomArray(rng, [1, 2, 2, 5, 5]);
    const axes = cellCentreAxes(2, 2, H, W);
    const field = gridPsfField(grid, axes, H, W);
    const wy = linearWeights(axes.rowsPx, H);
    const wx = linearWeights(axes.colsPx, W);
    const coef = new Float32Array(4 * H * W);
    for (let g = 0; g < 4; g++) {
      const onehot = new Float32Array(4);
      onehot[g] = 1;
      coef.set(upsampleMap(onehot, 2, 2, wy, wx), g * H * W);
    }
    const image = randomArray(rng, [1, H, W]);
    const exact = basisApproximationError(image, field, { data: grid.data, shape: [1, 4, 5, 5] }, { data: coef, shape: [1, 4, H, W] });
    assert.ok(exact.relativeL2 < 1e-6, String(exact.relativeL2));
    const partial = basisApproximationError(image, field, { data: grid.data.slice(0, 75), shape: [1, 3, 5, 5] }, { data: coef.slice(0, 3 * H * W), shape: [1, 3, H, W] });
    assert.ok(partial.relativeL2 > 0.05);
    void gridFromArray;
  });

  it("reuses basis spectra across calls (same result on a second image)", () => {
    const { image, basis, coef } = problem("reuse", 2, 4, 5, 10, 10);
    const r = new FftRenderer(basis);
    const a = r.render(image, coef);
    const b = r.render(image, coef);
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
  });
});

describe("render: tfjs gradients", function () {
  this.timeout(60000);
  for (const form of ["scatter", "gather"] as const)
    it(`match finite differences for image, basis and coefficients (${form})`, async () => {
      const { tf } = await initBackend();
      const { image, basis, coef } = problem(`grad-${form}`, 1, 2, 3, 6, 7);
      const w = randomArray(new Rng("w"), [1, 6, 7]);
      const loss = (x: NdArray, b: NdArray, a: NdArray): number =>
        tf.tidy(() => {
          const y = renderTf(tf, tf.tensor3d(x.data, [1, 6, 7]), tf.tensor4d(b.data, [1, 2, 3, 3]), tf.tensor4d(a.data, [1, 2, 6, 7]), { form });
          return tf.sum(tf.mul(y, tf.tensor3d(w.data, [1, 6, 7]))).dataSync()[0] as number;
        });
      const grads = tf.tidy(() => {
        const g = tf.grads((x: tfTensor, b: tfTensor, a: tfTensor) =>
          tf.sum(tf.mul(renderTf(tf, x as never, b as never, a as never, { form }), tf.tensor3d(w.data, [1, 6, 7]))),
        );
        return g([tf.tensor3d(image.data, [1, 6, 7]), tf.tensor4d(basis.data, [1, 2, 3, 3]), tf.tensor4d(coef.data, [1, 2, 6, 7])]).map((t) => Float32Array.from(t.dataSync()));
      });
      const eps = 1e-2;
      const inputs = [image, basis, coef];
      inputs.forEach((inp, which) => {
        for (const idx of [0, 5, inp.data.length - 1, Math.floor(inp.data.length / 2)]) {
          const plus = inputs.map((a) => ({ data: Float32Array.from(a.data), shape: a.shape }));
          const minus = inputs.map((a) => ({ data: Float32Array.from(a.data), shape: a.shape }));
          (plus[which] as NdArray).data[idx] += eps;
          (minus[which] as NdArray).data[idx] -= eps;
          const fd = (loss(plus[0]!, plus[1]!, plus[2]!) - loss(minus[0]!, minus[1]!, minus[2]!)) / (2 * eps);
          const an = (grads[which] as Float32Array)[idx] as number;
          assert.ok(Math.abs(fd - an) < 2e-3 * Math.max(1, Math.abs(fd)), `input ${which} index ${idx}: finite difference ${fd} vs gradient ${an}`);
        }
      });
    });
});
type tfTensor = import("@tensorflow/tfjs").Tensor;

describe("render: noise and errors", () => {
  it("noise is reproducible per seed and has the requested statistics", () => {
    const img = { data: new Float32Array(20000).fill(0.25), shape: [1, 100, 200] };
    const a = addNoise(img, { type: "gaussian", sigma: 0.1 }, new Rng(1));
    const b = addNoise(img, { type: "gaussian", sigma: 0.1 }, new Rng(1));
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
    const stats = (d: Float32Array) => {
      const m = d.reduce((s, v) => s + v, 0) / d.length;
      return [m, d.reduce((s, v) => s + (v - m) ** 2, 0) / d.length];
    };
    const [m1, v1] = stats(a.data) as [number, number];
    assert.ok(Math.abs(m1 - 0.25) < 0.003 && Math.abs(v1 - 0.01) < 0.0005);
    // Poisson-Gaussian: variance = x / g + read^2 = 0.25 / 100 + 0.0001.
    const p = addNoise(img, { type: "poisson-gaussian", photonsAtOne: 100, readSigma: 0.01 }, new Rng(2));
    const [m2, v2] = stats(p.data) as [number, number];
    assert.ok(Math.abs(m2 - 0.25) < 0.003 && Math.abs(v2 - 0.0026) / 0.0026 < 0.05, `${m2} ${v2}`);
  });

  it("bad inputs give errors naming the argument, expected and found", () => {
    const { image, basis, coef } = problem("bad", 2, 3, 5, 8, 8);
    assert.throws(() => renderFft(image, basis, { data: coef.data, shape: [2, 3, 8, 9] }), /argument 'coef': expected shape \(2, 3, 8, 8\).*found.*\(2, 3, 8, 9\)/);
    assert.throws(() => renderFft({ data: image.data, shape: [1, 8, 8] }, basis, coef), /basisPsfs.*2 channels/);
    assert.throws(() => renderFft(image, basis, coef, { boundary: "wrap" as never }), /boundary.*"zero" or "circular".*wrap/);
    assert.throws(() => renderFft(image, basis, coef, { boundary: "circular", output: "full" }), /output/);
    assert.throws(() => renderFft(image, basis, coef, { tileSize: 14 }), /tileSize must be a product of 2, 3 and 5 no smaller than the kernel \(5\), got 14/);
    assert.throws(() => renderFft(image, basis, coef, { tileSize: 4 }), /no smaller than the kernel \(5\), got 4/);
  });
});
