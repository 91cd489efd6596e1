import { strict as assert } from "node:assert";
import { FieldGrid, gridImageHomography, gridSizeFromNdata } from "../../src/psf/grid";
import { Homography, identity3 } from "../../src/psf/homography";
import { normalizeAtPosition } from "../../src/psf/normalize";
import { convToSplat, splatToConv } from "../../src/psf/splat";
import { Rng } from "../../src/util/rng";

describe("psf/grid", () => {
  it("grid size rule: the examples of spec §9.1", () => {
    assert.deepEqual(gridSizeFromNdata(65536, 1024, 1024), [256, 256]);
    assert.deepEqual(gridSizeFromNdata(100, 1024, 1024), [10, 10]);
    assert.deepEqual(gridSizeFromNdata(1000, 1024, 1024), [31, 31]);
    assert.deepEqual(gridSizeFromNdata(65536, 1024, 2048), [182, 360]);
    assert.deepEqual(gridSizeFromNdata(400, 1000, 1500), [17, 23]);
  });

  const grid = (sampling: "top-left" | "centre", truncate: boolean) =>
    new FieldGrid({ heightPx: 1024, widthPx: 1024, rows: 256, cols: 256, hImg: gridImageHomography(1024, 1024, 256, 256, sampling), hObj: Homography.constant(identity3()), transposedLookup: false, truncatePositions: truncate });

  it("top-left sampling puts point x at pixel 4x (0, 4, ..., 1020); centre sampling at the cell centre 4x + 1.5", () => {
    const tl = grid("top-left", true);
    assert.deepEqual([tl.position(0, 0).xImg, tl.position(0, 255).xImg, tl.position(7, 3).yImg, tl.position(7, 3).xImg], [0, 1020, 28, 12]);
    const c = grid("centre", false);
    assert.deepEqual([c.position(0, 0).xImg, c.position(255, 255).yImg, c.position(7, 3).xImg], [1.5, 1021.5, 13.5]);
    // Centred coordinates subtract W//2, H//2 (spec §1).
    const fp = tl.fieldPoint(tl.position(3, 1), 0, 500);
    assert.deepEqual([fp.xc, fp.yc], [4 - 512, 12 - 512]);
    assert.ok(Math.abs(fp.fieldRadiusPx - 724.0773439350247) < 1e-9);
  });

  it("per-pixel homographies: clean lookup H[row=y, col=x]; compat svd-v2 uses the original's H[x, y]", () => {
    // Matrix at array position (r, c) translates by (100 r + c, 0): shows which entry was used.
    const H = 6, W = 6;
    const data = new Float32Array(H * W * 9);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) data.set([1, 0, 100 * r + c, 0, 1, 0, 0, 0, 1], (r * W + c) * 9);
    const hom = Homography.perPixel(data, H, W);
    assert.ok(!hom.isConstant);
    assert.deepEqual(hom.map(1, 4), [1 + 401, 4]);
    assert.deepEqual(hom.map(1, 4, true), [1 + 104, 4]);
    assert.ok(Homography.perPixel(new Float32Array(H * W * 9).map((_, i) => [2, 0, 0, 0, 2, 0, 0, 0, 1][i % 9]!), H, W).isConstant);
  });

  it("positions outside the sensor are refused with the grid point and sensor named", () => {
    const g = new FieldGrid({ heightPx: 10, widthPx: 10, rows: 2, cols: 2, hImg: Homography.constant([20, 0, 0, 0, 1, 0, 0, 0, 1]), hObj: Homography.constant(identity3()), transposedLookup: false, truncatePositions: true });
    assert.throws(() => g.position(0, 1), /grid point \(row 0, col 1\) maps to image position \(x 20, y 0\) outside the 10x10 sensor/);
  });

  it("grid indices outside the grid are refused with the index, its range and the grid size", () => {
    // Identity H_img on a 10x10 sensor: index (2, 3) would map inside the sensor, so only the bounds check catches it.
    const g = new FieldGrid({ heightPx: 10, widthPx: 10, rows: 2, cols: 3, hImg: Homography.constant(identity3()), hObj: Homography.constant(identity3()), transposedLookup: false, truncatePositions: false });
    assert.deepEqual([g.position(1, 2).xImg, g.position(1, 2).yImg], [2, 1]);
    assert.throws(() => g.position(2, 0), /argument 'iy': expected a grid row index in \[0, 1\] \(2 grid rows\), found number 2/);
    assert.throws(() => g.position(0, 3), /argument 'ix': expected a grid column index in \[0, 2\] \(3 grid columns\), found number 3/);
    assert.throws(() => g.position(0, -1), /argument 'ix'/);
    assert.throws(() => g.position(0.5, 0), /argument 'iy'.*found number 0.5/);
  });

  it("normalisation: per position across channels keeps channel ratios; per channel makes each sum 1", () => {
    const kk = 4, nw = 2, inc = 3;
    const row = new Float32Array(inc * nw * kk);
    for (let c = 0; c < inc; c++) for (let p = 0; p < kk; p++) row[(c * nw + 1) * kk + p] = c + 1;
    const a = row.slice();
    normalizeAtPosition(a, inc, 1, nw, kk, 1, "position");
    const sums = [0, 1, 2].map((c) => a.slice((c * nw + 1) * kk, (c * nw + 2) * kk).reduce((x, y) => x + y, 0));
    assert.ok(Math.abs(sums[0]! - 0.5) < 1e-6 && Math.abs(sums[1]! - 1) < 1e-6 && Math.abs(sums[2]! - 1.5) < 1e-6);
    const b = row.slice();
    normalizeAtPosition(b, inc, 1, nw, kk, 1, "channel");
    for (let c = 0; c < inc; c++) assert.ok(Math.abs(b.slice((c * nw + 1) * kk, (c * nw + 2) * kk).reduce((x, y) => x + y, 0) - 1) < 1e-6);
    assert.ok(b.slice(0, kk).every((v) => v === 0), "column 0 (all zero) left alone");
  });
});

