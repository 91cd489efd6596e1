/**
 * NAFNet: parameter counts of the original's configs (spec §9.1) and a forward pass of weights in
 * PyTorch layout against golden outputs of an independent PyTorch implementation
 * (test/fixtures/nafnet/make_fixture.py; the command is in its docstring).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { createNetwork } from "../../src/models";
import { readSafetensors, serializeSafetensors, parseSafetensors } from "../../src/io/safetensors";
import { ConfigError, InputFileError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";

const fixtures = path.join(__dirname, "../fixtures/nafnet");

describe("models/NAFNet", function () {
  this.timeout(60000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });

  for (const [enc, cin, cout, expected] of [
    [[1, 1, 1, 28], 3, 3, 17111907],
    [[1, 1, 1, 28], 1, 1, 17110753],
    [[1, 1, 1, 1], 3, 3, 4497507],
  ] as const) {
    it(`has ${expected} parameters for width 32, enc [${enc}], ${cin}->${cout}`, () => {
      const net = createNetwork(tf, { type: "NAFNet", in_channels: cin, out_channels: cout, width: 32, enc_blk_nums: [...enc], middle_blk_num: 1, dec_blk_nums: [1, 1, 1, 1] }, new Rng(0));
      assert.equal(net.params.count(), expected);
      net.params.dispose();
    });
  }

  it("matches PyTorch golden outputs for weights loaded from a PyTorch-layout safetensors file", () => {
    const net = createNetwork(tf, { type: "NAFNet_arch", width: 8, enc_blk_nums: [1, 2], middle_blk_num: 1, dec_blk_nums: [1, 1] }, new Rng(0));
    const file = path.join(fixtures, "tiny_nafnet.safetensors");
    net.params.loadTorchStateDict(readSafetensors(file).tensors, file);
    const io = readSafetensors(path.join(fixtures, "io.safetensors")).tensors;
    const x = io.get("input")!, want = io.get("output")!;
    const [, C, H, W] = x.shape as [number, number, number, number];
    const got = tf.tidy(() => {
      const nhwc = tf.transpose(tf.tensor(x.data, x.shape as [number, number, number, number]), [0, 2, 3, 1]) as tfTypes.Tensor4D;
      return tf.transpose(net.apply(nhwc), [0, 3, 1, 2]).dataSync() as Float32Array;
    });
    assert.deepEqual([...want.shape], [1, C, H, W]);
    let maxErr = 0, maxRef = 0;
    for (let i = 0; i < got.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i]! - want.data[i]!));
      maxRef = Math.max(maxRef, Math.abs(want.data[i]!));
    }
    assert.ok(maxErr / maxRef < 1e-5, `max abs error ${maxErr} (max |ref| ${maxRef})`);
    // Saving gives back the same state dict (names and PyTorch layout).
    const saved = parseSafetensors(serializeSafetensors(net.params.toTorchStateDict("model."))).tensors;
    const orig = readSafetensors(file).tensors;
    assert.deepEqual([...saved.keys()].sort(), [...orig.keys()].sort());
    for (const [k, t] of orig) assert.deepEqual(saved.get(k)!.data, t.data, k);
    net.params.dispose();
  });

  it("names the parameter when a checkpoint does not fit", () => {
    const net = createNetwork(tf, { type: "NAFNet", width: 4, enc_blk_nums: [1, 2], middle_blk_num: 1, dec_blk_nums: [1, 1] }, new Rng(0));
    const file = path.join(fixtures, "tiny_nafnet.safetensors");
    assert.throws(() => net.params.loadTorchStateDict(readSafetensors(file).tensors, file), (e: Error) => e instanceof InputFileError && /intro\.weight.*expected shape \[4,3,3,3\], found \[8,3,3,3\]/.test(e.message));
    net.params.dispose();
  });

  it("rejects unknown types, unknown keys, wrong types and the deprecated img_channel", () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: "NAFNett" }, /network\.type.*one of .*NAFNet.*found string "NAFNett"/],
      [{ type: "NAFNet", widht: 8 }, /network\.widht/],
      [{ type: "NAFNet", width: "32" }, /network\.width.*non-negative integer/],
      [{ type: "NAFNet", img_channel: 1 }, /network\.img_channel.*deprecated/],
      [{ type: "NAFNet", enc_blk_nums: [1], dec_blk_nums: [] }, /network.*enc_blk_nums has 1 levels/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => createNetwork(tf, cfg, new Rng(0), "x.yml"), (e: Error) => e instanceof ConfigError && /^x\.yml/.test(e.message) && re.test(e.message), JSON.stringify(cfg));
  });
});
