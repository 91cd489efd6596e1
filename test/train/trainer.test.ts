/**
 * The trainer end to end on a tiny NAFNet and synthetic data: the loss falls on a fixed batch; a run
 * stopped after a checkpoint and resumed from `latest` reproduces the uninterrupted run's losses
 * exactly; bad configs fail with the file and key named. Plus the loss and schedule formulas.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { Trainer, type StepRecord } from "../../src/train/trainer";
import { parseLoss, evalLoss } from "../../src/train/losses";
import { lrMultiplier } from "../../src/train/schedule";
import { ConfigError } from "../../src/util/errors";

function writeConfig(dir: string, body: string): string {
  const f = path.join(dir, "cfg.yml");
  fs.writeFileSync(f, body);
  return f;
}

const tiny = (root: string, extra = "") => `
name: T
model_type: Simple_model
seed: 3
experiment_key: tiny
network: {type: NAFNet, width: 8, enc_blk_nums: [1, 1], middle_blk_num: 1, dec_blk_nums: [1, 1]}
datasets:
  train: {type: SyntheticBlur, size: 4, h: 24, w: 24, seed: a}
path: {root: ${root}}
train:
  optim: {learning_rate: 3e-3, max_grad_norm: 0}
  scheduler: {type: constant}
  loss: 1*L1|0.5*MSE
  batch_size: 4
  max_train_steps: 40
  checkpointing_steps: 1000
  validation_steps: 1000
${extra}`;

describe("train/trainer", function () {
  this.timeout(120000);
  let dir: string;
  before(async () => {
    await initBackend();
    process.env.SVD_QUIET = "1";
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-train-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lowers the loss on a fixed batch", async () => {
    // size 4 = batch size: every step sees the same four pairs.
    const t = new Trainer(writeConfig(dir, tiny(dir).replace("1*L1|0.5*MSE", "1*MSE|0.01*L1").replace("learning_rate: 3e-3,", "learning_rate: 5e-3, adam_weight_decay: 0,")));
    const r = await t.run();
    const first = r.steps[0]!.loss_all!; // before any update
    const last = r.steps.slice(-5).reduce((a, s) => a + s.loss_all!, 0) / 5;
    console.log(`      loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
    assert.ok(last < 0.92 * first, `loss ${first} -> ${last}`);
    assert.ok(Math.abs(r.steps[0]!.loss_all! - r.steps[0]!.loss_L1! - r.steps[0]!.loss_MSE!) < 1e-6, "all = sum of weighted terms");
    const log = fs.readFileSync(path.join(r.experimentsRoot, "logs", "train_log.jsonl"), "utf8").trim().split("\n");
    assert.equal(log.length, 40);
    t.dispose();
  });

  it("resumes from latest after a kill with identical subsequent losses", async () => {
    const extra = "";
    const cfg = (root: string) =>
      tiny(root, extra)
        .replace("size: 4,", "size: 12,")
        .replace("max_train_steps: 40", "max_train_steps: 6")
        .replace("checkpointing_steps: 1000", "checkpointing_steps: 3")
        .replace("max_grad_norm: 0", "max_grad_norm: 0.5")
        .replace("type: constant", "type: cosine_with_restarts, lr_warmup_steps: 2, lr_num_cycles: 2");
    const a = new Trainer(writeConfig(dir, cfg(path.join(dir, "a"))));
    const full = (await a.run()).steps;
    a.dispose();

    const bRoot = path.join(dir, "b");
    const b = new Trainer(writeConfig(dir, cfg(bRoot)), {
      onStep: (r: StepRecord) => {
        if (r.step === 4) throw new Error("killed");
      },
    });
    await assert.rejects(b.run(), /killed/);
    b.dispose();
    const c = new Trainer(writeConfig(dir, cfg(bRoot) + "\n"), { overrides: ["path.resume_from_checkpoint=latest"] });
    const resumed = (await c.run()).steps;
    c.dispose();
    assert.deepEqual(resumed.map((s) => s.step), [4, 5, 6]);
    for (const s of resumed) {
      const ref = full[s.step - 1]!;
      assert.equal(s.loss_all, ref.loss_all, `step ${s.step}`);
      assert.equal(s.lr, ref.lr);
    }
    // total limit 2 is not set here: both checkpoints remain
    assert.deepEqual(fs.readdirSync(path.join(bRoot, "T", "tiny")).filter((n) => n.startsWith("checkpoint")).sort(), ["checkpoint-3", "checkpoint-6"]);
  });

  it("fails clearly on bad configs", async () => {
    const cases: Array<[string, RegExp]> = [
      [tiny(dir).replace("type: NAFNet", "type: NAFNot"), /cfg\.yml: key 'network\.type': expected one of .*NAFNet.*found string "NAFNot"/],
      [tiny(dir).replace("model_type: Simple_model", "model_type: Fancy_model"), /key 'model_type': expected one of FISTA_model, RL_model, Simple_model, Wiener_model/],
      [tiny(dir).replace("width: 8,", "width: 8, in_channels: 1,"), /key 'network\.in_channels'.*3 channels.*wrong shape/],
      [tiny(dir).replace(/datasets:\n.*\n/, "datasets: {}\n"), /key 'datasets\.train'.*training needs a training set/],
      [tiny(dir).replace("type: SyntheticBlur", "type: Nope"), /key 'datasets\.train\.type'.*SyntheticBlur/],
      [tiny(dir).replace("1*L1|0.5*MSE", "1*L1+0.5*MSE"), /key 'train\.loss'/],
      [tiny(dir).replace("1*L1|0.5*MSE", "1*L2"), /unknown loss 'L2'/],
      [tiny(dir).replace("batch_size: 4", "batch_size: four"), /key 'train\.batch_size': expected an integer/],
    ];
    for (const [body, re] of cases) {
      const run = async () => {
        const t = new Trainer(writeConfig(dir, body));
        try {
          await t.run();
        } finally {
          t.dispose();
        }
      };
      await assert.rejects(run(), (e: Error) => e instanceof ConfigError && re.test(e.message), body.slice(0, 0) + re.source);
    }
  });

  it("computes the losses of the original's definitions", () => {
    const p = tf.tensor4d([0, 0.5, 1, 0.25], [2, 1, 2, 1]);
    const t = tf.tensor4d([0.5, 0.5, 0, 0.25], [2, 1, 2, 1]);
    const v = (s: string) => evalLoss(tf, parseLoss(s), p, t).all!.dataSync()[0]!;
    assert.ok(Math.abs(v("1*L1") - 1.5 / 4) < 1e-7);
    assert.ok(Math.abs(v("2*MSE") - (2 * 1.25) / 4) < 1e-7);
    // per image MSE: 0.125 and 0.5
    assert.ok(Math.abs(v("PSNR_loss") - (10 * Math.log10(0.125 + 1e-8) + 10 * Math.log10(0.5 + 1e-8)) / 2) < 1e-5);
    assert.ok(Math.abs(v("L1_Charbonnier_loss") - (Math.sqrt(0.25 + 1e-6) + 2 * Math.sqrt(1e-6) + Math.sqrt(1 + 1e-6)) / 4) < 1e-6);
  });

  it("schedules the learning rate as diffusers does", () => {
    const o = { type: "cosine_with_restarts" as const, warmup: 10, total: 110, numCycles: 2, power: 1, lr: 1 };
    assert.equal(lrMultiplier(o, 5), 0.5);
    assert.equal(lrMultiplier(o, 10), 1);
    assert.ok(Math.abs(lrMultiplier(o, 35) - 0.5) < 1e-12); // progress 0.25 -> half a cycle
    assert.equal(lrMultiplier(o, 60), 1); // restart
    assert.equal(lrMultiplier(o, 110), 0);
    assert.ok(Math.abs(lrMultiplier({ ...o, type: "linear" }, 60) - 0.5) < 1e-12);
    assert.ok(Math.abs(lrMultiplier({ ...o, type: "cosine", numCycles: 0.5 }, 60) - 0.5) < 1e-12);
    assert.equal(lrMultiplier({ ...o, type: "constant" }, 3), 1);
  });
});
