/**
 * The oneDNN kernels (src/backend/native, native/svd_dnnl.cc) against tfjs's cpu backend on random
 * inputs: conv and depthwise forward and both gradients (through tf.grads) over strides, paddings
 * and kernel sizes, dilated forward convs, conv2dTranspose, matMul with transpose flags and
 * broadcast batches; the fused dense (1x1 conv + bias) and its backward, Sum over axis blocks and
 * the AdamW step (sizes on both sides of the threading threshold); no leaks; the thread setting; and the wasm fallback (kernels uninstalled, and
 * SVD_NATIVE=0 in a child process) still training.
 *
 * Skips, saying why, only when the addon is not built; under SVD_NATIVE_REQUIRED=1 (.ci/run) a
 * missing addon fails instead.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend, installNativeKernels, nativeStatus, setNativeThreads } from "../../src/backend";
import { uninstallNativeKernels } from "../../src/backend/native";
import { requestedThreads } from "../../src/backend/native/addon";
import { createNetwork } from "../../src/models";
import { dense } from "../../src/models/layers";
import { Rng } from "../../src/util/rng";
import { assertAdamWMatchesCpu, compareWithCpu, randArray } from "./compare-backends";

type Tf = typeof tfTypes;
type Pad = "same" | "valid" | number[][];
/** An NHWC (input) or HWIO (filter) shape: tf.zeros of a Tensor4D needs the rank in the type. */
type Shape4 = [number, number, number, number];
const TOLERANCE = 1e-5;

