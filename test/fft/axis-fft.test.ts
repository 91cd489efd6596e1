import { strict as assert } from "node:assert";
import { allocPlanes, AxisFft, factorRadices, PlaneArena, transposePlanes } from "../../src/fft";
import { chooseTileShape, nextSmooth } from "../../src/render/fft-engine";

/** Direct O(n^2) DFT along axis 0 of column c (independent reference). */
function naiveDft(re: Float64Array, im: Float64Array, n: number, stride: number, c: number, sign: number): [number[], number[]] {
  const or: number[] = [];
  const oi: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      const xr = re[j * stride + c] as number;
      const xi = im[j * stride + c] as number;
      sr += xr * Math.cos(a) - xi * Math.sin(a);
      si += xr * Math.sin(a) + xi * Math.cos(a);
    }
    or.push(sr);
    oi.push(si);
  }
  return [or, oi];
}

describe("fft: batched mixed-radix FFT along axis 0", () => {
  it("matches a direct DFT for lengths with factors 2, 3, 4, 5, both directions, leaving columns >= len alone", () => {
    for (const n of [1, 2, 3, 5, 6, 8, 12, 15, 16, 20, 30, 45, 64, 90, 100, 120, 320]) {
      const stride = 5;
      const len = 3;
      const src = allocPlanes(n * stride);
      for (let i = 0; i < n * stride; i++) {
        src.re[i] = Math.sin(1.3 * i + 0.1 * i * i);
        src.im[i] = Math.cos(0.7 * i);
      }
      for (const sign of [-1, 1] as const) {
        const a = allocPlanes(n * stride);
        a.re.set(src.re);
        a.im.set(src.im);
        const b = allocPlanes(n * stride);
        b.re.fill(7);
        const res = new AxisFft(n, sign).run(a, b, len, stride);
        for (let c = 0; c < len; c++) {
          const [er, ei] = naiveDft(src.re, src.im, n, stride, c, sign);
          for (let k = 0; k < n; k++) {
            assert.ok(Math.abs((er[k] as number) - (res.re[k * stride + c] as number)) < 1e-9 * n, `n=${n} sign=${sign} k=${k}`);
            assert.ok(Math.abs((ei[k] as number) - (res.im[k * stride + c] as number)) < 1e-9 * n);
          }
        }
        if (n > 1) assert.equal(b.re[stride - 1], 7, "column >= len untouched");
      }
    }
  });

  it("rejects lengths with other prime factors; smooth lengths and tile shapes", () => {
    assert.throws(() => new AxisFft(14, -1), /product of 2, 3 and 5, got 14/);
    assert.equal(factorRadices(7), null);
    assert.deepEqual(factorRadices(320), [4, 4, 4, 5]);
    assert.equal(nextSmooth(1087), 1125);
    const [ty, tx] = chooseTileShape(1024, 1024, 64);
    assert.ok(factorRadices(ty) && factorRadices(tx) && ty >= 64 && tx >= 64);
  });

  it("the WebAssembly SIMD kernels give the JS kernels' results (even and odd column counts)", () => {
    for (const n of [2, 3, 4, 5, 12, 15, 20, 45, 64])
      for (const len of [1, 2, 7, 8]) {
        const stride = 9;
        const arena = new PlaneArena(4 * (n * stride + 1));
        assert.ok(arena.simd, "WebAssembly SIMD available on Node >= 16.4");
        const wa = arena.alloc(n * stride);
        const wb = arena.alloc(n * stride);
        const ja = allocPlanes(n * stride);
        const jb = allocPlanes(n * stride);
        for (let i = 0; i < n * stride; i++) {
          wa.re[i] = ja.re[i] = Math.sin(1.7 * i);
          wa.im[i] = ja.im[i] = Math.cos(0.37 * i);
        }
        const f = new AxisFft(n, -1);
        const w = f.run(wa, wb, len, stride);
        const j = f.run(ja, jb, len, stride);
        for (let r = 0; r < n; r++)
          for (let c = 0; c < len; c++) {
            assert.ok(Math.abs((w.re[r * stride + c] as number) - (j.re[r * stride + c] as number)) < 1e-12 * n, `n=${n} len=${len}`);
            assert.ok(Math.abs((w.im[r * stride + c] as number) - (j.im[r * stride + c] as number)) < 1e-12 * n);
          }
      }
    // Transposes through the SIMD path, odd sizes included.
    for (const [rows, cols] of [
      [2, 2],
      [3, 5],
      [77, 79],
    ] as const) {
      const arena = new PlaneArena(2 * (rows * 80 + 1) + 2 * (cols * 90 + 1));
      const a = arena.alloc(rows * 80);
      const b = arena.alloc(cols * 90);
      for (let i = 0; i < a.re.length; i++) {
        a.re[i] = i;
        a.im[i] = -i;
      }
      transposePlanes(a, b, rows, cols, 80, 90);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          assert.equal(b.re[c * 90 + r], r * 80 + c);
          assert.equal(b.im[c * 90 + r], -(r * 80 + c));
        }
    }
  });

  it("transposes in blocks", () => {
    const rows = 37;
    const cols = 70;
    const a = allocPlanes(rows * 72);
    for (let i = 0; i < a.re.length; i++) {
      a.re[i] = i;
      a.im[i] = -i;
    }
    const b = allocPlanes(cols * 40);
    transposePlanes(a, b, rows, cols, 72, 40);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        assert.equal(b.re[c * 40 + r], r * 72 + c);
        assert.equal(b.im[c * 40 + r], -(r * 72 + c));
      }
  });
});
