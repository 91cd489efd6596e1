/**
 * The `rotate` and `homography` transforms (dataset-generation.md §2.3) against NumPy/SciPy goldens
 * (test/fixtures/warp/make_fixture.py; the command is in its docstring): np.rot90 for multiples of
 * 90° on a square image, scipy map_coordinates (bilinear, zero padding) for the homography; both
 * through the config pipeline with `keys`, and option errors naming the key.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeImage, type ImageHWC } from "../../src/array";
import { TransformPipeline } from "../../src/data/transforms";
import { rotateNearest, warpPerspective } from "../../src/data/transforms/warp";
import { ConfigError } from "../../src/util/errors";
import { Rng } from "../../src/util/rng";

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/warp/golden.json"), "utf8")) as Record<string, number[][][] | number[][]>;
const image = (a: number[][][]): ImageHWC => makeImage(a.length, a[0]!.length, a[0]![0]!.length, Float32Array.from(a.flat(2)));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("data: rotate and homography transforms", () => {
  it("rotate by -90, 90 and 180 degrees equals np.rot90 (k = -1, 1, 2) on a square image", () => {
    const sq = image(golden.square as number[][][]);
    for (const [angle, key] of [
      [-90, "rot-90"],
      [90, "rot90"],
      [180, "rot180"],
      [270, "rot-90"],
    ] as const)
      assert.equal(maxDiff(rotateNearest(sq, angle).data, Float32Array.from((golden[key] as number[][][]).flat(2))), 0, `angle ${angle}`);
  });

  it("rotate keeps the size and fills 0 where the turned image does not reach (non-square, 90 degrees)", () => {
    const img = makeImage(2, 4, 1, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const r = rotateNearest(img, 90);
    assert.deepEqual([r.height, r.width], [2, 4]);
    // centre (1.5, 0.5): output column 1..2 take source rows; the outer columns fall outside the 2-row source.
    assert.deepEqual([...r.data], [0, 3, 7, 0, 0, 2, 6, 0]);
  });

  it("homography equals SciPy's bilinear map_coordinates of M^-1 p with zero padding", () => {
    const got = warpPerspective(image(golden.image as number[][][]), (golden.M as number[][]).flat());
    const err = maxDiff(got.data, Float32Array.from((golden.homography as number[][][]).flat(2)));
    assert.ok(err < 1e-6, `max abs error ${err}`);
  });

  it("runs from a config: homography on the blurred image only, rotate on both", async () => {
    const pipe = TransformPipeline.fromConfig(
      { to_tensor: null, homography: { keys: ["lq_key"], M: golden.M }, rotate: { angle: -90 } },
      { gtKey: "gt", lqKey: "blur", commonKeys: ["gt", "blur"], file: "t.yml", keyPath: "datasets.train.transforms" },
    );
    const img = image(golden.image as number[][][]);
    const out = await pipe.run({ gt: img, blur: img }, { rng: new Rng(0), meta: {} });
    assert.equal(maxDiff(out.gt!.data, rotateNearest(img, -90).data), 0);
    assert.equal(maxDiff(out.blur!.data, rotateNearest(warpPerspective(img, (golden.M as number[][]).flat()), -90).data), 0);
  });

  it("rejects a missing angle, a malformed or singular M with the key named", () => {
    const opts = { gtKey: "gt", lqKey: "blur", commonKeys: ["gt", "blur"], file: "t.yml", keyPath: "datasets.train.transforms" };
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ rotate: {} }, /datasets\.train\.transforms\.rotate\.angle.*a number/],
      [{ homography: { M: [[1, 0], [0, 1]] } }, /datasets\.train\.transforms\.homography\.M.*3x3 matrix/],
      [{ homography: { M: [[1, 2, 3], [2, 4, 6], [0, 0, 1]] } }, /homography\.M.*invertible/],
    ];
    for (const [spec, re] of bad) assert.throws(() => TransformPipeline.fromConfig(spec, opts), (e: Error) => e instanceof ConfigError && re.test(e.message), JSON.stringify(spec));
  });
});
