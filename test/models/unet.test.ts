/**
 * U-Net (diffusers UNet2DModel as the original's `Unet` uses it, spec §9.3): parameter counts of the
 * repo's Unet.yml network against an independent PyTorch implementation, a forward pass of weights in
 * PyTorch layout against its golden outputs (test/fixtures/unet/make_fixture.py; the command is in
 * its docstring), padding of odd sizes, gradients, and option errors.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { createNetwork, createUnet, ParamStore, timestepEmbedding, type Init, type TorchLayout } from "../../src/models";
import { unetDefaults } from "../../src/models/archs/unet";
import { ConfigError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";
import { checkTorchGolden } from "./golden";

const fixtures = path.join(__dirname, "../fixtures/unet");
const tiny = {
  type: "Unet",
  block_out_channels: [8, 16, 24],
  down_block_types: ["DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"],
  up_block_types: ["AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D"],
  layers_per_block: 1,
  norm_num_groups: 4,
  attention_head_dim: 4,
};

/**
 * Records parameter shapes without allocating them: the full Unet.yml network has 274 M parameters
 * (about 35 s and 1.3 GB to initialise here), too heavy for a unit test. The forward closures are
 * never called, so a shared placeholder variable stands in for every parameter.
 */
class ShapeOnlyStore extends ParamStore {
  readonly shapes = new Map<string, number[]>();
  constructor(
    tf: typeof tfTypes,
    private readonly placeholder: tfTypes.Variable,
  ) {
    super(tf, new Rng(0));
  }
  override add(name: string, shape: number[], _init: Init, _layout: TorchLayout): tfTypes.Variable {
    if (this.shapes.has(name)) throw new Error(`duplicate parameter name ${name}`);
    this.shapes.set(name, shape);
    return this.placeholder;
  }
  override count(): number {
    let n = 0;
    for (const s of this.shapes.values()) n += s.reduce((a, b) => a * b, 1);
    return n;
  }
}

describe("models/Unet", function () {
  this.timeout(60000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });

  const counts = JSON.parse(fs.readFileSync(path.join(fixtures, "param_counts.json"), "utf8")) as Record<string, number>;
  for (const [cin, key] of [
    [3, "Unet.yml 3->3"],
    [1, "Unet.yml 1->1"],
  ] as const) {
    it(`has the PyTorch reference's ${counts[key]} parameters for Unet.yml, ${cin}->${cin}`, () => {
      const placeholder = tf.variable(tf.scalar(0));
      const store = new ShapeOnlyStore(tf, placeholder);
      createUnet(tf, store, { ...unetDefaults, in_channels: cin, out_channels: cin, attention_head_dim: 8, block_out_channels: [224, 448, 672, 896] });
      assert.equal(store.count(), counts[key]);
      assert.ok(store.shapes.has("down_blocks.1.attentions.1.to_out.0.weight") && store.shapes.has("up_blocks.2.resnets.2.conv_shortcut.weight"));
      placeholder.dispose();
    });
  }

  it("computes diffusers' flipped sinusoidal time embedding", () => {
    const e = timestepEmbedding(1, 8);
    // [cos(f_k), sin(f_k)], f_k = 10000^(-k/4)
    for (let k = 0; k < 4; k++) {
      const f = Math.pow(10000, -k / 4);
      assert.ok(Math.abs(e[k]! - Math.cos(f)) < 1e-6 && Math.abs(e[4 + k]! - Math.sin(f)) < 1e-6);
    }
  });

  it("matches PyTorch golden outputs for weights loaded from a PyTorch-layout safetensors file", () => {
    const net = createNetwork(tf, tiny, new Rng(0));
    checkTorchGolden(tf, net, path.join(fixtures, "tiny_unet.safetensors"), path.join(fixtures, "io.safetensors"));
    assert.equal(net.params.count(), 118355);
    net.params.dispose();
  });

  it("keeps the input shape (sizes not divisible by 4 padded and cropped) and trains (gradients flow)", () => {
    const net = createNetwork(tf, { ...tiny, in_channels: 1, out_channels: 2 }, new Rng(1));
    const x = tf.randomUniform([2, 13, 18, 1]) as tfTypes.Tensor4D;
    const y = net.apply(x);
    assert.deepEqual(y.shape, [2, 13, 18, 2]);
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(net.apply(x))) as tfTypes.Scalar, net.params.variables());
    const norms = Object.values(grads).map((g) => tf.norm(g).dataSync()[0]!);
    assert.equal(norms.length, net.params.size);
    assert.ok(norms.every((n) => Number.isFinite(n)));
    assert.ok(norms.filter((n) => n > 0).length > net.params.size * 0.9);
    tf.dispose([x, y, ...Object.values(grads)]);
    net.params.dispose();
  });

  it("rejects inconsistent options with the key named", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...tiny, norm_num_groups: 3 }, /8 channels are not divisible by 3 groups/],
      [{ ...tiny, down_block_types: ["DownBlock2D", "CrossAttnDownBlock2D", "AttnDownBlock2D"] }, /CrossAttnDownBlock2D is not ported/],
      [{ ...tiny, up_block_types: ["UpBlock2D"] }, /3 levels but down_block_types has 3 and up_block_types 1/],
      [{ ...tiny, block_out_channels: "8,16" }, /network\.block_out_channels.*list of non-negative integers/],
      [{ ...tiny, down_block_types: "DownBlock2D" }, /network\.down_block_types.*a list of strings/],
      [{ ...tiny, resnet_time_scale_shift: "scale_shift" }, /network\.resnet_time_scale_shift/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => createNetwork(tf, cfg, new Rng(0), "u.yml"), (e: Error) => e instanceof ConfigError && re.test(e.message), JSON.stringify(cfg));
  });
});
