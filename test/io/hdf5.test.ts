import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { H5File } from "../../src/io/hdf5";

describe("HDF5 (h5wasm)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-h5-"));
  const file = path.join(dir, "t.h5");

  before(async () => {
    const f = await H5File.open(file, "w");
    f.write("small", [1, 2.5, 532.8, 1e-5], [2, 2]);
    f.createDataset("psfs", [3, 1, 2, 3, 4, 4], { dtype: "float16", chunks: [1, 1, 1, 3, 4, 4] });
    f.writeSlice("psfs", [[1, 2], [0, 1], [1, 2]], Float32Array.from({ length: 48 }, (_, i) => i / 48));
    f.write("f32", new Float32Array([1, 2, 3]), [3], { dtype: "float32" });
    f.setAttr("wv", [472.5, 532.8, 685]);
    f.setAttr("grid_size", [2, 3]);
    f.setAttr("psf_type", "gaussian");
    f.close();
  });

  it("round-trips float16 and float32 datasets, slices and attributes", async () => {
    const f = await H5File.open(file);
    assert.deepEqual(f.info("psfs"), { name: "psfs", shape: [3, 1, 2, 3, 4, 4], dtype: "float16", chunks: [1, 1, 1, 3, 4, 4] });
    const sl = f.readSlice("psfs", [[1, 2], [0, 1], [1, 2]]);
    assert.deepEqual(sl.shape, [1, 1, 1, 3, 4, 4]);
    for (let i = 0; i < 48; i++) assert.ok(Math.abs((sl.data[i] as number) - i / 48) <= 2 ** -11, `psfs ${i}`);
    assert.deepEqual(Array.from(f.read("small").data), [1, 2.5, 533, 0.000010013580322265625]);
    assert.equal(f.info("f32").dtype, "float32");
    assert.deepEqual(f.getAttr("wv"), [472.5, 532.8, 685]);
    assert.deepEqual(f.getAttr("grid_size"), [2, 3]);
    assert.equal(f.getAttr("psf_type"), "gaussian");
    f.close();
  });

  it("opens in h5py with float16 datasets and native attributes", () => {
    const out = execFileSync("/usr/bin/python3", ["-c", `
import h5py, json
f = h5py.File(${JSON.stringify(file)}, "r")
print(json.dumps({k: [str(f[k].dtype), list(f[k].shape)] for k in f}))
print(json.dumps([float(x) for x in f["psfs"][1, 0, 1, 0, 0, :]]))
print(json.dumps({k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in f.attrs.items()}))
`], { encoding: "utf8" });
    const [dsets, row, attrs] = out.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(dsets, { f32: ["float32", [3]], psfs: ["float16", [3, 1, 2, 3, 4, 4]], small: ["float16", [2, 2]] });
    assert.deepEqual(row.map((x: number) => Math.round(x * 48)), [0, 1, 2, 3]);
    assert.deepEqual(attrs, { grid_size: [2, 3], psf_type: "gaussian", wv: [472.5, 532.8, 685] });
  });

  it("reads files written by h5py (float16, float32, nested names)", async () => {
    const other = path.join(dir, "py.h5");
    execFileSync("/usr/bin/python3", ["-c", `
import h5py, numpy as np
f = h5py.File(${JSON.stringify(other)}, "w")
f["psfs"] = np.arange(24, dtype=np.float16).reshape(2, 3, 4) / 8
f["metadata.psf_metadata"] = np.ones((1, 1, 2, 2, 2), np.float16)
f["basis_weights"] = np.full((2, 2), 0.25, np.float32)
f.attrs["ndata"] = 100
f.close()
`]);
    const f = await H5File.open(other);
    assert.deepEqual(f.read("psfs").data.slice(0, 4), new Float32Array([0, 0.125, 0.25, 0.375]));
    assert.equal(f.info("basis_weights").dtype, "float32");
    assert.deepEqual(f.read("metadata.psf_metadata").shape, [1, 1, 2, 2, 2]);
    assert.equal(f.getAttr("ndata"), 100);
    f.close();
  });

  it("names the file and the dataset when something is missing or unreadable", async () => {
    await assert.rejects(H5File.open(path.join(dir, "nope.h5")), /nope\.h5: file not found/);
    const junk = path.join(dir, "junk.h5");
    fs.writeFileSync(junk, "not hdf5");
    await assert.rejects(H5File.open(junk), /junk\.h5: cannot open as HDF5 \(no HDF5 signature/);
    const f = await H5File.open(file);
    assert.throws(() => f.read("basis_coef"), /t\.h5: dataset 'basis_coef' not found \(datasets present: f32, psfs, small\)/);
    f.close();
  });
});
