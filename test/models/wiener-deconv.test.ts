/**
 * Learnable Wiener deconvolution (spec §9.6): forward against a NumPy golden
 * (test/fixtures/wiener-deconv/make_fixture.py; the command is in its docstring), exact inversion of
 * a circular blur as K → 0, gradients w.r.t. the input, the learnable Ks and the learnable PSFs
 * (is_trainable_psf, shared and per-channel, with a max_trainable window) against central finite
 * differences, and option errors.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { createNetwork, type Network } from "../../src/models";
import { ConfigError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";

interface Golden {
  input: number[][][][];
  psfs: number[][][];
  Ks: number[];
  noise_weight: number;
  output: number[][][][];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/wiener-deconv/golden.json"), "utf8")) as Golden;

describe("models/WienerDeconvolution", function () {
  this.timeout(30000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });

  const setKs = (net: Network, ks: number[]) => net.params.entries().find((e) => e.name === "Ks")!.variable.assign(tf.tensor1d(ks));

  it("matches the NumPy golden (reflect padding, two PSFs, per-PSF K)", () => {
    const net = createNetwork(tf, { type: "WienerDeconvolution", psfs: golden.psfs, noise_weight: golden.noise_weight, do_clip: false }, new Rng(0));
    assert.deepEqual(net.params.names(), ["Ks"]);
    assert.deepEqual([...net.params.entries()[0]!.variable.dataSync()], [1, 1]);
    setKs(net, golden.Ks);
    const y = net.apply(tf.tensor4d(golden.input.flat(3), [2, 6, 7, 2]));
    assert.deepEqual(y.shape, [2, 6, 7, 4]);
    const got = y.dataSync(), want = golden.output.flat(3);
    let maxErr = 0;
    for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
    assert.ok(maxErr < 1e-5, `max abs error ${maxErr}`);
    // do_clip (default) clips to [-1, 1]; the golden goes outside that range.
    const clipped = createNetwork(tf, { type: "WienerDeconv", psfs: golden.psfs, noise_weight: golden.noise_weight }, new Rng(0));
    setKs(clipped, golden.Ks);
    const yc = clipped.apply(tf.tensor4d(golden.input.flat(3), [2, 6, 7, 2])).dataSync();
    assert.ok(want.some((v) => v > 1) && yc.every((v, i) => Math.abs(v - Math.min(1, Math.max(-1, want[i]!))) < 1e-5));
    tf.dispose(y);
  });

  it("inverts a circular blur exactly as K·noise_weight -> 0 (no padding)", () => {
    const psf = [[[0, 0.1, 0], [0.1, 0.6, 0.1], [0, 0.1, 0]]]; // OTF 0.6 + 0.2cos + 0.2cos >= 0.2: invertible
    const net = createNetwork(tf, { type: "WienerDeconvolution", psfs: psf, do_pad: false, do_clip: false, noise_weight: 1e-12 }, new Rng(0));
    const rng = new Rng(5);
    const H = 8, W = 5;
    const x = Float32Array.from({ length: H * W }, () => rng.uniform(0, 1));
    // circular convolution y = psf ⊛ x
    const y = new Float32Array(H * W);
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) y[i * W + j] += psf[0]![a + 1]![b + 1]! * x[((i - a + H) % H) * W + ((j - b + W) % W)]!;
    const got = net.apply(tf.tensor4d(y, [1, H, W, 1])).dataSync();
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(got[i]! - x[i]!) < 1e-5, `pixel ${i}: ${got[i]} vs ${x[i]}`);
  });

  it("has gradients w.r.t. the input and Ks that match central finite differences", () => {
    const net = createNetwork(tf, { type: "WienerDeconvolution", psfs: golden.psfs, noise_weight: 0.1, do_clip: false }, new Rng(0));
    setKs(net, [0.7, 0.2]);
    const rng = new Rng(9);
    const xData = Float32Array.from({ length: 1 * 5 * 6 * 2 }, () => rng.uniform(0, 1));
    const r = tf.tensor4d(Float32Array.from({ length: 5 * 6 * 4 }, () => rng.uniform(-1, 1)), [1, 5, 6, 4]);
    const loss = (x: tfTypes.Tensor) => tf.sum(tf.mul(tf.square(net.apply(x as tfTypes.Tensor4D)), r)) as tfTypes.Scalar;
    const x = tf.tensor4d(xData, [1, 5, 6, 2]);
    const gx = tf.grad(loss)(x).dataSync();
    const ks = net.params.variables()[0]!;
    const { grads } = tf.variableGrads(() => loss(x), [ks]);
    const gk = Object.values(grads)[0]!.dataSync();
    const evalAt = (xs: Float32Array) => loss(tf.tensor4d(xs, [1, 5, 6, 2])).dataSync()[0]!;
    for (const i of [0, 7, 13, 29, 42, 59]) {
      const eps = 1e-2;
      const xp = Float32Array.from(xData), xm = Float32Array.from(xData);
      xp[i] += eps;
      xm[i] -= eps;
      const fd = (evalAt(xp) - evalAt(xm)) / (2 * eps);
      assert.ok(Math.abs(fd - gx[i]!) < 2e-3 * Math.max(1, Math.abs(fd)), `d/dx[${i}]: ${gx[i]} vs finite difference ${fd}`);
    }
    const k0 = [0.7, 0.2];
    for (let n = 0; n < 2; n++) {
      const eps = 1e-3;
      const at = (d: number) => {
        const k = [...k0];
        k[n] += d;
        setKs(net, k);
        return evalAt(xData);
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      setKs(net, k0);
      assert.ok(Math.abs(fd - gk[n]!) < 1e-2 * Math.max(1e-3, Math.abs(fd)), `d/dK[${n}]: ${gk[n]} vs finite difference ${fd}`);
      assert.ok(Math.abs(gk[n]!) > 1e-4, "non-trivial K gradient");
    }
  });

  const psfVar = (net: Network) => net.params.entries().find((e) => e.name === "psfs")!.variable;

  it("with is_trainable_psf starts from the config's PSFs (same output as the fixed filter) and saves them as 'psfs'", () => {
    const net = createNetwork(tf, { type: "WienerDeconvolution", psfs: golden.psfs, noise_weight: golden.noise_weight, do_clip: false, is_trainable_psf: true }, new Rng(0));
    assert.deepEqual(net.params.names(), ["Ks", "psfs"]);
    assert.deepEqual(psfVar(net).shape, [2, 1, 3, 3]);
    setKs(net, golden.Ks);
    const got = net.apply(tf.tensor4d(golden.input.flat(3), [2, 6, 7, 2])).dataSync(), want = golden.output.flat(3);
    let maxErr = 0;
    for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
    assert.ok(maxErr < 1e-5, `max abs error ${maxErr}`);
    assert.deepEqual(net.params.toTorchStateDict().map(([n, t]) => [n, t.shape]), [["Ks", [2]], ["psfs", [2, 1, 3, 3]]]);
  });

  /** Loss Σ r·y² at the current PSF values, and its analytic PSF gradient. */
  const psfCase = (cfg: Record<string, unknown>, C: number) => {
    const net = createNetwork(tf, { type: "WienerDeconvolution", noise_weight: 0.1, do_clip: false, is_trainable_psf: true, ...cfg }, new Rng(0));
    setKs(net, [0.7, 0.2]);
    const rng = new Rng(13);
    const [H, W] = [5, 6];
    const x = tf.tensor4d(Float32Array.from({ length: H * W * C }, () => rng.uniform(0, 1)), [1, H, W, C]);
    const r = tf.tensor4d(Float32Array.from({ length: H * W * 2 * C }, () => rng.uniform(-1, 1)), [1, H, W, 2 * C]);
    const loss = () => tf.sum(tf.mul(tf.square(net.apply(x)), r)) as tfTypes.Scalar;
    const v = psfVar(net);
    const { grads } = tf.variableGrads(loss, [v]);
    return { net, v, loss, grad: Object.values(grads)[0]!.dataSync() as Float32Array };
  };
  const finiteDifference = (v: tfTypes.Variable, loss: () => tfTypes.Scalar, i: number, eps = 1e-3) => {
    const p0 = v.dataSync().slice() as Float32Array;
    const at = (d: number) => {
      const p = Float32Array.from(p0);
      p[i] += d;
      v.assign(tf.tensor(p, v.shape));
      return loss().dataSync()[0]!;
    };
    const fd = (at(eps) - at(-eps)) / (2 * eps);
    v.assign(tf.tensor(p0, v.shape));
    return fd;
  };

  for (const [label, psfs, C] of [
    ["a PSF shared by both channels", golden.psfs, 2],
    ["per-channel PSFs [N, C, k, k]", golden.psfs.map((k, n) => [k, golden.psfs[1 - n]!]), 2],
  ] as const) {
    it(`has PSF gradients that match central finite differences (${label})`, () => {
      const { v, loss, grad } = psfCase({ psfs }, C);
      let checked = 0;
      for (let i = 0; i < grad.length; i += 2) {
        const fd = finiteDifference(v, loss, i);
        assert.ok(Math.abs(fd - grad[i]!) < 2e-2 * Math.max(1e-2, Math.abs(fd)), `d/dpsf[${i}]: ${grad[i]} vs finite difference ${fd}`);
        checked++;
      }
      assert.ok(checked >= 9 && grad.some((g) => Math.abs(g) > 1e-3), "non-trivial PSF gradient");
    });
  }

  it("keeps only the centred max_trainable window of each PSF (zero outside, no gradient there)", () => {
    const psfs = [0, 1].map((n) => Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => 0.02 + 0.01 * (i + j + n) + (i === 2 && j === 2 ? 0.5 : 0))));
    const { v, loss, grad } = psfCase({ psfs, max_trainable: [3, 2] }, 1);
    const init = v.dataSync();
    // rows 1..3 (centred on row 2), columns 2..3 (the original's placement of an even window: centre and one after)
    const inside = (i: number, j: number) => i >= 1 && i <= 3 && j >= 2 && j <= 3;
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++) {
          const k = n * 25 + i * 5 + j;
          if (inside(i, j)) {
            assert.ok(Math.abs(init[k]! - psfs[n]![i]![j]!) < 1e-7 && Math.abs(grad[k]!) > 0, `psf ${n} (${i},${j}) trainable`);
          } else assert.ok(init[k] === 0 && grad[k] === 0, `psf ${n} (${i},${j}) outside the window: value ${init[k]}, gradient ${grad[k]}`);
        }
    const k = 25 + 2 * 5 + 3;
    const fd = finiteDifference(v, loss, k);
    assert.ok(Math.abs(fd - grad[k]!) < 2e-2 * Math.max(1e-2, Math.abs(fd)), `${grad[k]} vs finite difference ${fd}`);
  });

  it("rejects missing or malformed PSFs and unported options with the key named", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: "WienerDeconvolution" }, /network.*psfs is required/],
      [{ type: "WienerDeconvolution", psfs: [1, 2, 3] }, /shape \[N,k,k\] or \[N,C,k,k\], found \[3\]/],
      [{ type: "WienerDeconvolution", psfs: [[[1, "a"]]] }, /finite numbers/],
      [{ type: "WienerDeconvolution", psfs: [[[1]]], is_trainable_psf: true, max_trainable: [3] }, /network\.max_trainable.*\[h, w\]/],
      [{ type: "WienerDeconvolution", psfs: [[[1]]], return_frequency: true }, /network\.return_frequency/],
      [{ type: "WienerDeconvolution", psfs: [[[1]]], noise_weight: "0.1" }, /network\.noise_weight.*a number/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => createNetwork(tf, cfg, new Rng(0), "w.yml"), (e: Error) => e instanceof ConfigError && re.test(e.message), JSON.stringify(cfg));
    const net = createNetwork(tf, { type: "WienerDeconvolution", psfs: [[[[1]], [[1]]]] }, new Rng(0)); // [N=1, C=2, 1, 1]
    assert.throws(() => net.apply(tf.zeros([1, 4, 4, 3]) as tfTypes.Tensor4D), /PSFs have 2 channels but the image has 3/);
  });
});
