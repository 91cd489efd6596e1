/**
 * The tslab kernel through the real Jupyter stack: the repo-local kernel spec (npm run
 * kernel:install, found via JUPYTER_PATH), jupyter_client starting node_modules/tslab, nbclient
 * executing a notebook, nbformat validating the result. Needs Debian's python3-nbclient and
 * jupyter-client (environment/setup.sh) and the built library.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..", "..");
const PYTHON = "/usr/bin/python3";
const OUT = path.join(REPO, "test-output", "kernel");

describe("tslab kernel under Jupyter (nbclient)", function () {
  this.timeout(180_000);
  let jupyterPath = "";

  before(function () {
    const probe = spawnSync(PYTHON, ["-c", "import nbclient, nbformat, jupyter_client"], { encoding: "utf8" });
    assert.equal(probe.status, 0, `${PYTHON} lacks nbclient/nbformat/jupyter_client (run bash environment/setup.sh): ${probe.stderr}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { installKernel } = require(path.join(REPO, "kernels", "install.js"));
    jupyterPath = installKernel({ quiet: true }).jupyterPath;
  });

  it("writes a kernel spec that runs the project's pinned tslab", function () {
    const spec = JSON.parse(fs.readFileSync(path.join(jupyterPath, "kernels", "tslab", "kernel.json"), "utf8"));
    assert.equal(spec.argv[1], path.join(REPO, "node_modules", "tslab", "bin", "tslab"));
    assert.deepEqual(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
    assert.equal(pkg.devDependencies.tslab ?? pkg.dependencies.tslab, "1.0.22", "tslab must stay pinned exactly (internal modules are used)");
    const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: jupyterPath } });
    assert.equal(list.status, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout).kernelspecs.tslab.resource_dir, path.join(jupyterPath, "kernels", "tslab"));
  });

  it("executes a notebook with Vega-Lite, Plotly, PNG, streams and in-place updates", function () {
    fs.mkdirSync(OUT, { recursive: true });
    const src = path.join(__dirname, "fixtures", "kernel-smoke.ipynb");
    const dst = path.join(OUT, "kernel-smoke.ipynb");
    const r = spawnSync(PYTHON, [path.join(__dirname, "run_nbclient.py"), src, dst], {
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: path.join(OUT, "runtime") },
    });
    assert.equal(r.status, 0, `nbclient run failed:\n${r.stdout}\n${r.stderr}`);
    const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.equal(result.ok, true, result.error);
    const nb = JSON.parse(fs.readFileSync(dst, "utf8"));
    const types = (i: number): string[] => nb.cells[i].outputs.flatMap((o: { data?: object; output_type: string }) => (o.data ? Object.keys(o.data) : [o.output_type]));
    assert.ok(types(0).includes("application/vnd.vegalite.v5+json"));
    assert.ok(types(1).includes("application/vnd.plotly.v1+json"));
    assert.ok(types(2).includes("image/png"));
    const png = Buffer.from(nb.cells[2].outputs[0].data["image/png"], "base64");
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from("PNG")]);
    // nbclient applies update_display_data to the original output: one output, the last text.
    const live = nb.cells[3].outputs.filter((o: { output_type: string }) => o.output_type === "display_data");
    assert.equal(live.length, 1);
    const text = live[0].data["text/plain"];
    assert.equal(Array.isArray(text) ? text.join("") : text, "step 2");
    assert.ok(nb.cells[3].outputs.some((o: { name?: string; text?: string }) => o.name === "stdout" && String(o.text).includes("done")));
  });
});
