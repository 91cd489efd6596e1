#!/usr/bin/env node
// Builds native/build/svd_dnnl.node (the oneDNN kernels of src/backend/native) with g++ directly:
// node's headers come from /usr/include/node (Debian nodejs), oneDNN from Debian libdnnl-dev.
// Where a prerequisite is missing the build is skipped with the reason (the wasm kernels stay in
// use); SVD_NATIVE_REQUIRED=1 (set by .ci/run) turns that into a failure so CI really builds it.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const here = __dirname;
const outDir = path.join(here, "build");
const target = path.join(outDir, "svd_dnnl.node");
// Compiled sources, then everything else whose change must trigger a rebuild.
const compiled = ["svd_dnnl.cc", "svd_pointwise.cc"].map((f) => path.join(here, f));
const sources = [...compiled, path.join(here, "napi_util.h"), path.join(here, "svd_pointwise.h"), __filename];
const required = process.env.SVD_NATIVE_REQUIRED === "1";
const nodeHeaders = process.env.SVD_NODE_HEADERS || "/usr/include/node";

function skip(reason) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.rmSync(target, { force: true }); // an older build would not match the sources any more
  fs.writeFileSync(path.join(outDir, "skipped.txt"), reason + "\n");
  console.error(`build:native: not built: ${reason}`);
  process.exit(required ? 1 : 0);
}

const upToDate = fs.existsSync(target) && sources.every((s) => fs.statSync(s).mtimeMs <= fs.statSync(target).mtimeMs);
if (upToDate && !process.argv.includes("--force")) {
  console.log("build:native: native/build/svd_dnnl.node is up to date");
  process.exit(0);
}
if (!fs.existsSync(path.join(nodeHeaders, "node_api.h"))) skip(`${nodeHeaders}/node_api.h not found (Debian nodejs ships it; or set SVD_NODE_HEADERS to node's include directory)`);
if (!fs.existsSync("/usr/include/oneapi/dnnl/dnnl.hpp")) skip("oneDNN headers /usr/include/oneapi/dnnl/dnnl.hpp not found (apt-get install libdnnl-dev)");
const cxx = process.env.CXX || "g++";
const args = ["-O2", "-std=c++17", "-shared", "-fPIC", "-fopenmp", "-DNODE_GYP_MODULE_NAME=svd_dnnl", `-I${nodeHeaders}`, ...compiled, "-o", target + ".tmp", "-ldnnl"];
fs.mkdirSync(outDir, { recursive: true });
const r = spawnSync(cxx, args, { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
if (r.error) skip(`${cxx} could not run: ${r.error.message}`);
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  skip(`${cxx} ${args.join(" ")} failed with status ${r.status}`);
}
fs.renameSync(target + ".tmp", target);
fs.rmSync(path.join(outDir, "skipped.txt"), { force: true });
console.log(`build:native: built ${path.relative(process.cwd(), target)}`);