describe("psf/splat", () => {
  it("the worked example of spec §7 (3x3 kernel at (2,2) of a 5x5 image)", () => {
    const K = new Float32Array(5 * 5 * 9);
    K.set([1, 2, 3, 4, 5, 6, 7, 8, 9], (2 * 5 + 2) * 9);
    const G = splatToConv({ data: K, shape: [1, 5, 5, 3, 3] });
    const at = (r: number, c: number) => Array.from(G.data.subarray((r * 5 + c) * 9, (r * 5 + c + 1) * 9));
    const one = (i: number, v: number) => Array.from({ length: 9 }, (_, q) => (q === i ? v : 0));
    assert.deepEqual(at(1, 1), one(8, 1));
    assert.deepEqual(at(1, 2), one(7, 2));
    assert.deepEqual(at(2, 2), one(4, 5));
    assert.deepEqual(at(2, 3), one(3, 6));
    assert.deepEqual(at(3, 3), one(0, 9));
  });

  /** y = splat model (centre h//2) applied directly, or the gather model (centre (h-1)//2). */
  function render(x: Float32Array, K: Float32Array, H: number, W: number, h: number, w: number, mode: "splat" | "gather") {
    const y = new Float64Array(H * W);
    const ch = mode === "splat" ? Math.floor(h / 2) : Math.floor((h - 1) / 2);
    const cw = mode === "splat" ? Math.floor(w / 2) : Math.floor((w - 1) / 2);
    for (let a = 0; a < H; a++) for (let b = 0; b < W; b++) for (let m = 0; m < h; m++) for (let n = 0; n < w; n++) {
      const k = K[((a * W + b) * h + m) * w + n]!;
      if (mode === "splat") { const p = [a + m - ch, b + n - cw]; if (p[0]! >= 0 && p[0]! < H && p[1]! >= 0 && p[1]! < W) y[p[0]! * W + p[1]!] += x[a * W + b]! * k; }
      else { const s = [a - ch + m, b - cw + n]; if (s[0]! >= 0 && s[0]! < H && s[1]! >= 0 && s[1]! < W) y[a * W + b] += k * x[s[0]! * W + s[1]!]!; }
    }
    return y;
  }

  for (const [h, w] of [[3, 3], [4, 4], [5, 2]] as const) {
    it(`gather kernels render the same image as the splat kernels, and convert back (${h}x${w})`, () => {
      const H = 7, W = 6;
      const rng = new Rng(`splat${h}${w}`);
      const K = Float32Array.from({ length: H * W * h * w }, () => rng.random());
      const x = Float32Array.from({ length: H * W }, () => rng.random());
      const G = splatToConv({ data: K, shape: [1, H, W, h, w] });
      const ys = render(x, K, H, W, h, w, "splat");
      const yg = render(x, G.data, H, W, h, w, "gather");
      for (let i = 0; i < H * W; i++) assert.ok(Math.abs(ys[i]! - yg[i]!) < 1e-5, `pixel ${i}: ${ys[i]} vs ${yg[i]}`);
      // Round trip: every splat tap that lands inside the image comes back exactly; the rest are 0.
      const back = convToSplat(G);
      const ch = Math.floor(h / 2), cw = Math.floor(w / 2); // the splat centre
      for (let a = 0; a < H; a++) for (let b = 0; b < W; b++) for (let m = 0; m < h; m++) for (let n = 0; n < w; n++) {
        const i = ((a * W + b) * h + m) * w + n;
        const inside = a + m - ch >= 0 && a + m - ch < H && b + n - cw >= 0 && b + n - cw < W;
        assert.equal(back.data[i], inside ? K[i] : 0);
      }
    });
  }

  it("normalize divides each gather kernel by its sum; compat uses the original's h-1-m index", () => {
    const rng = new Rng("norm");
    const K = Float32Array.from({ length: 4 * 4 * 9 }, () => rng.random());
    const G = splatToConv({ data: K, shape: [1, 4, 4, 3, 3] }, { normalize: true });
    for (let p = 0; p < 16; p++) assert.ok(Math.abs(G.data.subarray(p * 9, p * 9 + 9).reduce((a, b) => a + b, 0) - 1) < 1e-6);
    // Odd sizes: both indexings agree. Even sizes: they differ by one tap.
    assert.deepEqual(splatToConv({ data: K, shape: [1, 4, 4, 3, 3] }, { compat: true }).data, splatToConv({ data: K, shape: [1, 4, 4, 3, 3] }).data);
    const K4 = Float32Array.from({ length: 16 * 16 }, () => rng.random());
    assert.notDeepEqual(splatToConv({ data: K4, shape: [1, 4, 4, 4, 4] }, { compat: true }).data, splatToConv({ data: K4, shape: [1, 4, 4, 4, 4] }).data);
  });
});
