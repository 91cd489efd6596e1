/**
 * Each kernel registered for wasm (src/backend/wasm-kernels) against tfjs's cpu backend on random
 * inputs: conv/depthwise gradients (through tf.grads, which calls the backprop kernels) with strides
 * and paddings, conv2dTranspose (Conv2DBackpropInput directly) and matMul with transpose flags.
 */
import { strict as assert } from "node:assert";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { channelLayerNormOp, simpleGate } from "../../src/models/layers";
import { simdKernelsFor } from "../../src/backend/wasm-kernels/simd";
import { Rng } from "../../src/util/rng";
import { installNativeKernels, uninstallNativeKernels } from "../../src/backend/native";
import { assertAdamWMatchesCpu, compareWithCpu, randArray } from "./compare-backends";

type Tf = typeof tfTypes;
let tf: Tf;
let worstOverall = 0;

/** Runs `f` on both backends with the same inputs; returns the largest relative error over outputs. */
function compare(f: (...xs: tfTypes.Tensor[]) => tfTypes.Tensor[], inputs: Array<{ data: Float32Array; shape: number[] }>): number {
  const worst = compareWithCpu(tf, f, inputs);
  worstOverall = Math.max(worstOverall, worst);
  return worst;
}

describe("wasm training kernels vs cpu backend", function () {
  this.timeout(120000);
  const rng = new Rng("wasm-kernels");
  before(async () => {
    tf = (await initBackend("wasm")).tf;
    assert.equal(tf.getBackend(), "wasm");
    uninstallNativeKernels(); // these tests check the wasm kernels themselves (test/backend/native-kernels.test.ts the oneDNN ones)
    for (const k of ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter"])
      assert.ok(tf.getKernel(k, "wasm"), `${k} registered`);
  });
  after(() => {
    tf.setBackend("wasm");
    installNativeKernels(tf);
    console.log(`      largest relative error vs cpu over all cases: ${worstOverall.toExponential(2)}`);
  });

  type Pad = "same" | "valid" | number[][];
  /** An NHWC (input) or HWIO (filter) shape: tf.zeros of a Tensor4D needs the rank in the type. */
  type Shape4 = [number, number, number, number];
  const convCases: Array<{ name: string; x: Shape4; k: Shape4; s: number; pad: Pad }> = [
    { name: "3x3 same", x: [2, 9, 8, 5], k: [3, 3, 5, 6], s: 1, pad: "same" },
    { name: "3x3 valid", x: [2, 9, 8, 5], k: [3, 3, 5, 4], s: 1, pad: "valid" },
    { name: "1x1", x: [3, 6, 7, 8], k: [1, 1, 8, 5], s: 1, pad: "valid" },
    { name: "2x2 stride 2 valid", x: [2, 8, 6, 4], k: [2, 2, 4, 8], s: 2, pad: "valid" },
    { name: "2x2 stride 2 valid, odd size (crop)", x: [2, 7, 9, 3], k: [2, 2, 3, 4], s: 2, pad: "valid" },
    { name: "3x3 stride 2 same", x: [2, 9, 10, 3], k: [3, 3, 3, 4], s: 2, pad: "same" },
    { name: "3x3 stride 2 valid", x: [1, 9, 8, 3], k: [3, 3, 3, 2], s: 2, pad: "valid" },
    { name: "5x4 explicit asymmetric pad", x: [2, 8, 9, 3], k: [5, 4, 3, 4], s: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
    { name: "4x4 stride 3 same", x: [1, 11, 10, 2], k: [4, 4, 2, 3], s: 3, pad: "same" },
  ];
  for (const c of convCases) {
    it(`conv2d gradients (Conv2DBackpropInput/Filter): ${c.name}`, () => {
      const nX = c.x.reduce((a, b) => a * b), nK = c.k.reduce((a, b) => a * b);
      const outProbe = () => {
        tf.setBackend("cpu");
        return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tfTypes.Tensor4D, tf.zeros(c.k) as tfTypes.Tensor4D, c.s, c.pad as "same").shape);
      };
      const oShape = outProbe();
      const dyData = randArray(rng, oShape.reduce((a, b) => a * b));
      const err = compare(
        (x, w, dy) => {
          const g = tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) => tf.conv2d(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D, c.s, c.pad as "same"));
          return g([x!, w!], dy);
        },
        [
          { data: randArray(rng, nX), shape: c.x },
          { data: randArray(rng, nK), shape: c.k },
          { data: dyData, shape: oShape },
        ],
      );
      assert.ok(err < 1e-5, `relative error ${err}`);
    });
  }

  const dwCases: Array<{ name: string; x: Shape4; k: Shape4; s: number; pad: Pad }> = [
    { name: "3x3 same", x: [2, 9, 8, 6], k: [3, 3, 6, 1], s: 1, pad: "same" },
    { name: "3x3 valid multiplier 2", x: [2, 7, 8, 3], k: [3, 3, 3, 2], s: 1, pad: "valid" },
    { name: "3x3 stride 2 same", x: [2, 9, 8, 4], k: [3, 3, 4, 1], s: 2, pad: "same" },
    { name: "5x5 explicit pad", x: [1, 8, 9, 3], k: [5, 5, 3, 1], s: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
    { name: "3x3 valid, 13 columns (4-column passes plus remainder)", x: [2, 6, 13, 5], k: [3, 3, 5, 1], s: 1, pad: "valid" },
    { name: "3x3 same, 8 channels (SIMD row sums)", x: [2, 9, 8, 8], k: [3, 3, 8, 1], s: 1, pad: "same" },
    { name: "5x5 explicit pad, 12 channels (SIMD row sums)", x: [1, 8, 9, 12], k: [5, 5, 12, 1], s: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
  ];
  for (const c of dwCases) {
    it(`depthwise gradients (DepthwiseConv2dNativeBackpropInput/Filter): ${c.name}`, () => {
      const nX = c.x.reduce((a, b) => a * b), nK = c.k.reduce((a, b) => a * b);
      tf.setBackend("cpu");
      const oShape = tf.tidy(() => tf.depthwiseConv2d(tf.zeros(c.x) as tfTypes.Tensor4D, tf.zeros(c.k) as tfTypes.Tensor4D, c.s, c.pad as "same").shape);
      const err = compare(
        (x, w, dy) => tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) => tf.depthwiseConv2d(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D, c.s, c.pad as "same"))([x!, w!], dy),
        [
          { data: randArray(rng, nX), shape: c.x },
          { data: randArray(rng, nK), shape: c.k },
          { data: randArray(rng, oShape.reduce((a, b) => a * b)), shape: oShape },
        ],
      );
      assert.ok(err < 1e-5, `relative error ${err}`);
    });
  }

  it("conv2dTranspose (Conv2DBackpropInput as a forward op), stride 2 and stride 1", () => {
    for (const [s, k] of [[2, 2], [1, 3], [2, 3]] as const) {
      const err = compare(
        (dy, w) => [tf.conv2dTranspose(dy as tfTypes.Tensor4D, w as tfTypes.Tensor4D, [2, 8, 8, 3], s, "same")],
        [
          { data: randArray(rng, 2 * (8 / s) * (8 / s) * 5), shape: [2, 8 / s, 8 / s, 5] },
          { data: randArray(rng, k * k * 3 * 5), shape: [k, k, 3, 5] },
        ],
      );
      assert.ok(err < 1e-5, `stride ${s} kernel ${k}: relative error ${err}`);
    }
  });

  it("BatchMatMul with every transpose flag combination and broadcast batch", () => {
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const aShape = ta ? [3, 7, 5] : [3, 5, 7];
        const bShape = tb ? [1, 4, 7] : [1, 7, 4];
        const err = compare((a, b) => [tf.matMul(a!, b!, ta, tb)], [
          { data: randArray(rng, 105), shape: aShape },
          { data: randArray(rng, 28), shape: bShape },
        ]);
        assert.ok(err < 1e-5, `transposeA=${ta} transposeB=${tb}: relative error ${err}`);
      }
  });

  it("Sum over leading axes (row-wise override, SIMD when channels % 4 == 0) and other axis sets (stock), with keepDims", () => {
    const cases: Array<[number[], number | number[], boolean]> = [
      [[37, 5], 0, false],
      [[300, 8], 0, false],
      [[3, 70, 2, 12], [0, 1, 2], true],
      [[3, 4, 5, 6], [0, 1, 2], false],
      [[3, 4, 5, 6], [1, 0], true],
      [[3, 4, 5, 6], [-4, -3, -2], true],
      [[3, 4, 5, 6], [0, 2], false],
      [[3, 4, 5, 6], -1, false],
      [[3, 4, 5, 6], [0, 1, 2, 3], false],
    ];
    for (const [shape, axis, keep] of cases) {
      const err = compare((x) => [tf.sum(x!, axis, keep)], [{ data: randArray(rng, shape.reduce((a, b) => a * b)), shape }]);
      assert.ok(err < 1e-5, `sum ${shape} axis ${axis}: relative error ${err}`); // stock wasm sums a full reduction in float32
    }
    tf.setBackend("wasm");
    assert.deepEqual(tf.tidy(() => tf.sum(tf.zeros([2, 3, 4]), [0, 1], true).shape), [1, 1, 4]);
  });

  it("fused channel LayerNorm (SvdChannelLayerNorm[Grad]) matches the tf-op version: value and gradients of x, weight, bias", () => {
    for (const shape of [[2, 5, 3, 7], [1, 4, 4, 256], [2, 9, 8, 12]]) { // JS path; SIMD rows; SIMD over 3 row blocks
      const C = shape[3]!, n = shape.reduce((a, b) => a * b);
      const x = randArray(rng, n).map((v, i) => v * 3 + (i % C) * 0.1 + 2); // nonzero mean per pixel
      const err = compare(
        (xt, w, b, dy) => {
          const f = (a: tfTypes.Tensor, ww: tfTypes.Tensor, bb: tfTypes.Tensor) => channelLayerNormOp(tf, a as tfTypes.Tensor4D, ww, bb, 1e-6);
          assert.equal(!!tf.getKernel("SvdChannelLayerNorm", tf.getBackend()), tf.getBackend() === "wasm");
          return [f(xt!, w!, b!), ...tf.grads(f)([xt!, w!, b!], dy)];
        },
        [
          { data: x, shape },
          { data: randArray(rng, C), shape: [C] },
          { data: randArray(rng, C), shape: [C] },
          { data: randArray(rng, n), shape },
        ],
      );
      assert.ok(err < 1e-5, `${shape}: relative error ${err}`);
    }
  });

  it("fused SimpleGate (SvdSimpleGate[Grad]) matches split + multiply: value and gradient (SIMD rows and the JS path)", () => {
    tf.setBackend("wasm");
    assert.ok(simdKernelsFor(tf.backend()), "the SIMD loops bind to the wasm heap");
    for (const shape of [[2, 3, 5, 16], [2, 3, 5, 12], [1, 4, 4, 1024]]) {
      const n = shape.reduce((a, b) => a * b);
      const err = compare(
        (x, dy) => {
          const f = (a: tfTypes.Tensor) => simpleGate(tf, a as tfTypes.Tensor4D);
          return [f(x!), tf.grad(f)(x!, dy)];
        },
        [
          { data: randArray(rng, n), shape },
          { data: randArray(rng, n / 2), shape: [...shape.slice(0, 3), shape[3]! / 2] },
        ],
      );
      assert.ok(err < 1e-6, `${shape}: relative error ${err}`);
    }
  });

  it("Identity and same-dtype Cast share data: clones keep their values when the source is disposed or a variable is reassigned", () => {
    tf.setBackend("wasm");
    const bytes0 = tf.memory().numBytes;
    const a = tf.tensor([1, 2, 3]);
    const c = a.clone(), d = tf.cast(a, "float32"), i = tf.cast(a, "int32");
    a.dispose();
    assert.deepEqual([...c.dataSync()], [1, 2, 3]);
    assert.deepEqual([...d.dataSync()], [1, 2, 3]);
    assert.deepEqual([...i.dataSync()], [1, 2, 3]);
    assert.equal(i.dtype, "int32");
    const init = tf.tensor([4, 5]), next = tf.tensor([6, 7]);
    const v = tf.variable(init);
    const vc = v.clone();
    v.assign(next);
    assert.deepEqual([...vc.dataSync()], [4, 5]);
    assert.deepEqual([...v.dataSync()], [6, 7]);
    tf.dispose([c, d, i, v, vc, init, next]);
    assert.equal(tf.memory().numBytes, bytes0);
  });

  it("fused AdamW step (SvdAdamWStep on wasm) matches the tf-op AdamW on cpu over 3 steps", () => {
    assertAdamWMatchesCpu(tf, rng, [[3, 3, 4, 5], [7], [1, 1, 6, 2]]);
  });

  it("leaks no tensors or wasm memory across a gradient step", () => {
    tf.setBackend("wasm");
    const x = tf.randomNormal([2, 8, 8, 4]) as tfTypes.Tensor4D;
    const w = tf.randomNormal([3, 3, 4, 4]) as tfTypes.Tensor4D;
    const dw = tf.randomNormal([3, 3, 4, 1]) as tfTypes.Tensor4D;
    const step = () => tf.tidy(() => tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor, c: tfTypes.Tensor) => tf.depthwiseConv2d(tf.conv2d(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D, 1, "same"), c as tfTypes.Tensor4D, 1, "same").sum())([x, w, dw]).forEach((t) => t.dataSync()));
    step();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    step();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.memory().numBytes, bytes);
    tf.dispose([x, w, dw]);
  });
});
