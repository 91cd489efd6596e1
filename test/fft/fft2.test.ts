import { strict as assert } from "node:assert";
import {
  fftPlan,
  fft2,
  ifft2,
  fftshift2,
  ifftshift2,
  zeroPad2,
  complexAbs2,
  realToComplex,
  transformColumns,
} from "../../src/fft";
import { Rng } from "../../src/util/rng";

/** Direct O(N^2) DFT, the independent reference. */
function naiveDft(x: Float64Array, inverse = false): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  const sgn = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0, im = 0;
    for (let j = 0; j < n; j++) {
      const a = (sgn * 2 * Math.PI * ((k * j) % n)) / n;
      const c = Math.cos(a), s = Math.sin(a);
      re += x[2 * j]! * c - x[2 * j + 1]! * s;
      im += x[2 * j]! * s + x[2 * j + 1]! * c;
    }
    out[2 * k] = inverse ? re / n : re;
    out[2 * k + 1] = inverse ? im / n : im;
  }
  return out;
}

function randomComplex(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(2 * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("fft/fft2", () => {
  const rng = new Rng("fft2-test");

  for (const n of [1, 2, 4, 8, 64, 3, 7, 12, 15, 100, 243]) {
    it(`1D forward and inverse match the direct DFT, n=${n} (${(n & (n - 1)) === 0 ? "radix" : "Bluestein"})`, () => {
      const x = randomComplex(n, rng);
      const plan = fftPlan(n);
      const X = new Float64Array(2 * n);
      plan.forward(x, X);
      assert.ok(maxAbsDiff(X, naiveDft(x)) < 1e-10 * Math.max(1, n));
      const back = new Float64Array(2 * n);
      plan.inverse(X, back);
      assert.ok(maxAbsDiff(back, x) < 1e-12 * Math.max(1, n));
      assert.ok(maxAbsDiff(back, naiveDft(X, true)) < 1e-10 * Math.max(1, n));
    });
  }

  it("matches numpy.fft.fft on a fixed vector (golden values)", () => {
    // /usr/bin/python3 -c "import numpy as np; print(np.fft.fft([1,2-1j,0.5j,-3,4+2j,0,1.5]))"
    const x = Float64Array.from([1, 0, 2, -1, 0, 0.5, -3, 0, 4, 2, 0, 0, 1.5, 0]);
    const expected = [
      5.5, 1.5, 1.119110433991, 0.109582427947, 1.216459716207, -4.941268229645, -5.15056727633, 7.375225416633,
      0.3987433331, -5.839881614795, 0.472873349816, 6.97930043709, 3.443380443215, -5.182958437231,
    ];
    const X = new Float64Array(14);
    fftPlan(7).forward(x, X);
    assert.ok(maxAbsDiff(X, expected) < 1e-11);
  });

  it("plans are cached per size", () => {
    assert.equal(fftPlan(48), fftPlan(48));
    assert.equal(fftPlan(64), fftPlan(64));
  });

  it("2D FFT equals the separable direct DFT and inverts; Parseval holds", () => {
    const rows = 6, cols = 10;
    const x = randomComplex(rows * cols, rng);
    const X = fft2(x, rows, cols);
    // Reference: direct DFT along rows then columns.
    const ref = new Float64Array(x);
    for (let r = 0; r < rows; r++) ref.set(naiveDft(ref.slice(2 * r * cols, 2 * (r + 1) * cols)), 2 * r * cols);
    for (let c = 0; c < cols; c++) {
      const col = new Float64Array(2 * rows);
      for (let r = 0; r < rows; r++) col.set(ref.subarray(2 * (r * cols + c), 2 * (r * cols + c) + 2), 2 * r);
      const t = naiveDft(col);
      for (let r = 0; r < rows; r++) ref.set(t.subarray(2 * r, 2 * r + 2), 2 * (r * cols + c));
    }
    assert.ok(maxAbsDiff(X, ref) < 1e-10);
    assert.ok(maxAbsDiff(ifft2(X, rows, cols), x) < 1e-12);
    const e1 = complexAbs2(x).reduce((a, b) => a + b, 0);
    const e2 = complexAbs2(X).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(e2 / (rows * cols) - e1) < 1e-10 * e1);
  });

  it("the DFT of a centred delta is flat and of a constant is a delta (real input helper)", () => {
    const n = 8;
    const real = new Float64Array(n * n);
    real[0] = 1;
    const X = fft2(realToComplex(real), n, n);
    for (let i = 0; i < n * n; i++) {
      assert.ok(Math.abs(X[2 * i]! - 1) < 1e-14 && Math.abs(X[2 * i + 1]!) < 1e-14);
    }
    const Y = fft2(realToComplex(new Float64Array(n * n).fill(1)), n, n);
    assert.ok(Math.abs(Y[0]! - n * n) < 1e-12);
    for (let i = 1; i < n * n; i++) assert.ok(Math.abs(Y[2 * i]!) < 1e-12);
  });

  it("transformColumns on a column range transforms only those columns", () => {
    const rows = 8, cols = 5;
    const x = randomComplex(rows * cols, rng);
    const y = new Float64Array(x);
    transformColumns(y, rows, cols, false, 1, 3);
    for (let r = 0; r < rows; r++) {
      for (const c of [0, 3, 4]) assert.equal(y[2 * (r * cols + c)], x[2 * (r * cols + c)]);
    }
    const col = new Float64Array(2 * rows);
    for (let r = 0; r < rows; r++) col.set(x.subarray(2 * (r * cols + 2), 2 * (r * cols + 2) + 2), 2 * r);
    const t = naiveDft(col);
    for (let r = 0; r < rows; r++) assert.ok(Math.abs(y[2 * (r * cols + 2)]! - t[2 * r]!) < 1e-12);
  });

  it("fftshift2 / ifftshift2 match numpy for odd and even sizes, and invert each other", () => {
    // /usr/bin/python3 -c "import numpy as np; a=np.arange(15).reshape(3,5); print(np.fft.fftshift(a).ravel().tolist(), np.fft.ifftshift(a).ravel().tolist())"
    const a = Float64Array.from({ length: 15 }, (_, i) => i);
    assert.deepEqual(Array.from(fftshift2(a, 3, 5)), [13, 14, 10, 11, 12, 3, 4, 0, 1, 2, 8, 9, 5, 6, 7]);
    assert.deepEqual(Array.from(ifftshift2(a, 3, 5)), [7, 8, 9, 5, 6, 12, 13, 14, 10, 11, 2, 3, 4, 0, 1]);
    const b = Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => i);
    assert.deepEqual(Array.from(ifftshift2(fftshift2(b, 4, 6, 2), 4, 6, 2)), Array.from(b));
    // Complex shift moves (re, im) pairs together: index 0 -> (2, 3).
    const s = fftshift2(b, 4, 6, 2);
    assert.equal(s[2 * (2 * 6 + 3)], 0);
    assert.equal(s[2 * (2 * 6 + 3) + 1], 1);
  });

  it("zeroPad2 centred keeps the centre element at the centre", () => {
    const a = Float64Array.from({ length: 9 }, (_, i) => i + 1); // centre value 5 at (1,1)
    const p = zeroPad2(a, 3, 3, 8, 8, { centred: true });
    assert.equal(p[4 * 8 + 4], 5);
    assert.equal(p.reduce((x, y) => x + y, 0), 45);
    const q = zeroPad2(a, 3, 3, 5, 4);
    assert.equal(q[0], 1);
    assert.equal(q[1 * 4 + 2], 6);
  });
});
