/**
 * Patched inference: every pixel is covered (last row/column included), the blending weights never
 * vanish, and for a fully convolutional network with a receptive-field radius <= margin the patched
 * result equals whole-image inference.
 */
import { strict as assert } from "node:assert";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { blendWindow, patchedInference, patchStarts } from "../../src/train/patched";
import { ArgumentError } from "../../src/util/errors";

describe("train/patched", function () {
  this.timeout(60000);
  before(async () => {
    await initBackend();
  });

  it("places patches to cover the axis with the last one flush with the end", () => {
    assert.deepEqual(patchStarts(45, 16, 10), [0, 10, 20, 29]);
    assert.deepEqual(patchStarts(40, 16, 12), [0, 12, 24]);
    assert.deepEqual(patchStarts(10, 16, 12), [0]);
    assert.deepEqual([...blendWindow(8, true, false, 6, 1)].map((v) => +v.toFixed(3)), [0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1]);
  });

  it("equals whole-image inference for a fully convolutional net (receptive radius 2, margin 3), last row/column included", () => {
    const w1 = tf.randomNormal([3, 3, 3, 8], 0, 0.3, "float32", 1) as tf.Tensor4D;
    const w2 = tf.randomNormal([3, 3, 8, 2], 0, 0.3, "float32", 2) as tf.Tensor4D;
    const net = (x: tf.Tensor4D) => tf.conv2d(tf.relu(tf.conv2d(x, w1, 1, "same")), w2, 1, "same") as tf.Tensor4D;
    const x = tf.randomUniform([2, 37, 45, 3], 0, 1, "float32", 3) as tf.Tensor4D;
    const whole = net(x);
    const patched = patchedInference(tf, net, x, { patchH: 16, patchW: 20, overlap: 8, margin: 3, maxMinibatch: 5 });
    assert.deepEqual(patched.shape, [2, 37, 45, 2]);
    const a = whole.dataSync(), b = patched.dataSync();
    let maxErr = 0;
    for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - b[i]!));
    assert.ok(maxErr < 1e-5, `max error ${maxErr}`);
    // The last row and column hold real values, not zeros.
    const last = tf.slice(patched, [0, 36, 0, 0], [1, 1, -1, -1]);
    assert.ok(tf.max(tf.abs(last)).dataSync()[0]! > 1e-3);
    // Without a margin the patch borders' zero padding shows: the test can fail.
    const noMargin = patchedInference(tf, net, x, { patchH: 16, patchW: 20, overlap: 8, margin: 0 }).dataSync();
    let err0 = 0;
    for (let i = 0; i < a.length; i++) err0 = Math.max(err0, Math.abs(a[i]! - noMargin[i]!));
    assert.ok(err0 > 1e-3, `margin 0 error ${err0}`);
    tf.dispose([w1, w2, x, whole, patched, last]);
  });

  it("rejects an overlap too small for the margin", () => {
    const x = tf.zeros([1, 32, 32, 1]) as tf.Tensor4D;
    assert.throws(() => patchedInference(tf, (t) => t, x, { patchH: 16, overlap: 4, margin: 2 }), ArgumentError);
    x.dispose();
  });
});
