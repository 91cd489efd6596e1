#!/usr/bin/env node
// `npm run kernel:install`: writes the repo-local Jupyter kernel spec for tslab (no Python needed).
//   <repo>/.jupyter-local/kernels/tslab/kernel.json  (from kernels/tslab/kernel.json, paths filled in)
// Point Jupyter at it with JUPYTER_PATH=<repo>/.jupyter-local (tools/lab.ts and the tests do).
// The kernel runs the project's own node_modules/tslab (pinned in package.json); Jupyter starts it
// with the notebook's folder as working directory, so cells import the library as "../dist/index"
// and resolve packages from the repo's node_modules.
"use strict";
const fs = require("fs");
const path = require("path");

const repo = path.resolve(__dirname, "..");

function installKernel({ quiet = false } = {}) {
  const tslabBin = path.join(repo, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslabBin)) {
    throw new Error(`kernel:install: ${tslabBin} not found: run \`npm ci\` (or npm install) in ${repo} first`);
  }
  const template = JSON.parse(fs.readFileSync(path.join(__dirname, "tslab", "kernel.json"), "utf8"));
  const fill = (s) => s.replace("{node}", process.execPath).replace("{tslab}", tslabBin);
  const spec = { ...template, argv: template.argv.map(fill) };
  const outDir = path.join(repo, ".jupyter-local", "kernels", "tslab");
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, "kernel.json");
  const text = JSON.stringify(spec, null, 2) + "\n";
  // Write to a temporary file then rename, so a server reading the spec never sees half a file.
  if (!fs.existsSync(out) || fs.readFileSync(out, "utf8") !== text) {
    fs.writeFileSync(out + ".tmp", text);
    fs.renameSync(out + ".tmp", out);
  }
  if (!quiet) console.log(`kernel:install: wrote ${out}\n  use it with JUPYTER_PATH=${path.dirname(path.dirname(outDir))}`);
  return { kernelJson: out, jupyterPath: path.dirname(path.dirname(outDir)) };
}

module.exports = { installKernel, repo };

if (require.main === module) {
  try {
    installKernel();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
