/**
 * tools/check-cycles.ts: finds import cycles (value, type-only, require, re-export) in a small
 * folder built here, gives a real loop for each, and finds none in src/.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exampleLoop, findCycles, importGraph } from "../../tools/check-cycles";

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-cycles-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("tools/check-cycles", () => {
  it("finds value, type-only, require and re-export cycles, and not an acyclic chain", () => {
    const dir = folder({
      "a.ts": `import { b } from "./b";\nexport const a = 1;`,
      "b.ts": `import type { C } from "./sub";\nexport const b = 2;`,
      "sub/index.ts": `export * from "./c";`,
      "sub/c.ts": `export type C = number;\nconst a = require("../a");`,
      "x.ts": `import { y } from "./y";`,
      "y.ts": `import * as fs from "node:fs";\nexport const y = 0;`,
      "self.ts": `export { s } from "./self";`,
    });
    try {
      const graph = importGraph(dir);
      const cycles = findCycles(graph).map((c) => c.map((f) => path.relative(dir, f)));
      assert.deepEqual(cycles.sort((p, q) => p.length - q.length), [["self.ts"], ["a.ts", "b.ts", "sub/c.ts", "sub/index.ts"]]);
      const big = findCycles(graph).find((c) => c.length === 4)!;
      const loop = exampleLoop(graph, big);
      assert.equal(loop[0], loop[loop.length - 1]);
      for (let i = 0; i + 1 < loop.length; i++) assert.ok(graph.get(loop[i]!)!.includes(loop[i + 1]!), `${loop[i]} imports ${loop[i + 1]}`);
      assert.deepEqual(loop.map((f) => path.relative(dir, f)), ["a.ts", "b.ts", "sub/index.ts", "sub/c.ts", "a.ts"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("src/ has no import cycles", () => {
    const graph = importGraph(path.join(__dirname, "..", "..", "src"));
    assert.ok(graph.size > 100, `${graph.size} modules`);
    const cycles = findCycles(graph);
    assert.deepEqual(cycles.map((c) => exampleLoop(graph, c).map((f) => path.relative(process.cwd(), f)).join(" -> ")), []);
  });
});
