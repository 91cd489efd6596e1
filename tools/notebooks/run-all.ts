/**
 * `npm run notebooks [-- <notebook or folder>...] [--keep-going] [--echo]`: executes every
 * notebooks/**\/*.ipynb headless in pure Node (tslab's executor, one child process per notebook),
 * writes executed copies to <folder>/.executed/, checks each notebook's declared MIME types, and
 * stops at the first failure with the cell and the message (unless --keep-going).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findNotebooks, missingMime, notebookSettings, REPO, runNotebook } from "./notebooks";

async function main(argv: string[]): Promise<number> {
  const keepGoing = argv.includes("--keep-going");
  const echo = argv.includes("--echo");
  const targets = argv.filter((a) => !a.startsWith("--"));
  const notebooks = targets.length
    ? targets.flatMap((t) => {
        const p = path.resolve(t);
        if (!fs.existsSync(p)) throw new Error(`notebooks: ${t}: no such file or folder`);
        return fs.statSync(p).isDirectory() ? findNotebooks(p) : [p];
      })
    : findNotebooks();
  if (notebooks.length === 0) {
    console.error("notebooks: no notebooks found under notebooks/");
    return 1;
  }
  let failures = 0;
  let passed = 0;
  for (const nb of notebooks) {
    const rel = path.relative(REPO, nb);
    let settings;
    try {
      settings = notebookSettings(nb);
    } catch (e) {
      console.error(`FAIL ${rel}\n  ${(e as Error).message}`);
      failures++;
      if (!keepGoing) break;
      continue;
    }
    const r = await runNotebook(nb, { timeoutS: settings.timeoutS, echo });
    const missing = r.ok ? missingMime(r, settings.expectedMime) : [];
    if (r.ok && missing.length === 0) {
      passed++;
      console.log(`ok   ${rel} (${r.seconds.toFixed(1)} s) -> ${path.relative(REPO, r.executed)}`);
      continue;
    }
    failures++;
    console.error(`FAIL ${rel} (${r.seconds.toFixed(1)} s)`);
    if (!r.ok) console.error(r.report.trimEnd());
    else console.error(`  expected outputs of type ${missing.join(", ")}; found ${[...r.mimeTypes].join(", ") || "none"}`);
    if (!keepGoing) break;
  }
  console.log(`notebooks: ${passed} passed, ${failures} failed`);
  return failures ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.message);
    process.exit(2);
  },
);
