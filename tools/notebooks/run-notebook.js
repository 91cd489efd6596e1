#!/usr/bin/env node
// @ts-check
/**
 * Executes ONE notebook top to bottom in this Node process, with tslab's own converter and executor
 * (no Jupyter, no Python), and writes the executed copy:
 *   node tools/notebooks/run-notebook.js <in.ipynb> <out.ipynb>
 * Exit 0 when every cell ran, 1 at the first failing cell (the executed copy then ends there and
 * the failing cell carries an `error` output), 2 for bad arguments or an unreadable notebook.
 *
 * Why one process per notebook: tslab's executor keeps process-wide state (globalThis.__tslab__,
 * the display hook, the working directory). The kernel runs cells with the notebook's folder as
 * working directory; so do we, so "../dist/index" resolves the same way in both.
 * tslab/dist/{converter,executor,jupyter} are internal modules: tslab is pinned to 1.0.22.
 */
"use strict";
const fs = require("fs");
const path = require("path");

function fail(code, msg) {
  process.stderr.write(msg + "\n");
  process.exit(code);
}

function sourceOf(cell) {
  return Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? "");
}

/** nbformat stores multi-line text as a list of lines, each keeping its "\n". */
function splitLines(text) {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 ? lines[0] : lines;
}

function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

async function main() {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) fail(2, "usage: run-notebook.js <in.ipynb> <out.ipynb>");
  const inPath = path.resolve(input);
  const outPath = path.resolve(output);
  let nb;
  try {
    nb = JSON.parse(fs.readFileSync(inPath, "utf8"));
  } catch (e) {
    fail(2, `${inPath}: cannot read notebook: ${e.message}`);
  }
  if (!Array.isArray(nb.cells)) fail(2, `${inPath}: not an nbformat 4 notebook (no "cells" list)`);

  // tslab's converter resolves imports from ts.sys.getCurrentDirectory(): chdir before creating it.
  process.chdir(path.dirname(inPath));
  const kernelName = nb.metadata?.kernelspec?.name ?? "tslab";
  const isJS = kernelName === "jslab";
  const { createConverter } = require("tslab/dist/converter");
  const { createExecutor } = require("tslab/dist/executor");
  const jupyter = require("tslab/dist/jupyter");
  const tslabVersion = require("tslab/package.json").version;

  let browserConv = null;
  const nodeConv = createConverter({ isJS, isBrowser: false });
  const convs = {
    node: nodeConv,
    get browser() {
      if (!browserConv) browserConv = createConverter({ isJS, isBrowser: true });
      return browserConv;
    },
    close() {
      nodeConv.close();
      if (browserConv) browserConv.close();
    },
  };
  const realStdout = process.stdout.write.bind(process.stdout);
  const realStderr = process.stderr.write.bind(process.stderr);
  const executor = createExecutor(process.cwd(), convs, {
    log: (...a) => console.log(...a),
    error: (...a) => console.error(...a),
  });

  /** display_id -> outputs showing it (update_display_data replaces them all, as Jupyter does). */
  const byDisplayId = new Map();
  let current = null; // outputs of the running cell
  const t0 = Date.now();
  let count = 0;
  let failed = null;

  const appendStream = (name, text) => {
    if (!current) return;
    const last = current[current.length - 1];
    if (last && last.output_type === "stream" && last.name === name) {
      last.text = splitLines((Array.isArray(last.text) ? last.text.join("") : last.text) + text);
    } else current.push({ output_type: "stream", name, text: splitLines(text) });
  };
  const captured = (name) => (chunk, encoding, cb) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    appendStream(name, text);
    if (process.env.SVD_NOTEBOOK_ECHO === "1") (name === "stdout" ? realStdout : realStderr)(text);
    if (typeof encoding === "function") encoding();
    else if (typeof cb === "function") cb();
    return true;
  };
  jupyter.lastWriteDisplayData = (msg, update) => {
    const id = msg.transient && msg.transient.display_id;
    const out = { output_type: "display_data", data: msg.data, metadata: msg.metadata ?? {} };
    if (update && id) {
      for (const o of byDisplayId.get(id) ?? []) {
        o.data = out.data;
        o.metadata = out.metadata;
      }
      return;
    }
    if (!current) return;
    current.push(out);
    if (id) byDisplayId.set(id, [...(byDisplayId.get(id) ?? []), out]);
  };

  const cells = nb.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    current = cell.outputs;
    count += 1;
    cell.execution_count = count;
    const src = sourceOf(cell);
    const started = Date.now();
    process.stdout.write = /** @type {any} */ (captured("stdout"));
    process.stderr.write = /** @type {any} */ (captured("stderr"));
    let ok = false;
    let thrown = null;
    try {
      ok = await executor.execute(src);
    } catch (e) {
      thrown = e;
    } finally {
      process.stdout.write = realStdout;
      process.stderr.write = realStderr;
    }
    cell.metadata = { ...(cell.metadata ?? {}), svd: { seconds: (Date.now() - started) / 1000 } };
    current = null;
    if (!ok || thrown) {
      // tslab reports failures (type errors, throws, rejected awaits) on stderr only; lift the text
      // into a proper error output so the notebook and our report both show it.
      const errText = cell.outputs
        .filter((o) => o.output_type === "stream" && o.name === "stderr")
        .map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text))
        .join("")
        .trim();
      const message = thrown ? String(thrown.stack ?? thrown) : errText || "cell failed (no message)";
      cell.outputs.push({ output_type: "error", ename: "CellError", evalue: message.split("\n")[0], traceback: message.split("\n") });
      failed = { index: i, number: count, source: src, message };
      break;
    }
  }
  nb.metadata = nb.metadata ?? {};
  nb.metadata.svd = {
    ...(nb.metadata.svd ?? {}),
    executed: { seconds: (Date.now() - t0) / 1000, tslab: tslabVersion, node: process.version, ok: !failed },
  };
  writeAtomic(outPath, JSON.stringify(nb, null, 1) + "\n");
  try {
    executor.close();
    convs.close();
  } catch {
    /* closing is best effort; the process exits next */
  }
  if (failed) {
    const excerpt = failed.source.split("\n").slice(0, 12).map((l) => `    | ${l}`).join("\n");
    realStderr(
      `${inPath}: cell ${failed.number} (cell index ${failed.index}) failed:\n${excerpt}\n  error:\n` +
        failed.message.split("\n").map((l) => `    ${l}`).join("\n") + `\n  executed copy (up to the failure): ${outPath}\n`,
    );
    process.exit(1);
  }
  process.exit(0);
}

main().catch((e) => fail(2, `run-notebook: ${e && e.stack ? e.stack : e}`));
