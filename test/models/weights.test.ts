/**
 * Published weights: PyTorch checkpoints of NAFNet / Restormer / U-Net under the upstream names
 * (megvii NAFNet, swz30 Restormer, diffusers and legacy diffusers) and the original's names load
 * with the convention detected and reported, and give the PyTorch outputs; `svd weights info` names
 * the architecture and its options; `svd weights convert` writes the same tensors as safetensors.
 * Fixtures and golden outputs: test/fixtures/weights/make_fixtures.py (command in its docstring).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { main } from "../../src/cli/main";
import { readPth } from "../../src/io/pth";
import { readSafetensors } from "../../src/io/safetensors";
import { createNetwork, loadNetworkWeights } from "../../src/models";
import { identifyArchitecture } from "../../src/models/identify";
import { loadCheckpoint } from "../../src/train/checkpoint";
import { Trainer } from "../../src/train/trainer";
import { InputFileError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";

const fixtures = path.join(__dirname, "../fixtures/weights");

/** The tiny configs make_fixtures.py builds. */
const configs: Record<string, Record<string, unknown>> = {
  nafnet: { type: "NAFNet", in_channels: 3, out_channels: 3, width: 4, middle_blk_num: 1, enc_blk_nums: [1, 1], dec_blk_nums: [1, 1] },
  restormer: { type: "Restormer", in_channels: 3, out_channels: 3, dim: 2, num_blocks: [1, 1, 1, 1], num_refinement_blocks: 1, heads: [1, 1, 2, 2], ffn_expansion_factor: 2.66, bias: false, LayerNorm_type: "WithBias" },
  unet: {
    type: "Unet",
    in_channels: 3,
    out_channels: 3,
    block_out_channels: [4, 8],
    down_block_types: ["DownBlock2D", "AttnDownBlock2D"],
    up_block_types: ["AttnUpBlock2D", "UpBlock2D"],
    layers_per_block: 1,
    add_attention: true,
    norm_num_groups: 2,
    attention_head_dim: 4,
  },
};

/** fixture, convention id, prefix, what the summary says. */
const cases: Array<[string, string, string, RegExp]> = [
  ["nafnet_megvii", "megvii", "", /state dict under 'params'.*upstream megvii NAFNet names \(beta\/gamma\), no prefix/],
  ["nafnet_original", "original", "model.", /original research code's NAFNet names \(theta\/psi\), prefix 'model\.' \(the original's Hugging Face wrapper\)/],
  ["restormer_swz30", "swz30", "", /state dict under 'params'.*swz30 Restormer names.*no prefix/],
  ["restormer_original", "swz30", "model.", /state dict under 'state_dict'.*prefix 'model\.'/],
  ["unet_diffusers", "diffusers", "", /diffusers UNet2DModel names.*no prefix/],
  ["unet_original", "diffusers", "model.", /state dict under 'model'.*prefix 'model\.'/],
  ["unet_legacy", "diffusers-legacy", "", /diffusers < 0\.14 attention names/],
];

