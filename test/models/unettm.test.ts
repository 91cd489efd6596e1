/**
 * UnetTM (spec §9.4): parameter counts of the original's UnetTM.yml network and a forward pass of
 * weights in PyTorch layout against golden outputs of an independent PyTorch build
 * (test/fixtures/unettm/make_fixture.py; the command is in its docstring), sizes not divisible by 8,
 * gradients, PyTorch's default init bounds, and option errors.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { createNetwork } from "../../src/models";
import { ConfigError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";
import { checkTorchGolden } from "./golden";

const fixtures = path.join(__dirname, "../fixtures/unettm");
const tiny = { type: "UnetTM", in_channels: 2, out_channels: 3, n_features: 8 };

describe("models/UnetTM", function () {
  this.timeout(60000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });

  const counts = JSON.parse(fs.readFileSync(path.join(fixtures, "param_counts.json"), "utf8")) as Record<string, number>;
  for (const [c, key] of [
    [1, "UnetTM.yml 1->1"],
    [3, "UnetTM.yml 3->3"],
  ] as const) {
    it(`has the PyTorch reference's ${counts[key]} parameters for UnetTM.yml (n_features 16), ${c}->${c}`, () => {
      const net = createNetwork(tf, { type: "UnetTM", in_channels: c, out_channels: c, n_features: 16 }, new Rng(0));
      assert.equal(net.params.count(), counts[key]);
      net.params.dispose();
    });
  }

  it("matches PyTorch golden outputs for weights loaded from a PyTorch-layout safetensors file", () => {
    const net = createNetwork(tf, tiny, new Rng(0));
    const { maxErr, maxRef } = checkTorchGolden(tf, net, path.join(fixtures, "tiny_unettm.safetensors"), path.join(fixtures, "io.safetensors"));
    assert.ok(maxRef > 0.1, `non-trivial reference output (max |ref| ${maxRef})`);
    assert.ok(maxErr < 1e-4, `max abs error ${maxErr}`);
    net.params.dispose();
  });

  it("starts from PyTorch's default init: weights and biases within 1/sqrt(fan_in), ConvTranspose fan_in = out channels · 9", () => {
    const net = createNetwork(tf, { type: "UnetTM", in_channels: 1, out_channels: 1, n_features: 8 }, new Rng(3));
    const byName = new Map(net.params.entries().map((e) => [e.name, e.variable]));
    const maxAbs = (n: string) => Math.max(...Array.from(byName.get(n)!.dataSync(), Math.abs));
    // encoder.conv: 1 input channel, 5x5 -> bound 1/5; decoder.uph: 8n -> 4n = 32 out channels -> bound 1/sqrt(288)
    for (const [name, bound] of [
      ["encoder.conv.weight", 1 / 5],
      ["encoder.conv.bias", 1 / 5],
      ["decoder.uph.weight", 1 / Math.sqrt(32 * 9)],
      ["decoder.fusion3.CA.conv_du.0.weight", 1 / Math.sqrt(64)],
    ] as const) {
      const m = maxAbs(name);
      assert.ok(m <= bound && m > 0.8 * bound, `${name}: max |w| ${m}, bound ${bound}`);
    }
    assert.ok(!byName.has("decoder.fusion3.CA.conv_du.0.bias"), "channel attention convs have no bias");
    net.params.dispose();
  });

  it("keeps the input shape (sizes not divisible by 8 padded and cropped) and trains (gradients flow)", () => {
    const net = createNetwork(tf, { type: "UnetTM", in_channels: 1, out_channels: 1, n_features: 8 }, new Rng(1));
    const x = tf.randomUniform([1, 13, 18, 1]) as tfTypes.Tensor4D;
    const y = net.apply(x);
    assert.deepEqual(y.shape, [1, 13, 18, 1]);
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(net.apply(x))) as tfTypes.Scalar, net.params.variables());
    const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]!);
    assert.equal(norms.length, net.params.size);
    assert.ok(norms.every((n) => Number.isFinite(n)));
    // A ReLU over a 1-channel attention bottleneck can switch that branch off; everything else learns.
    assert.ok(norms.filter((n) => n > 0).length >= net.params.size - 2, `${norms.filter((n) => n > 0).length} of ${net.params.size} parameters get a gradient`);
    tf.dispose([x, y, ...Object.values(grads)]);
    net.params.dispose();
  });

  it("rejects unknown keys and too few features with the key named", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...tiny, n_features: 4 }, /network.*n_features must be at least 8/],
      [{ ...tiny, n_feature: 16 }, /network\.n_feature.*did you mean 'n_features'/],
      [{ ...tiny, n_features: 8.5 }, /network\.n_features.*non-negative integer/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => createNetwork(tf, cfg, new Rng(0), "u.yml"), (e: Error) => e instanceof ConfigError && re.test(e.message), JSON.stringify(cfg));
  });
});
