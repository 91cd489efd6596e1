/**
 * The original's own configs (written in its schema: test/fixtures/original-configs/, see its README):
 * each one either loads with `svd train -opt <yml> --check` or fails with one line per unsupported
 * key; the original's cluster keys are ignored with the reason; the exact lines are in expected.json.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend } from "../../src/backend";
import { main } from "../../src/cli/main";
import { defaultCacheDir, hubEndpoint } from "../../src/data/hub";
import { loadTrainConfig } from "../../src/train/config";
import { checkOriginalConfig } from "../../src/train/validate";
import { ConfigError } from "../../src/util/errors";

const dir = path.join(__dirname, "../fixtures/original-configs");
const expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8")) as Record<string, { loads: boolean; lines: string[] }>;

describe("train: the original's own configs", function () {
  this.timeout(120000);
  let tf: typeof tfTypes;
  const savedCache = process.env.SVD_HUB_CACHE;
  before(async () => {
    tf = (await initBackend()).tf;
    // an empty Hub cache: the notes on Hub datasets do not depend on this machine's downloads
    process.env.SVD_HUB_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "svd-hub-cache-"));
  });
  after(() => {
    if (savedCache === undefined) delete process.env.SVD_HUB_CACHE;
    else process.env.SVD_HUB_CACHE = savedCache;
  });
  const fill = (line: string, file: string) => line.split("{file}").join(file).split("{cache}").join(defaultCacheDir()).split("{hub}").join(hubEndpoint());

  it("cover every model type and architecture, and the transforms the original uses", () => {
    const trees = Object.keys(expected).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    for (const t of ["Simple_model", "SimpleSynthetic_model", "Wiener_model", "RL_model", "FISTA_model"]) assert.ok(trees.some((y) => y.includes(`model_type: ${t}\n`)), t);
    for (const a of ["NAFNet", "Restormer", "Unet", "UnetTM", "WienerDeconvolution"]) assert.ok(trees.some((y) => y.includes(`  type: ${a}\n`)), a);
    for (const k of ["to_tensor", "crop", "rotate", "resize", "normalize", "poisson_noise", "gaussian_noise", "homography", "select_channels"]) assert.ok(trees.some((y) => y.includes(`      ${k}:`)), k);
  });

  for (const [f, want] of Object.entries(expected)) {
    it(`${f} ${want.loads ? "loads" : "does not load"}, with the expected lines`, () => {
      const file = path.join(dir, f);
      const r = checkOriginalConfig(tf, file);
      assert.deepEqual(r.lines, want.lines.map((l) => fill(l, file)));
      assert.equal(r.ok, want.loads);
      assert.equal(r.ok, !r.lines.some((l) => l.includes("': unsupported: ")));
    });
  }

  it("gives the network and datasets of what loads (UnetTM with its patched training)", () => {
    const r = checkOriginalConfig(tf, path.join(dir, "UnetTM.yml"));
    assert.ok(r.ok, r.lines.join("\n"));
    assert.deepEqual(r.network, { type: "UnetTM", parameters: 927417 });
    assert.deepEqual(r.datasets, { train: "HuggingFaceDataset", val: "HuggingFaceDataset" });
    const w = checkOriginalConfig(tf, path.join(dir, "WienerDeconv.yml"));
    assert.deepEqual(w.network, { type: "WienerDeconvolution", parameters: 1 + 9 }); // Ks + one trainable 3x3 PSF
  });

  it("loads for training with the cluster's paths replaced, and stops at the first unsupported key", () => {
    const c = loadTrainConfig(path.join(dir, "NAFNet_real_color.yml"));
    assert.equal(c.value.path.root, "runs");
    assert.equal(c.value.path.resume_from_path, undefined);
    assert.equal(c.value.path.resume_from_checkpoint, undefined);
    assert.equal(c.tree.report_to, "comet_ml", "the saved tree keeps what the file says");
    assert.ok(c.findings.some((f) => f.kind === "ignored" && f.keyPath === "num_gpu"));
    assert.throws(() => loadTrainConfig(path.join(dir, "RL.yml")), (e: Error) => e instanceof ConfigError && e.keyPath === "spatially_varying" && /patchwise spatially varying deconvolution/.test(e.message));
    assert.equal(loadTrainConfig(path.join(dir, "UnetTM.yml")).value.train.patched, true);
    assert.throws(() => loadTrainConfig(path.join(dir, "UnetTM.yml"), ["train.gradient_accumulation_steps=2"]), (e: Error) => e instanceof ConfigError && e.keyPath === "train.gradient_accumulation_steps");
  });

  it("svd train -opt <yml> --check prints a summary and the lines; exit 1 when something is unsupported", async () => {
    const run = async (file: string) => {
      let out = "", err = "";
      const w = process.stdout.write, e = process.stderr.write;
      process.stdout.write = ((s: string) => ((out += s), true)) as typeof w;
      process.stderr.write = ((s: string) => ((err += s), true)) as typeof e;
      try {
        return { code: await main(["node", "svd", "train", "-opt", file, "--check"]), out, err };
      } finally {
        process.stdout.write = w;
        process.stderr.write = e;
      }
    };
    const ok = path.join(dir, "RestormerColor.yml");
    const a = await run(ok);
    assert.equal(a.code, 0);
    assert.deepEqual(a.out.trimEnd().split("\n"), [
      `${ok}: loads (model_type Simple_model, network Restormer (208210 parameters), train ImagePairDataset, val ImagePairDataset); 3 ignored, 0 unused`,
      ...expected["RestormerColor.yml"]!.lines.map((l) => fill(l, ok)),
    ]);
    const bad = path.join(dir, "RL.yml");
    const b = await run(bad);
    assert.equal(b.code, 1);
    assert.equal(b.out.split("\n")[0], `${bad}: does not load here: 3 unsupported key(s)`);
    assert.ok(b.err.includes(`${bad} does not load here (the unsupported keys are listed above)`));
  });
});
