import { strict as assert } from "node:assert";
import { info, inNotebookCell } from "../../src/util/info";

/** Runs f with process.stdout/stderr captured; returns what each received. */
function capture(f: () => void): { stdout: string; stderr: string } {
  const out = { stdout: "", stderr: "" };
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  process.stdout.write = ((s: string) => ((out.stdout += s), true)) as typeof w1;
  process.stderr.write = ((s: string) => ((out.stderr += s), true)) as typeof w2;
  try {
    f();
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
  return out;
}

describe("util/info: informational lines", function () {
  it("go to stderr outside a notebook (stdout stays a command's result)", function () {
    assert.equal(inNotebookCell(), false);
    assert.deepEqual(capture(() => info("wrote x.h5")), { stdout: "", stderr: "wrote x.h5\n" });
  });

  it("go to stdout in a notebook cell, where stderr shows as an error", function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require("tslab/dist/jupyter");
    const prev = jupyter.lastWriteDisplayData;
    jupyter.lastWriteDisplayData = () => {};
    try {
      assert.equal(inNotebookCell(), true);
      assert.deepEqual(capture(() => info("channel 0: 6 components capture 46% of the variance\n")), {
        stdout: "channel 0: 6 components capture 46% of the variance\n",
        stderr: "",
      });
    } finally {
      jupyter.lastWriteDisplayData = prev;
    }
  });
});

describe("util/info: SVD_INFO_STREAM", function () {
  it("=stdout sends informational lines to stdout outside notebooks (svd.notebook.cli's child)", function () {
    const prev = process.env.SVD_INFO_STREAM;
    process.env.SVD_INFO_STREAM = "stdout";
    try {
      assert.deepEqual(capture(() => info("wrote y.h5")), { stdout: "wrote y.h5\n", stderr: "" });
    } finally {
      if (prev === undefined) delete process.env.SVD_INFO_STREAM;
      else process.env.SVD_INFO_STREAM = prev;
    }
  });
});
