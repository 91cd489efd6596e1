/**
 * Patched training (spec §5, train.patched): the batch is cut into patch minibatches, each its own
 * optimiser update at the step's learning rate. Patches as large as the image give exactly the
 * unpatched step; smaller ones give one update per minibatch of max_minibatch positions, each
 * holding the crops of every image of the batch.
 */
import { strict as assert } from "node:assert";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { validate } from "../../src/config/schema";
import { createDataset } from "../../src/data/readers/registry";
import { createNetwork } from "../../src/models";
import { AdamW } from "../../src/train/adamw";
import { loadBatch } from "../../src/train/batch";
import { trainConfigSchema } from "../../src/train/config";
import { parseLoss } from "../../src/train/losses";
import { SampleOrder } from "../../src/train/sample-order";
import { patchMinibatches, trainStep, type StepContext } from "../../src/train/train-step";
import { Rng } from "../../src/util/rng";

describe("train: patched training", function () {
  this.timeout(120000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
    process.env.SVD_QUIET = "1";
  });

  const context = async (train: Record<string, unknown>): Promise<StepContext> => {
    const cfg = validate(trainConfigSchema, { datasets: {}, train: { optim: { learning_rate: 3e-3, max_grad_norm: 0 }, loss: "1*L1|0.5*MSE", batch_size: 2, ...train } }, "t.yml").value;
    const network = createNetwork(tf, { type: "UnetTM", in_channels: 3, out_channels: 3, n_features: 8 }, new Rng(4));
    const trainSet = await createDataset({ type: "SyntheticBlur", size: 4, h: 24, w: 24, seed: "a" });
    const entries = network.params.entries();
    return { tf, train: cfg.train, network, trainSet, order: new SampleOrder(4, 0, false), terms: parseLoss(cfg.train.loss), optimizer: new AdamW(tf, entries, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }), ema: null };
  };
  const weights = (ctx: StepContext) => ctx.network.params.variables().map((v) => Array.from(v.dataSync()));

  it("with patches as large as the image equals the unpatched step (losses and weights)", async () => {
    const plain = await context({});
    const patched = await context({ patched: true, patch_size_h: 64, patch_size_w: 64, max_minibatch: 4 });
    for (let step = 0; step < 3; step++) {
      const a = await trainStep(plain, step), b = await trainStep(patched, step);
      assert.equal(b.loss_all, a.loss_all, `step ${step}`);
    }
    assert.equal(patched.optimizer.step, 3);
    assert.deepEqual(weights(patched), weights(plain));
  });

  it("cuts 24x24 images into four 12x12 patches (overlap 0) and makes one update per minibatch of two positions", async () => {
    const ctx = await context({ patched: true, patch_size_h: 12, patch_size_w: 12, patch_overlap: 0, max_minibatch: 2 });
    const { lq, gt } = await loadBatch(tf, ctx.trainSet, [0, 1], 0);
    const mbs = patchMinibatches(tf, lq, gt, ctx.train);
    assert.equal(mbs.length, 2);
    assert.deepEqual(mbs[0]!.lq.shape, [4, 12, 12, 3]);
    // minibatch 1 holds positions (12, 0) and (12, 12): the bottom-left crops of both images come first
    const want = tf.slice(gt, [0, 12, 0, 0], [-1, 12, 12, -1]).dataSync();
    assert.deepEqual(Array.from(tf.slice(mbs[1]!.gt, [0, 0, 0, 0], [2, -1, -1, -1]).dataSync()), Array.from(want));
    const rec = await trainStep(ctx, 0);
    assert.equal(rec.step, 1);
    assert.equal(ctx.optimizer.step, 2, "one update per minibatch, one step per batch");
    assert.ok(Number.isFinite(rec.loss_all!) && rec.loss_all! > 0);
    tf.dispose([lq, gt, ...mbs.flatMap((m) => [m.lq, m.gt])]);
  });
});
