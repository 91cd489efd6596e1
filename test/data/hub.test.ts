import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { createDataset, generateDataset, planPush, pushDataset } from "../../src/data";
import { main } from "../../src/cli/main";
import { smallBasis, syntheticConfig, tempDir, filesUnder } from "./helpers/fixtures";
import { startMockHub, type MockHub } from "./helpers/mock-hub";

process.env.SVD_QUIET = "1";

describe("data: Hub push and download (against a local mock Hub on 127.0.0.1; the real Hub is unreachable here)", function () {
  this.timeout(60000);
  let hub: MockHub;
  let out: string;
  before(async () => {
    hub = await startMockHub();
    out = tempDir("hub");
    await generateDataset({ config: syntheticConfig(), basisFile: await smallBasis(), outDir: out });
  });
  after(() => hub.close());

  it("--dry-run lists every file and sends nothing", async () => {
    const plan = planPush(out, "alice/demo", { hubUrl: hub.url });
    assert.deepEqual(plan.files.map((f) => f.path).sort(), [...filesUnder(out).keys()].sort());
    const before = hub.requests.length;
    const logs: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (logs.push(s), true)) as typeof process.stdout.write;
    try {
      assert.equal(await main(["node", "svd", "dataset", "push", out, "--repo", "alice/demo", "--dry-run", "--hub-url", hub.url]), 0);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(hub.requests.length, before);
    assert.match(logs.join(""), /would upload \d+ file\(s\)/);
    assert.match(logs.join(""), /data\/train\/train-00000-of-00003\.parquet/);
  });

  it("push creates the repo (private) and uploads every file byte for byte (LFS for parquet/h5, verified sha256)", async () => {
    const r = await pushDataset(out, { repo: "alice/demo", private: true, hubUrl: hub.url, accessToken: hub.token });
    assert.deepEqual(hub.errors, []);
    assert.deepEqual(hub.created, [{ name: "alice/demo", type: "dataset", private: true }]);
    const stored = hub.repos.get("alice/demo")!;
    const local = filesUnder(out);
    assert.deepEqual([...stored.keys()].sort(), [...local.keys()].sort());
    for (const [p, b] of local) assert.ok(stored.get(p)!.equals(b), p);
    assert.ok(hub.requests.some((q) => q.startsWith("PUT /lfs-upload/")), "parquet went through LFS");
    assert.match(String(r.commitUrl), /commit/);
  });

  it("push without HF_TOKEN is a clear error", async () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      await assert.rejects(pushDataset(out, { repo: "alice/demo", hubUrl: hub.url }), /set HF_TOKEN/);
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });

  it("HuggingFaceDataset reads a Hub repo id through a local cache", async () => {
    const cacheDir = tempDir("hub-cache");
    const ds = await createDataset({ type: "HuggingFaceDataset", name: "alice/demo", split: "validation" }, { hubUrl: hub.url, cacheDir });
    const local = await createDataset({ type: "HuggingFaceDataset", name: out, split: "validation" });
    assert.equal(ds.length, 2);
    assert.deepEqual((await ds.get(1)).blur.data, (await local.get(1)).blur.data);
    assert.ok(fs.existsSync(path.join(cacheDir, "datasets", "alice", "demo", "main", "README.md")));
    const n = hub.requests.filter((q) => q.includes("/resolve/")).length;
    await createDataset({ type: "HuggingFaceDataset", name: "alice/demo", split: "train" }, { hubUrl: hub.url, cacheDir });
    assert.equal(hub.requests.filter((q) => q.includes("/resolve/")).length, n, "cached files are not downloaded again");
  });

  it("with the Hub unreachable, reads a cached dataset, and names the cache and the --set override when it is not cached", async () => {
    const cacheDir = tempDir("hub-cache-offline");
    await createDataset({ type: "HuggingFaceDataset", name: "alice/demo", split: "validation" }, { hubUrl: hub.url, cacheDir });
    // port 9 on loopback: nothing listens there, the connection is refused
    const offline = "http://127.0.0.1:9";
    const ds = await createDataset({ type: "HuggingFaceDataset", name: "alice/demo", split: "validation" }, { hubUrl: offline, cacheDir });
    assert.equal(ds.length, 2);
    const root = path.join(cacheDir, "datasets", "bob", "missing", "main");
    await assert.rejects(
      createDataset({ type: "HuggingFaceDataset", name: "bob/missing", split: "train" }, { hubUrl: offline, cacheDir, file: "c.yml", keyPath: "datasets.train" }),
      (e: Error) =>
        e.message.startsWith(`cannot reach the Hub at ${offline} to read dataset 'bob/missing' (`) &&
        e.message.includes(`it is not in the local cache ${root}`) &&
        e.message.endsWith("--set datasets.train.name=<folder>"),
    );
  });
});
