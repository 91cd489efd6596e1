/**
 * Which Sum calls the native kernel takes (src/backend/native/layout.ts):
 * the [outer, rows, inner] views, and null where the wasm kernel must run instead.
 */
import { strict as assert } from "node:assert";
import { normalizeAxes, reducedBlock } from "../../src/backend/native/layout";

describe("native kernel layouts", () => {
  it("reducedBlock: contiguous axis blocks above the last axes, null otherwise", () => {
    assert.deepEqual(reducedBlock([4, 6, 5, 8], [0]), [1, 4, 240]);
    assert.deepEqual(reducedBlock([4, 6, 5, 8], [0, 1, 2]), [1, 120, 8]);
    assert.deepEqual(reducedBlock([4, 6, 5, 8], [2, 1]), [4, 30, 8]);
    assert.deepEqual(reducedBlock([4, 6, 5, 8], -3), [4, 6, 40]);
    assert.equal(reducedBlock([4, 6, 5, 8], [0, 2]), null); // not contiguous
    assert.equal(reducedBlock([4, 6, 5, 8], [3]), null); // innermost: one value per row
    assert.equal(reducedBlock([4, 6, 5, 8], null), null); // every axis
    assert.equal(reducedBlock([4, 1, 1, 8], [1, 2]), null); // nothing to add up
    assert.equal(reducedBlock([4, 6, 5, 3], [1, 2]), null); // inner too narrow
  });

  it("normalizeAxes: negative, repeated, single and absent axes", () => {
    assert.deepEqual(normalizeAxes(4, [-1, 0, 3]), [0, 3]);
    assert.deepEqual(normalizeAxes(3, 1), [1]);
    assert.deepEqual(normalizeAxes(3, null), [0, 1, 2]);
  });
});
