/**
 * Every config in configs/train/ loads and validates without training: schema, model_type, loss,
 * network options (built once), dataset types and transform pipelines. Keys that are neither read
 * here nor by any model type may only be the original's tracker/hardware keys.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { checkTrainConfig } from "../../src/train/validate";
import { ConfigError } from "../../src/util/errors";

const dir = path.join(__dirname, "../../configs/train");
const configs = fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).sort();
// Accepted for compatibility with the original's configs, not used by this trainer.
const originalOnly = new Set(["report_to", "tracker_project_name", "tracker_kwargs", "push_to_hub", "hub_model_id", "hub_token", "num_gpu", "mixed_precision", "allow_tf32", "dataset_caching", "dataset_1_name"]);

describe("configs/train", function () {
  this.timeout(60000);
  let tf: typeof tfTypes;
  before(async () => {
    tf = (await initBackend()).tf;
  });

  it("holds the adapted NAFNet config and the small CPU configs", () => {
    for (const f of ["nafnet_real_mono.yml", "nafnet_synthetic_cpu.yml", "restormer_synthetic_cpu.yml", "unet_synthetic_cpu.yml"]) assert.ok(configs.includes(f), f);
  });

  for (const f of configs) {
    it(`${f} loads and validates`, () => {
      const r = checkTrainConfig(tf, path.join(dir, f));
      assert.deepEqual(r.unusedKeys.filter((k) => !originalOnly.has(k)), [], `unused keys in ${f}`);
      if (r.modelType === "Simple_model") {
        assert.ok(r.network && r.network.parameters > 0);
        assert.ok(r.datasets.train && r.datasets.val);
      } else assert.ok(r.datasets.val);
    });
  }

  it("gives the original NAFNet config's 17,110,753 parameters (width 32, enc [1,1,1,28], 1->1)", () => {
    const r = checkTrainConfig(tf, path.join(dir, "nafnet_real_mono.yml"));
    assert.deepEqual(r.network, { type: "NAFNet", parameters: 17110753 });
    assert.deepEqual(r.datasets, { train: "HuggingFaceDataset", val: "HuggingFaceDataset" });
  });

  it("fails clearly for an unknown network type, bad network or dataset options, an unknown dataset type, a bad loss and an unknown transform", () => {
    const file = path.join(dir, "unet_synthetic_cpu.yml");
    const cases: Array<[string[], RegExp]> = [
      [["network.type=UNet3D"], /network\.type.*one of .*Unet/],
      [["network.layers_per_block=two"], /network\.layers_per_block/],
      [["datasets.train.type=Nope"], /datasets\.train\.type.*HuggingFaceDataset/],
      [["datasets.train.sigma=-1"], /datasets\.train\.sigma/],
      [["train.loss=1*Foo"], /loss/],
    ];
    for (const [set, re] of cases) assert.throws(() => checkTrainConfig(tf, file, set), (e: Error) => e instanceof ConfigError && re.test(e.message), set.join(" "));
    const nafnet = path.join(dir, "nafnet_real_mono.yml");
    assert.throws(() => checkTrainConfig(tf, nafnet, ["datasets.train.transforms.crop_rnd={h: 8}"]), (e: Error) => e instanceof ConfigError && /datasets\.train\.transforms\.crop_rnd/.test(e.message));
  });
});
