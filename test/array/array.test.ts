import { strict as assert } from "node:assert";
import { checkImage, clampImage, imageShape, imageToPlanar, isImage, makeImage, planarToImage } from "../../src/array";

describe("array: the image and planar forms", () => {
  it("HWC <-> planar (C, H, W) puts pixel (y, x, c) at c*H*W + y*W + x and back", () => {
    const [H, W, C] = [2, 3, 2];
    const img = makeImage(H, W, C, Float32Array.from({ length: H * W * C }, (_, i) => i));
    const p = imageToPlanar(img);
    assert.deepEqual([...p.shape], [C, H, W]);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) assert.equal(p.data[c * H * W + y * W + x], (y * W + x) * C + c);
    const back = planarToImage(p);
    assert.deepEqual(imageShape(back), [H, W, C]);
    assert.deepEqual(Array.from(back.data), Array.from(img.data));
  });

  it("tells images from planar arrays, and checks sizes with clear errors", () => {
    assert.equal(isImage(makeImage(1, 1, 1)), true);
    assert.equal(isImage({ data: new Float32Array(1), shape: [1, 1, 1] }), false);
    assert.throws(() => checkImage({ data: new Float32Array(5), height: 2, width: 3, channels: 1 }, "gt"), /argument 'gt\.data'.*6 values.*5 values/);
    assert.throws(() => planarToImage({ data: new Float32Array(4), shape: [2, 2] }), /shape \(C, H, W\).*\(2, 2\)/);
  });

  it("clamps to [0, 1] without touching the input", () => {
    const img = makeImage(1, 3, 1, new Float32Array([-0.5, 0.25, 1.5]));
    assert.deepEqual(Array.from(clampImage(img).data), [0, 0.25, 1]);
    assert.deepEqual(Array.from(img.data), [-0.5, 0.25, 1.5]);
  });
});
