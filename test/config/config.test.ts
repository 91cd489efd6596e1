import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig, parseYaml } from "../../src/config/load";
import * as s from "../../src/config/schema";
import { ConfigError } from "../../src/util/errors";

const schema = s.object({
  name: s.string(),
  train: s.object({ lr: s.number({ min: 0 }), iters: s.integer({ min: 1 }), tag: s.withDefault(s.string(), "x") }),
  wv: s.array(s.number(), { length: 3 }),
  kind: s.oneOf("gaussian", "disk"),
});

function tmpYaml(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-cfg-"));
  const file = path.join(dir, "c.yml");
  fs.writeFileSync(file, text);
  return file;
}

describe("config loading", () => {
  it("reads !!float and !!str tags as the original configs use them", () => {
    const t = parseYaml("a: !!float 1e-3\nb: !!str 5\nc: 2e-4\n");
    assert.equal(t.a, 1e-3);
    assert.equal(t.b, "5");
  });
  it("reads booleans as PyYAML does (yes/no/on/off) but keeps y and n as plain strings", () => {
    const t = parseYaml("a: yes\nb: off\nn: 3\ny: n\n");
    assert.deepEqual(t, { a: true, b: false, n: 3, y: "n" });
  });
  it("interpolates ${a.b} with types kept for whole references, and --set applies before interpolation", () => {
    const f = tmpYaml("name: run_${train.iters}\ntrain: {lr: !!float 2e-4, iters: 10}\nwv: [1, 2, '${train.lr}']\nkind: gaussian\n");
    const c = loadConfig(f, schema, ["train.iters=20"]);
    assert.equal(c.value.name, "run_20");
    assert.equal(c.value.wv[2], 2e-4);
    assert.equal(c.value.train.tag, "x");
  });
  const bad: Array<[string, string, RegExp]> = [
    ["wrong type", "name: a\ntrain: {lr: fast, iters: 1}\nwv: [1,2,3]\nkind: disk\n", /key 'train\.lr': expected a number >= 0, found string "fast"/],
    ["missing key", "name: a\ntrain: {lr: 1}\nwv: [1,2,3]\nkind: disk\n", /key 'train\.iters': expected an integer >= 1, found nothing/],
    ["unknown key", "name: a\ntrain: {lr: 1, iters: 2, itres: 3}\nwv: [1,2,3]\nkind: disk\n", /key 'train\.itres': expected no such key.*did you mean 'iters'/],
    ["bad enum", "name: a\ntrain: {lr: 1, iters: 2}\nwv: [1,2,3]\nkind: airy\n", /key 'kind': expected one of "gaussian", "disk", found string "airy"/],
    ["list length", "name: a\ntrain: {lr: 1, iters: 2}\nwv: [1,2]\nkind: disk\n", /key 'wv': expected a list of length 3/],
    ["dangling reference", "name: ${nope.x}\ntrain: {lr: 1, iters: 2}\nwv: [1,2,3]\nkind: disk\n", /key 'name'.*'nope\.x' is not defined/],
  ];
  for (const [label, text, re] of bad) {
    it(`names file, key, expected and found for a bad config: ${label}`, () => {
      const f = tmpYaml(text);
      assert.throws(() => loadConfig(f, schema), (e: Error) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.ok(e.message.startsWith(f), e.message);
        assert.match(e.message, re);
        return true;
      });
    });
  }
  it("reports a missing file and invalid YAML with the file name", () => {
    assert.throws(() => loadConfig("/nonexistent/x.yml", schema), /\/nonexistent\/x\.yml: config file not found/);
    const f = tmpYaml("a: [1, 2\n");
    assert.throws(() => loadConfig(f, schema), new RegExp(`${f}: invalid YAML`));
  });
});
