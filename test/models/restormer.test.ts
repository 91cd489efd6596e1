/**
 * Restormer: the parameter count at the original's defaults (spec §9.2), a forward pass of weights
 * in PyTorch layout against golden outputs of an independent PyTorch implementation
 * (test/fixtures/restormer/make_fixture.py; the command is in its docstring), shapes for sizes not
 * divisible by 8, and option errors.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { createNetwork } from "../../src/models";
import { ConfigError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";
import { checkTorchGolden } from "./golden";

const fixtures = path.join(__dirname, "../fixtures/restormer");
const tiny = { type: "Restormer", dim: 8, num_blocks: [1, 1, 1, 1], num_refinement_blocks: 1 };

describe("models/Restormer", function () {
  this.timeout(60000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });

  it("has 26,126,644 parameters at its defaults", () => {
    const net = createNetwork(tf, { type: "Restormer" }, new Rng(0));
    assert.equal(net.params.count(), 26126644);
    assert.ok(net.params.names().includes("encoder_level1.0.attn.qkv_dwconv.weight"));
    net.params.dispose();
  });

  it("matches PyTorch golden outputs for weights loaded from a PyTorch-layout safetensors file", () => {
    const net = createNetwork(tf, tiny, new Rng(0));
    checkTorchGolden(tf, net, path.join(fixtures, "tiny_restormer.safetensors"), path.join(fixtures, "io.safetensors"));
    net.params.dispose();
  });

  it("keeps the input shape (sizes not divisible by 8 padded and cropped) and trains (gradients flow)", () => {
    const net = createNetwork(tf, { ...tiny, in_channels: 1, out_channels: 1 }, new Rng(1));
    const x = tf.randomUniform([2, 13, 19, 1]) as tfTypes.Tensor4D;
    const y = net.apply(x);
    assert.deepEqual(y.shape, [2, 13, 19, 1]);
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(net.apply(x))) as tfTypes.Scalar, net.params.variables());
    const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]!);
    assert.equal(norms.length, net.params.size);
    assert.ok(norms.filter((n) => n > 0).length > net.params.size * 0.9);
    tf.dispose([x, y, ...Object.values(grads)]);
    net.params.dispose();
  });

  it("rejects inconsistent options with the key named", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...tiny, heads: [1, 3, 4, 8] }, /16 channels are not divisible by 3 heads/],
      [{ ...tiny, LayerNorm_type: "Foo" }, /WithBias or BiasFree/],
      [{ ...tiny, dual_pixel_task: true }, /network\.dual_pixel_task.*dual-pixel/],
      [{ ...tiny, out_channels: 1 }, /in_channels == out_channels/],
      [{ ...tiny, ffn_expansion_factor: "2" }, /network\.ffn_expansion_factor.*a number/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => createNetwork(tf, cfg, new Rng(0), "r.yml"), (e: Error) => e instanceof ConfigError && re.test(e.message), JSON.stringify(cfg));
    // inp_channels (RestormerColor.yml) is accepted and ignored, as in the original.
    createNetwork(tf, { ...tiny, inp_channels: 1 }, new Rng(0)).params.dispose();
  });
});
