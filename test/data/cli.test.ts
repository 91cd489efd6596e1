import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../src/cli/main";
import { createDataset, loadGenerationConfig } from "../../src/data";
import { smallBasis, tempDir } from "./helpers/fixtures";

process.env.SVD_QUIET = "1";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [w1, w2] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(["node", "svd", ...args]), out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

describe("data: svd dataset CLI", function () {
  this.timeout(60000);

  it("every config in configs/dataset validates", () => {
    for (const f of fs.readdirSync("configs/dataset").filter((f) => f.endsWith(".yml"))) loadGenerationConfig(path.join("configs/dataset", f));
  });

  it("generate writes a readable dataset; --shard and --workers are honoured", async () => {
    const out = tempDir("cli");
    const basis = await smallBasis();
    const args = ["dataset", "generate", "--config", "configs/dataset/synthetic_small.yml", "--basis", basis, "--out", out, "--set", "source.count=6", "--set", "output.shard_size=2"];
    const a = await run([...args, "--shard", "0/2", "--workers", "0"]);
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /incomplete/);
    const b = await run([...args, "--shard", "1/2", "--workers", "1"]);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /complete \(README\.md written\)/);
    const ds = await createDataset({ type: "hf", name: out, split: "train" });
    assert.equal(ds.length, 5);
    const bad = await run([...args, "--shard", "2/2"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /argument '--shard': expected i\/N with 0 <= i < N/);
  });

  it("slurm writes a job array whose task i runs --shard i/N", async () => {
    const out = tempDir("slurm");
    const r = await run(["dataset", "slurm", "--config", "configs/dataset/synthetic_small.yml", "--basis", "/data/b.h5", "--out", out, "--jobs", "8", "--cpus", "4"]);
    assert.equal(r.code, 0, r.err);
    const script = fs.readFileSync(path.join(out, "generate.slurm"), "utf8");
    assert.match(script, /#SBATCH --array=0-7/);
    assert.match(script, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/8"/);
    assert.match(script, /#SBATCH --cpus-per-task=4/);
    // the script is valid bash
    const { execFileSync } = await import("node:child_process");
    execFileSync("bash", ["-n", path.join(out, "generate.slurm")]);
  });
});
