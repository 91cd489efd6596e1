import { strict as assert } from "node:assert";
import { borderIndex, borderIndexer, borderModes, edgeIndex, reflectIndex, symmetricIndex, type BorderMode } from "../../src/util/border";

/**
 * Golden values: NumPy 1.24.2 (Debian 12 /usr/bin/python3), an axis 0..n-1 padded by 11 on each side:
 *   /usr/bin/python3 -c "import numpy as np; [print(m, n, np.pad(np.arange(n), 11, mode=m).tolist()) for m in ['reflect','symmetric','edge'] for n in [1,2,3,5]]"
 * 11 is wider than every axis, so the pads fold several times (np.pad's rule for wide pads).
 */
const NUMPY_PAD_11: Record<BorderMode, Record<number, number[]>> = {
  reflect: {
    1: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    2: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0],
    3: [1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1],
    5: [3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1],
  },
  symmetric: {
    1: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    2: [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0],
    3: [1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1],
    5: [0, 0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 4],
  },
  edge: {
    1: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    2: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    3: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    5: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
  },
};
const PAD = 11;

describe("util/border", () => {
  const fns: Record<BorderMode, (i: number, n: number) => number> = { reflect: reflectIndex, symmetric: symmetricIndex, edge: edgeIndex };
  for (const mode of borderModes) {
    for (const [n, expected] of Object.entries(NUMPY_PAD_11[mode])) {
      it(`"${mode}" matches np.pad(np.arange(${n}), ${PAD}, mode="${mode}")`, () => {
        const len = Number(n);
        const got = Array.from({ length: len + 2 * PAD }, (_, k) => fns[mode](k - PAD, len));
        assert.deepEqual(got, expected);
        assert.deepEqual(Array.from({ length: len + 2 * PAD }, (_, k) => borderIndex(k - PAD, len, mode)), expected);
        assert.equal(borderIndexer(mode), fns[mode]);
      });
    }
  }

  it("the two mirror modes differ exactly at the edge repeat", () => {
    assert.equal(reflectIndex(-1, 4), 1);
    assert.equal(symmetricIndex(-1, 4), 0);
    assert.equal(reflectIndex(4, 4), 2);
    assert.equal(symmetricIndex(4, 4), 3);
  });

  it("an unknown mode is a clear error naming the choices", () => {
    assert.throws(() => borderIndexer("mirror" as BorderMode), /border mode must be one of reflect, symmetric, edge, found "mirror"/);
  });
});
