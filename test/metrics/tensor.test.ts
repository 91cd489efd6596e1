import { strict as assert } from "node:assert";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { readImage } from "../../src/io/image";
import { tensorMetrics, TensorMetrics, psnr, ssim, msssim, mse, mae } from "../../src/metrics";

const DIR = path.join(__dirname, "..", "fixtures", "metrics");

describe("metrics on tfjs tensors", () => {
  let tf: typeof tfTypes;
  let m: TensorMetrics;
  before(async () => {
    tf = (await initBackend()).tf;
    m = tensorMetrics(tf);
  });

  it("agree with the typed-array metrics (which match skimage) per image of a batch", async () => {
    const names = [["ms_gt.png", "ms_pred.png"]];
    const gt = await readImage(path.join(DIR, names[0]![0]!));
    const pr = await readImage(path.join(DIR, names[0]![1]!));
    const { height: h, width: w, channels: c } = gt;
    // Batch of two: (gt, pred) and (pred, gt shifted by a gain) so per-image reduction is checked.
    const pr2 = { ...gt, data: pr.data.map((v) => 0.8 * v + 0.1) };
    const A = tf.tensor4d([...gt.data, ...gt.data], [2, h, w, c]);
    const B = tf.tensor4d([...pr.data, ...pr2.data], [2, h, w, c]);
    const close = (t: tfTypes.Tensor, expected: number[], tol: number, what: string) => {
      const got = Array.from(t.dataSync());
      expected.forEach((e, i) => assert.ok(Math.abs(got[i]! - e) < tol, `${what}[${i}]: ${got[i]} vs ${e}`));
    };
    close(m.mse(A, B), [mse(gt, pr), mse(gt, pr2)], 1e-6, "mse");
    close(m.mae(A, B), [mae(gt, pr), mae(gt, pr2)], 1e-6, "mae");
    close(m.psnr(A, B, { cropBorder: 1 }), [psnr(gt, pr, { cropBorder: 1 }), psnr(gt, pr2, { cropBorder: 1 })], 1e-3, "psnr");
    close(m.psnr(A, B, { channel: "y" }), [psnr(gt, pr, { channel: "y" }), psnr(gt, pr2, { channel: "y" })], 1e-3, "psnr y");
    close(m.ssim(A, B), [ssim(gt, pr), ssim(gt, pr2)], 1e-4, "ssim");
    close(m.ssim(A, B, { channel: "y", cropBorder: 2 }), [ssim(gt, pr, { channel: "y", cropBorder: 2 }), ssim(gt, pr2, { channel: "y", cropBorder: 2 })], 1e-4, "ssim y");
    close(m.msssim(A, B), [msssim(gt, pr), msssim(gt, pr2)], 1e-4, "ms-ssim");
    tf.dispose([A, B]);
  });

  it("SSIM is differentiable: tf.grad matches a finite difference", () => {
    const n = 20;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n * n; i++) {
      xs.push(0.5 + 0.3 * Math.sin(i * 0.37));
      ys.push(0.5 + 0.3 * Math.sin(i * 0.37 + 0.2) + 0.05 * Math.cos(i * 1.7));
    }
    const x = tf.tensor4d(xs, [1, n, n, 1]);
    const y = tf.tensor4d(ys, [1, n, n, 1]);
    const loss = (p: tfTypes.Tensor) => tf.sub(1, m.ssim(x, p as tfTypes.Tensor4D)).sum();
    const g = tf.grad(loss)(y).dataSync();
    const eps = 1e-2;
    for (const idx of [0, 47, 210, 399]) {
      const yp = ys.slice();
      const ym = ys.slice();
      yp[idx]! += eps;
      ym[idx]! -= eps;
      const lp = 1 - ssim({ data: Float64Array.from(xs), height: n, width: n, channels: 1 }, { data: Float64Array.from(yp), height: n, width: n, channels: 1 });
      const lm = 1 - ssim({ data: Float64Array.from(xs), height: n, width: n, channels: 1 }, { data: Float64Array.from(ym), height: n, width: n, channels: 1 });
      const fd = (lp - lm) / (2 * eps);
      assert.ok(Math.abs(g[idx]! - fd) < 1e-4 + 1e-2 * Math.abs(fd), `d(1-ssim)/dy[${idx}]: grad ${g[idx]} vs finite difference ${fd}`);
    }
    tf.dispose([x, y]);
  });

  it("rejects mismatched shapes clearly", () => {
    const a = tf.zeros([1, 16, 16, 3]) as tfTypes.Tensor4D;
    const b = tf.zeros([1, 16, 15, 3]) as tfTypes.Tensor4D;
    assert.throws(() => m.ssim(a, b), /tensor shapes.*\[1, 16, 16, 3\].*\[1, 16, 15, 3\]/);
    assert.throws(() => m.ssim(a, a.slice([0, 0, 0, 0], [1, 8, 8, 3]) as tfTypes.Tensor4D), /tensor shapes/);
    tf.dispose([a, b]);
  });
});
