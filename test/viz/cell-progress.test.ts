import { strict as assert } from "node:assert";
import * as viz from "../../src/viz";
import { createProgress, setProgressFactory } from "../../src/util/progress";

interface Msg {
  data: Record<string, unknown>;
  transient: { display_id?: string };
  update: boolean;
}

/**
 * Plays tslab's part for one cell: a fresh display hook and a fresh process.stdout.write, as
 * tslab installs for every execute request. Returns the display messages the cell sent.
 */
async function inCell(body: () => void | Promise<void>): Promise<Msg[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require("tslab/dist/jupyter");
  const prevHook = jupyter.lastWriteDisplayData;
  const prevWrite = process.stdout.write;
  const msgs: Msg[] = [];
  jupyter.lastWriteDisplayData = (m: Omit<Msg, "update">, update: boolean) => msgs.push({ ...m, update });
  process.stdout.write = ((...a: Parameters<typeof prevWrite>) => prevWrite.apply(process.stdout, a)) as typeof prevWrite;
  const restoreProgress = viz.useNotebookProgress();
  try {
    await body();
  } finally {
    restoreProgress();
    setProgressFactory(null);
    process.stdout.write = prevWrite;
    jupyter.lastWriteDisplayData = prevHook;
  }
  return msgs;
}

function run(label: string, n: number): void {
  const p = createProgress(label, n, "tiles");
  for (let i = 0; i < n; i++) p.tick();
  p.done();
}

describe("viz: notebook progress, one display per cell", function () {
  it("draws every progress of a cell into one display and leaves one line", async function () {
    const msgs = await inCell(() => {
      for (let k = 0; k < 8; k++) run(`render ${k}`, 4);
    });
    const ids = new Set(msgs.map((m) => m.transient.display_id));
    assert.equal(ids.size, 1, "one display id for the cell");
    assert.equal(msgs.filter((m) => !m.update).length, 1, "shown once (display_data), then only updated in place");
    const last = msgs.at(-1)!;
    const text = last.data["text/plain"] as string;
    assert.equal(text.split("\n").length, 1, `one final line: ${JSON.stringify(text)}`);
    assert.match(text, /^render 7: 4\/4 tiles \(100%\) .* \(last of 8 tasks, [\d.]+ s in all\)$/);
    assert.equal((last.data["text/html"] as string).match(/<progress /g)?.length, 1);
  });

  it("shows a bar per running task while nested progress runs, then one line", async function () {
    const snapshots: string[] = [];
    const msgs = await inCell(async () => {
      const outer = createProgress("epochs", 2, "epochs");
      for (let e = 0; e < 2; e++) {
        const inner = createProgress("batches", 3, "batches");
        // Updates are throttled to one per 200 ms; wait so this one is drawn.
        await new Promise((r) => setTimeout(r, 210));
        inner.tick(3);
        inner.done();
        outer.tick();
      }
      outer.done();
    });
    for (const m of msgs) snapshots.push(m.data["text/plain"] as string);
    assert.ok(
      snapshots.some((s) => /^epochs: .*\nbatches: 3\/3 /.test(s)),
      `a snapshot shows the outer bar above the inner one: ${JSON.stringify(snapshots)}`,
    );
    assert.match(snapshots.at(-1)!, /^epochs: 2\/2 epochs \(100%\) .*\(last of 3 tasks/);
  });

  it("starts a new display when a new cell runs", async function () {
    const a = await inCell(() => run("a", 2));
    const b = await inCell(() => run("b", 2));
    assert.notEqual(a[0]!.transient.display_id, b[0]!.transient.display_id);
    assert.equal(b[0]!.update, false, "the new cell's display is shown, not an update of the old one");
  });
});
