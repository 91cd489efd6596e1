#!/usr/bin/env node
// Entry point of the `svd` command; the implementation lives in dist/cli (built from src/cli).
require("../dist/cli/main.js").main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`svd: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
);