describe("native oneDNN kernels vs cpu backend", function () {
  this.timeout(120000);
  let tf: Tf;
  let worst = 0;
  const rng = new Rng("native-kernels");
  const compare = (f: (...xs: tfTypes.Tensor[]) => tfTypes.Tensor[], inputs: Array<{ data: Float32Array; shape: number[] }>) => {
    const e = compareWithCpu(tf, f, inputs);
    worst = Math.max(worst, e);
    return e;
  };
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

  before(async function () {
    tf = (await initBackend("wasm")).tf;
    const st = nativeStatus();
    if (!st.built) {
      if (process.env.SVD_NATIVE_REQUIRED === "1") throw new Error(`SVD_NATIVE_REQUIRED=1 but the addon is ${st.reason}`);
      console.log(`      SKIPPED: the native addon is ${st.reason}; run npm run build:native`);
      this.skip();
    }
    assert.ok(st.loaded, `the addon is built but did not load: ${st.reason}`);
    assert.ok(installNativeKernels(tf) && nativeStatus().installed, `native kernels not installed: ${nativeStatus().reason}`);
  });
  after(() => {
    if (tf) tf.setBackend("wasm");
    if (worst) console.log(`      largest relative error vs cpu over all cases: ${worst.toExponential(2)}`);
  });

  const outShapeOf = (op: (x: tfTypes.Tensor4D, w: tfTypes.Tensor4D) => tfTypes.Tensor, x: Shape4, k: Shape4) => {
    tf.setBackend("cpu");
    return tf.tidy(() => op(tf.zeros(x) as tfTypes.Tensor4D, tf.zeros(k) as tfTypes.Tensor4D).shape);
  };

  const convCases: Array<{ name: string; x: Shape4; k: Shape4; s: number; pad: Pad }> = [
    { name: "3x3 same", x: [2, 9, 8, 5], k: [3, 3, 5, 6], s: 1, pad: "same" },
    { name: "3x3 valid", x: [2, 9, 8, 5], k: [3, 3, 5, 4], s: 1, pad: "valid" },
    { name: "1x1", x: [3, 6, 7, 8], k: [1, 1, 8, 5], s: 1, pad: "valid" },
    { name: "1x1 stride 2 same", x: [2, 7, 6, 4], k: [1, 1, 4, 3], s: 2, pad: "same" },
    { name: "2x2 stride 2 valid", x: [2, 8, 6, 4], k: [2, 2, 4, 8], s: 2, pad: "valid" },
    { name: "2x2 stride 2 valid, odd size", x: [2, 7, 9, 3], k: [2, 2, 3, 4], s: 2, pad: "valid" },
    { name: "3x3 stride 2 same", x: [2, 9, 10, 3], k: [3, 3, 3, 4], s: 2, pad: "same" },
    { name: "3x3 stride 2 valid", x: [1, 9, 8, 3], k: [3, 3, 3, 2], s: 2, pad: "valid" },
    { name: "5x4 explicit asymmetric pad", x: [2, 8, 9, 3], k: [5, 4, 3, 4], s: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
    { name: "3x3 same, 64 channels (blocked oneDNN kernels)", x: [2, 12, 12, 64], k: [3, 3, 64, 64], s: 1, pad: "same" },
  ];
  for (const c of convCases) {
    it(`Conv2D and its gradients (Conv2DBackpropInput/Filter): ${c.name}`, () => {
      const op = (x: tfTypes.Tensor4D, w: tfTypes.Tensor4D) => tf.conv2d(x, w, c.s, c.pad as "same");
      const o = outShapeOf(op, c.x, c.k);
      const err = compare(
        (x, w, dy) => [op(x as tfTypes.Tensor4D, w as tfTypes.Tensor4D), ...tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) => op(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D))([x!, w!], dy)],
        [
          { data: randArray(rng, size(c.x)), shape: c.x },
          { data: randArray(rng, size(c.k)), shape: c.k },
          { data: randArray(rng, size(o)), shape: o },
        ],
      );
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  const dwCases: Array<{ name: string; x: Shape4; k: Shape4; s: number; pad: Pad }> = [
    { name: "3x3 same", x: [2, 9, 8, 6], k: [3, 3, 6, 1], s: 1, pad: "same" },
    { name: "3x3 valid multiplier 2", x: [2, 7, 8, 3], k: [3, 3, 3, 2], s: 1, pad: "valid" },
    { name: "3x3 stride 2 same", x: [2, 9, 8, 4], k: [3, 3, 4, 1], s: 2, pad: "same" },
    { name: "2x2 stride 2 valid", x: [2, 8, 8, 4], k: [2, 2, 4, 1], s: 2, pad: "valid" },
    { name: "5x5 explicit pad", x: [1, 8, 9, 3], k: [5, 5, 3, 1], s: 1, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] },
    { name: "3x3 same, 64 channels", x: [2, 10, 10, 64], k: [3, 3, 64, 1], s: 1, pad: "same" },
  ];
  for (const c of dwCases) {
    it(`DepthwiseConv2dNative and its gradients: ${c.name}`, () => {
      const op = (x: tfTypes.Tensor4D, w: tfTypes.Tensor4D) => tf.depthwiseConv2d(x, w, c.s, c.pad as "same");
      const o = outShapeOf(op, c.x, c.k);
      const err = compare(
        (x, w, dy) => [op(x as tfTypes.Tensor4D, w as tfTypes.Tensor4D), ...tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor) => op(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D))([x!, w!], dy)],
        [
          { data: randArray(rng, size(c.x)), shape: c.x },
          { data: randArray(rng, size(c.k)), shape: c.k },
          { data: randArray(rng, size(o)), shape: o },
        ],
      );
      assert.ok(err < TOLERANCE, `relative error ${err}`);
    });
  }

  it("dilated Conv2D and DepthwiseConv2dNative (forward; tfjs has no dilated conv gradients)", () => {
    for (const [pad, d] of [["same", 2], ["valid", 2], ["same", 3]] as const) {
      const x = { data: randArray(rng, 2 * 11 * 10 * 4), shape: [2, 11, 10, 4] };
      const err = compare(
        (xt, w, wd) => [
          tf.conv2d(xt as tfTypes.Tensor4D, w as tfTypes.Tensor4D, 1, pad, "NHWC", d),
          tf.depthwiseConv2d(xt as tfTypes.Tensor4D, wd as tfTypes.Tensor4D, 1, pad, "NHWC", d),
        ],
        [x, { data: randArray(rng, 9 * 4 * 5), shape: [3, 3, 4, 5] }, { data: randArray(rng, 9 * 4), shape: [3, 3, 4, 1] }],
      );
      assert.ok(err < TOLERANCE, `${pad} dilation ${d}: relative error ${err}`);
    }
  });

  it("conv2dTranspose (Conv2DBackpropInput as a forward op), stride 2 and 1", () => {
    for (const [s, k] of [[2, 2], [1, 3], [2, 3]] as const) {
      const err = compare(
        (dy, w) => [tf.conv2dTranspose(dy as tfTypes.Tensor4D, w as tfTypes.Tensor4D, [2, 8, 8, 3], s, "same")],
        [
          { data: randArray(rng, 2 * (8 / s) * (8 / s) * 5), shape: [2, 8 / s, 8 / s, 5] },
          { data: randArray(rng, k * k * 3 * 5), shape: [k, k, 3, 5] },
        ],
      );
      assert.ok(err < TOLERANCE, `stride ${s} kernel ${k}: relative error ${err}`);
    }
  });

  it("BatchMatMul: every transpose flag, rank 2 and 4, equal and broadcast batches, and its gradients (equal batches: tfjs has no broadcast matMul gradient)", () => {
    const cases: Array<[number[], number[]]> = [
      [[5, 7], [7, 4]],
      [[3, 5, 7], [1, 7, 4]],
      [[1, 5, 7], [3, 7, 4]],
      [[2, 3, 5, 7], [2, 3, 7, 4]],
      [[2, 3, 5, 7], [7, 4]],
      [[64, 130], [130, 96]],
    ];
    const tr = (s: number[]) => [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
    for (const [sa, sb] of cases)
      for (const ta of [false, true])
        for (const tb of [false, true]) {
          const aShape = ta ? tr(sa) : sa, bShape = tb ? tr(sb) : sb;
          const sameBatch = sa.length === sb.length && sa.slice(0, -2).join() === sb.slice(0, -2).join();
          const op = (x: tfTypes.Tensor, y: tfTypes.Tensor) => tf.matMul(x, y, ta, tb);
          const err = compare((a, b) => [op(a!, b!), ...(sameBatch ? tf.grads(op)([a!, b!]) : [])], [
            { data: randArray(rng, size(aShape)), shape: aShape },
            { data: randArray(rng, size(bShape)), shape: bShape },
          ]);
          assert.ok(err < TOLERANCE, `${aShape} x ${bShape} transposeA=${ta} transposeB=${tb}: relative error ${err}`);
        }
  });

  // Elements from which svd_pointwise.cc splits a loop over threads (kParallelMin): cases go above it too.
  const THREADED = 1 << 19;

  it("SvdDense (x w + b, bias in the matmul) and SvdDenseBackward (dx, dw, db in one call)", () => {
    assert.ok(tf.getKernel("SvdDense", "wasm") && tf.getKernel("SvdDenseBackward", "wasm"), "dense kernels registered");
    for (const [M, K, N] of [[5, 7, 4], [300, 33, 17], [1, 3, 8], [8192, 5, 70]] as const) {
      assert.ok(M * N < THREADED || M === 8192);
      const err = compare(
        (x, w, b, dy) => {
          const f = (a: tfTypes.Tensor, c: tfTypes.Tensor, d: tfTypes.Tensor) => dense(tf, a as tfTypes.Tensor2D, c as tfTypes.Tensor2D, d);
          return [f(x!, w!, b!), ...tf.grads(f)([x!, w!, b!], dy)];
        },
        [
          { data: randArray(rng, M * K), shape: [M, K] },
          { data: randArray(rng, K * N), shape: [K, N] },
          { data: randArray(rng, N), shape: [N] },
          { data: randArray(rng, M * N), shape: [M, N] },
        ],
      );
      assert.ok(err < TOLERANCE, `[${M},${K}] x [${K},${N}]: relative error ${err}`);
    }
  });

  it("Sum over one contiguous block of axes (native) and over other axis sets (fallback), keepDims either way", () => {
    const cases: Array<[number[], number[]]> = [
      [[4, 6, 5, 8], [0]], [[4, 6, 5, 8], [0, 1]], [[4, 6, 5, 8], [0, 1, 2]], [[4, 6, 5, 8], [1, 2]], [[4, 6, 5, 8], [2]], [[4, 6, 5, 8], [-3]],
      [[4, 6, 5, 8], [0, 2]], [[4, 6, 5, 8], [3]], [[4, 6, 5, 3], [1, 2]], [[9, 16], [0]],
      [[4, 64, 64, 40], [1, 2]], [[4, 64, 64, 40], [0, 1, 2]],
    ];
    for (const [shape, axes] of cases)
      for (const keepDims of [false, true]) {
        const err = compare((x) => [tf.sum(x!, axes, keepDims)], [{ data: randArray(rng, size(shape)), shape }]);
        assert.ok(err < TOLERANCE, `sum [${shape}] over [${axes}] keepDims=${keepDims}: relative error ${err}`);
      }
  });

  it("the AdamW step (SvdAdamWStep) matches the tf-op AdamW on cpu over 3 steps", () => {
    assertAdamWMatchesCpu(tf, rng, [[3, 3, 4, 5], [7], [1, 1, 6, 2], [THREADED + 5]]);
  });

  it("leaks no tensors or wasm memory across a gradient step", () => {
    tf.setBackend("wasm");
    const x = tf.randomNormal([2, 8, 8, 4]) as tfTypes.Tensor4D;
    const w = tf.randomNormal([3, 3, 4, 4]) as tfTypes.Tensor4D;
    const dw = tf.randomNormal([3, 3, 4, 1]) as tfTypes.Tensor4D;
    const m = tf.randomNormal([4, 4]) as tfTypes.Tensor2D;
    const f = (a: tfTypes.Tensor, b: tfTypes.Tensor, c: tfTypes.Tensor, d: tfTypes.Tensor) =>
      tf.matMul(tf.reshape(tf.depthwiseConv2d(tf.conv2d(a as tfTypes.Tensor4D, b as tfTypes.Tensor4D, 1, "same"), c as tfTypes.Tensor4D, 1, "same"), [-1, 4]), d as tfTypes.Tensor2D).sum();
    const bias = tf.randomNormal([4]);
    const g = (a: tfTypes.Tensor, b: tfTypes.Tensor, c: tfTypes.Tensor, d: tfTypes.Tensor, e: tfTypes.Tensor) =>
      tf.add(f(a, b, c, d), tf.sum(tf.mul(dense(tf, tf.reshape(a, [-1, 4]) as tfTypes.Tensor2D, d as tfTypes.Tensor2D, e), e), 0).sum());
    const step = () => tf.tidy(() => tf.grads(g)([x, w, dw, m, bias]).forEach((t) => t.dataSync()));
    step();
    const before = tf.memory().numTensors, bytes = tf.memory().numBytes;
    step();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.memory().numBytes, bytes);
    tf.dispose([x, w, dw, m, bias]);
  });

  it("runs on the requested OpenMP thread count (default all cores) and follows setNativeThreads", () => {
    assert.equal(nativeStatus().threads, requestedThreads());
    if (process.env.SVD_NATIVE_THREADS === undefined) assert.equal(requestedThreads(), os.cpus().length);
    try {
      setNativeThreads(1);
      assert.equal(nativeStatus().threads, 1);
      setNativeThreads(3);
      assert.equal(nativeStatus().threads, 3);
    } finally {
      setNativeThreads(requestedThreads());
    }
  });

  /** Two AdamW-free SGD steps of a small NAFNet from a fixed init; returns the two losses. */
  const twoSteps = (): number[] => {
    tf.setBackend("wasm");
    const net = createNetwork(tf, { type: "NAFNet", width: 8, enc_blk_nums: [1], middle_blk_num: 1, dec_blk_nums: [1] }, new Rng(3));
    const vars = net.params.entries().map((e) => e.variable);
    const r = new Rng("two-steps");
    const x = tf.tensor4d(randArray(r, 2 * 16 * 16 * 3), [2, 16, 16, 3]), y = tf.tensor4d(randArray(r, 2 * 16 * 16 * 3), [2, 16, 16, 3]);
    const losses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), y))) as tfTypes.Scalar, vars);
      losses.push(value.dataSync()[0]!);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.05)));
      tf.dispose([value, ...Object.values(grads)]);
    }
    tf.dispose([x, y, ...vars]);
    return losses;
  };

  it("the wasm fallback (native kernels uninstalled) trains two steps to the same losses", () => {
    const native = twoSteps();
    uninstallNativeKernels();
    try {
      assert.equal(nativeStatus().installed, false);
      const wasm = twoSteps();
      assert.ok(native[1]! < native[0]!, `native loss went ${native[0]} -> ${native[1]}`);
      for (let i = 0; i < 2; i++) assert.ok(Math.abs(native[i]! - wasm[i]!) < 1e-4 * Math.abs(wasm[i]!), `step ${i}: native ${native[i]} vs wasm ${wasm[i]}`);
    } finally {
      assert.ok(installNativeKernels(tf));
    }
  });

  it("SVD_NATIVE=0 disables the addon (status says why) and training still runs on the wasm kernels", () => {
    const script = `
      const { initBackend, nativeStatus } = require("./src/backend");
      const { createNetwork } = require("./src/models");
      const { Rng } = require("./src/util/rng");
      initBackend("wasm").then(({ tf }) => {
        const net = createNetwork(tf, { type: "NAFNet", width: 8, enc_blk_nums: [1], middle_blk_num: 1, dec_blk_nums: [1] }, new Rng(3));
        const vars = net.params.entries().map((e) => e.variable);
        const x = tf.randomUniform([1, 16, 16, 3]);
        const losses = [];
        for (let i = 0; i < 2; i++) {
          const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.apply(x), x))), vars);
          losses.push(value.dataSync()[0]);
          for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05)));
        }
        console.log(JSON.stringify({ status: nativeStatus(), losses }));
      });`;
    const root = path.resolve(__dirname, "../..");
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, SVD_NATIVE: "0" } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { status: ReturnType<typeof nativeStatus>; losses: number[] };
    assert.equal(out.status.loaded, false);
    assert.equal(out.status.installed, false);
    assert.match(out.status.reason ?? "", /SVD_NATIVE=0/);
    assert.ok(out.losses.every(Number.isFinite) && out.losses[1]! < out.losses[0]!, `losses ${out.losses}`);
  });
});
