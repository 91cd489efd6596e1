import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { createBasisBlur, createDataset, datasetTypes, generateDataset, iterateDataset, type PairDataset } from "../../src/data";
import { ConfigError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";
import { smallBasis, syntheticConfig, tempDir } from "./helpers/fixtures";

process.env.SVD_QUIET = "1";

describe("data: readers by registry name", function () {
  this.timeout(60000);
  let basis: string;
  let out: string;
  before(async () => {
    basis = await smallBasis();
    out = tempDir("readers");
    await generateDataset({ config: syntheticConfig({ output: { format: "both", shard_size: 2, row_group_size: 1 } }), basisFile: basis, outDir: out });
  });

  it("registers the original config type names", () => {
    for (const t of ["HuggingFaceDataset", "ImagePairDataset", "SVBDataset", "OnlineBlurDataset", "DummyDataset"]) assert.ok(datasetTypes().includes(t), t);
  });

  it("HuggingFaceDataset (local parquet) and ImagePairDataset (folders) give the same pairs, split by split", async () => {
    for (const split of ["train", "validation"]) {
      const hf = await createDataset({ type: "HuggingFaceDataset", name: out, split });
      const folders = await createDataset({ type: "ImagePairDataset", data_dir: out, split: split === "validation" ? "val" : "train" });
      assert.equal(hf.length, split === "train" ? 6 : 2);
      assert.equal(folders.length, hf.length);
      for (let i = 0; i < hf.length; i++) {
        const [a, b] = [await hf.get(i), await folders.get(i)];
        assert.deepEqual([a.gt.height, a.gt.width, a.gt.channels], [32, 32, 3]);
        assert.deepEqual(a.gt.data, b.gt.data);
        assert.deepEqual(a.blur.data, b.blur.data);
        assert.equal(a.meta.index, (split === "train" ? 2 : 0) + i);
      }
    }
  });

  it("random transforms are drawn fresh each epoch, reproducibly, or frozen on request", async () => {
    const spec = { crop_random: { h: 16, w: 16 }, flip: { horizontal: true, vertical: true }, gaussian_noise: { keys: ["lq_key"], max_sigma: 0.05 } };
    const fresh = await createDataset({ type: "hf", name: out, split: "train", transforms: spec, seed: 3 });
    const frozen = await createDataset({ type: "hf", name: out, split: "train", transforms: spec, seed: 3, frozen_transforms: true });
    const [e0, e1, e0again] = [await fresh.get(1, 0), await fresh.get(1, 1), await fresh.get(1, 0)];
    assert.deepEqual(e0.blur.data, e0again.blur.data, "same (seed, epoch, index) → same sample");
    assert.notDeepEqual(e0.meta["gaussian_noise.blur"], e1.meta["gaussian_noise.blur"], "a new epoch draws new noise");
    assert.deepEqual((await frozen.get(1, 0)).blur.data, (await frozen.get(1, 5)).blur.data, "frozen transforms ignore the epoch");
    // crop_random and flip are shared by gt and blur of the call: the pair stays aligned
    const raw = await (await createDataset({ type: "hf", name: out, split: "train" })).get(1);
    const { top, left } = e0.meta.crop_random as { top: number; left: number };
    const f = e0.meta.flip as { horizontal: boolean; vertical: boolean };
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++) {
        const sy = top + (f.vertical ? 15 - y : y);
        const sx = left + (f.horizontal ? 15 - x : x);
        assert.equal(e0.gt.data[(y * 16 + x) * 3], raw.gt.data[(sy * 32 + sx) * 3]);
      }
  });

  it("normalize and select_channels follow the original's semantics", async () => {
    const ds = await createDataset({ type: "hf", name: out, split: "train", transforms: { select_channels: { channels: [false, true, false] }, normalize: { mean: 0.5, std: 0.5 } } });
    const raw = await (await createDataset({ type: "hf", name: out, split: "train" })).get(0);
    const s = await ds.get(0);
    assert.equal(s.gt.channels, 1);
    for (let i = 0; i < 32 * 32; i += 37) assert.ok(Math.abs(s.gt.data[i]! - (raw.gt.data[i * 3 + 1]! * 2 - 1)) < 1e-6);
  });

  it("OnlineBlurDataset renders blur on the fly with the basis (the original's SVBDataset)", async () => {
    const ds = await createDataset({ type: "SVBDataset", basis_file: basis, scenes: ["dead_leaves"], size: 3, seed: 1 });
    const s = await ds.get(2);
    const op = await createBasisBlur(basis, {});
    assert.deepEqual(s.blur.data, (await op.apply(s.gt)).data);
    assert.equal(s.meta.source, "scene:dead_leaves");
  });

  it("iterateDataset visits every sample once per epoch (shuffled)", async () => {
    const ds: PairDataset = await createDataset({ type: "hf", name: out, split: "train" });
    const seen: number[] = [];
    for await (const s of iterateDataset(ds, { epoch: 0, shuffle: true, rng: new Rng(1) })) seen.push(s.index);
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5]);
    assert.notDeepEqual(seen, [0, 1, 2, 3, 4, 5]);
  });

  it("bad reader configs name the key", async () => {
    await assert.rejects(createDataset({ type: "NoSuchDataset" }, { file: "train.yml", keyPath: "datasets.train" }), (e: Error) => e instanceof ConfigError && /train\.yml: key 'datasets\.train\.type'/.test(e.message));
    await assert.rejects(createDataset({ type: "hf", name: out, transforms: { no_such: {} } }, { file: "t.yml", keyPath: "datasets.train" }), /t\.yml: key 'datasets\.train\.transforms\.no_such'/);
    await assert.rejects(createDataset({ type: "hf", name: path.join(out, "nope") }), /dataset folder not found/);
    fs.mkdirSync(path.join(out, "..", "empty-ds"), { recursive: true });
  });
});