describe("models/weights (published checkpoints)", function () {
  this.timeout(60000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });
  const io = () => readSafetensors(path.join(fixtures, "io.safetensors")).tensors;

  for (const [name, convention, prefix, summary] of cases) {
    it(`loads ${name}.pth with the ${convention} naming detected and matches PyTorch`, () => {
      const net = createNetwork(tf, configs[name.split("_")[0]!]!, new Rng(0));
      const loaded = loadNetworkWeights(net, path.join(fixtures, `${name}.pth`));
      assert.equal(loaded.match.convention.id, convention);
      assert.equal(loaded.match.prefix, prefix);
      assert.equal(loaded.format, "pytorch");
      assert.match(loaded.summary, summary);
      const x = io().get(`${name}.input`)!, want = io().get(`${name}.output`)!;
      const got = tf.tidy(() => tf.transpose(net.apply(tf.transpose(tf.tensor(x.data, x.shape as [number, number, number, number]), [0, 2, 3, 1]) as tfTypes.Tensor4D), [0, 3, 1, 2]).dataSync() as Float32Array);
      let maxErr = 0, maxRef = 0;
      for (let i = 0; i < got.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(got[i]! - want.data[i]!));
        maxRef = Math.max(maxRef, Math.abs(want.data[i]!));
      }
      assert.ok(maxRef > 0.5 && maxErr / maxRef < 1e-5, `max abs error ${maxErr} (max |ref| ${maxRef})`);
      net.params.dispose();
    });
  }

  it("ParamStore.loadTorchStateDict of a created network detects the naming by itself (issue 13's failure)", () => {
    const net = createNetwork(tf, configs.nafnet!, new Rng(0));
    const file = path.join(fixtures, "nafnet_megvii.pth");
    const match = net.params.loadTorchStateDict(readPth(file).tensors, file);
    assert.equal(match.convention.id, "megvii");
    assert.equal(match.mapping.get("encoders.0.0.beta"), "encoders.0.0.theta");
    net.params.dispose();
  });

  it("names the missing and unexpected parameters and the closest naming when nothing fits", () => {
    const net = createNetwork(tf, configs.nafnet!, new Rng(0));
    assert.throws(
      () => loadNetworkWeights(net, path.join(fixtures, "restormer_swz30.pth")),
      (e: Error) => e instanceof InputFileError && /restormer_swz30\.pth: missing parameters: intro\.weight.*; unexpected parameters: patch_embed\.proj\.weight.*; closest naming: /.test(e.message),
    );
    net.params.dispose();
  });

  it("identifies the architecture, its options and the naming from the weights alone", () => {
    for (const [name, convention] of cases) {
      const tensors = readPth(path.join(fixtures, `${name}.pth`)).tensors;
      const { match } = identifyArchitecture(tf, tensors);
      assert.ok(match, name);
      const { type, ...options } = configs[name.split("_")[0]!]!;
      assert.equal(match.type, type, name);
      assert.equal(match.naming.convention.id, convention, name);
      const expected = type === "Unet" ? { ...options, norm_num_groups: match.options.norm_num_groups, attention_head_dim: match.options.attention_head_dim } : options;
      assert.deepEqual(match.options, expected, name);
      if (type === "Unet") assert.deepEqual(match.notRecorded, ["norm_num_groups", "attention_head_dim"]);
      assert.equal(match.parameterCount, [...tensors.values()].reduce((s, t) => s + t.data.length, 0), name);
    }
    assert.equal(identifyArchitecture(tf, new Map([["w", { shape: [2], data: new Float32Array(2) }]])).match, null);
  });

  it("svd weights info prints the architecture, naming and tensors; convert writes the same tensors", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-weights-"));
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    (process.stdout as { write: unknown }).write = (s: string) => (out.push(String(s)), true);
    let codes: number[];
    try {
      codes = [
        await main(["node", "svd", "weights", "info", path.join(fixtures, "nafnet_megvii.pth")]),
        await main(["node", "svd", "weights", "convert", path.join(fixtures, "restormer_swz30.pth"), path.join(dir, "r.safetensors")]),
        await main(["node", "svd", "weights", "convert", path.join(fixtures, "nafnet_original.pth"), path.join(dir, "n.safetensors")]),
        await main(["node", "svd", "weights", "info", path.join(dir, "r.safetensors")]),
        await main(["node", "svd", "weights", "info", "--json", path.join(fixtures, "unet_original.pth")]),
      ];
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    assert.deepEqual(codes, [0, 0, 0, 0, 0]);
    const json = JSON.parse(out.find((c) => c.startsWith("{"))!) as { stateDictKey: string; architecture: { type: string }; naming: { convention: string; prefix: string }; tensors: unknown[] };
    assert.equal(json.stateDictKey, "model");
    assert.equal(json.architecture.type, "Unet");
    assert.deepEqual([json.naming.convention, json.naming.prefix], ["diffusers", "model."]);
    assert.equal(json.tensors.length, 144);
    const text = out.join("");
    assert.match(text, /nafnet_megvii\.pth: PyTorch checkpoint, state dict under 'params'\n100 tensors, 5,759 values; dtypes F32 \(100\)\narchitecture: NAFNet \{"in_channels":3,"out_channels":3,"width":4,"middle_blk_num":1,"enc_blk_nums":\[1,1\],"dec_blk_nums":\[1,1\]\} \(5,759 parameters\)\nnaming: upstream megvii NAFNet names \(beta\/gamma\), no prefix\n/);
    assert.match(text, /encoders\.0\.0\.beta +F32 +\[1, 4, 1, 1\]/);
    assert.match(text, /r\.safetensors: 98 tensors as F32 from .*restormer_swz30\.pth \(PyTorch checkpoint \(state dict under 'params'\)\); converted BF16 -> F32 \(98 tensors\)/);
    assert.match(text, /n\.safetensors: 100 tensors as F16 from /);
    assert.match(text, /r\.safetensors: safetensors\n98 tensors, 15,973 values; dtypes F32 \(98\)\narchitecture: Restormer/);
    for (const [src, dst] of [["restormer_swz30.pth", "r.safetensors"], ["nafnet_original.pth", "n.safetensors"]]) {
      const a = readPth(path.join(fixtures, src!)).tensors, b = readSafetensors(path.join(dir, dst!)).tensors;
      assert.deepEqual([...b.keys()], [...a.keys()]);
      for (const [k, t] of a) {
        assert.deepEqual(b.get(k)!.shape, t.shape, k);
        assert.deepEqual(b.get(k)!.data, t.data, k);
      }
    }
    const errs: string[] = [];
    const ewrite = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = (s: string) => (errs.push(String(s)), true);
    try {
      assert.equal(await main(["node", "svd", "weights", "convert", path.join(fixtures, "hostile_reduce.pth"), path.join(dir, "h.safetensors")]), 1);
      assert.equal(await main(["node", "svd", "weights", "convert", path.join(fixtures, "nafnet_megvii.pth"), path.join(dir, "x.pth")]), 1);
    } finally {
      (process.stderr as { write: unknown }).write = ewrite;
    }
    assert.match(errs.join(""), /svd: .*hostile_reduce\.pth \(archive\/data\.pkl\): pickle byte \d+: global 'posix\.system' is not allowed/);
    assert.match(errs.join(""), /svd: .*x\.pth: the output of a conversion is a \.safetensors file/);
    assert.ok(!fs.existsSync(path.join(dir, "h.safetensors")));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a training checkpoint folder with the original's pytorch_model.bin loads (no model.safetensors)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-ckpt-"));
    const ckpt = path.join(dir, "checkpoint-7");
    fs.mkdirSync(path.join(ckpt, "NAFNet_arch_1"), { recursive: true });
    fs.copyFileSync(path.join(fixtures, "nafnet_original.pth"), path.join(ckpt, "NAFNet_arch_1", "pytorch_model.bin"));
    const net = createNetwork(tf, configs.nafnet!, new Rng(0));
    assert.equal(loadCheckpoint(tf, ckpt, net, null, null).global_step, 7);
    const want = readPth(path.join(fixtures, "nafnet_original.pth")).tensors.get("model.encoders.0.0.theta")!;
    const got = net.params.entries().find((e) => e.name === "encoders.0.0.theta")!.variable.dataSync();
    assert.deepEqual([...got], [...want.data]);
    net.params.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("path.pretrained of a training config takes an upstream .pth and the run reports the naming found", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-pretrained-"));
    const cfg = path.join(dir, "cfg.yml");
    fs.writeFileSync(
      cfg,
      `name: P
model_type: Simple_model
seed: 1
experiment_key: p
network: {type: NAFNet, width: 4, enc_blk_nums: [1, 1], middle_blk_num: 1, dec_blk_nums: [1, 1]}
datasets:
  train: {type: SyntheticBlur, size: 2, h: 16, w: 16, seed: a}
path: {root: ${dir}, pretrained: ${path.join(fixtures, "nafnet_megvii.pth")}}
train:
  optim: {learning_rate: 0, adam_weight_decay: 0, max_grad_norm: 0}
  scheduler: {type: constant}
  loss: 1*L1
  batch_size: 2
  max_train_steps: 1
  checkpointing_steps: 1000
  validation_steps: 1000
`,
    );
    const t = new Trainer(cfg);
    try {
      const r = await t.run();
      assert.match(r.pretrained!.summary, /nafnet_megvii\.pth: PyTorch checkpoint \(state dict under 'params'\), upstream megvii NAFNet names \(beta\/gamma\), no prefix; 100 tensors/);
      const want = readPth(path.join(fixtures, "nafnet_megvii.pth")).tensors.get("middle_blks.0.gamma")!;
      const got = r.network!.params.entries().find((e) => e.name === "middle_blks.0.psi")!.variable.dataSync();
      assert.deepEqual([...got], [...want.data]); // learning rate 0: the loaded values unchanged
    } finally {
      t.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
