import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { readImage, writeImage, convertChannels, isImageFile } from "../../src/io/image";
import { imageShape } from "../../src/array";
import { InputFileError } from "../../src/util/errors";

const PY = "/usr/bin/python3";

describe("io/image", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-image-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function ramp(h: number, w: number, c: number, levels: number): Float32Array {
    const d = new Float32Array(h * w * c);
    for (let i = 0; i < d.length; i++) d[i] = ((i * 37) % (levels + 1)) / levels;
    return d;
  }

  for (const [ext, bitDepth] of [
    [".png", 8],
    [".png", 16],
    [".tif", 8],
    [".tif", 16],
  ] as const) {
    for (const c of [1, 2, 3, 4]) {
      it(`round-trips ${bitDepth}-bit ${ext} with ${c} channel(s) exactly`, async () => {
        const maxCode = bitDepth === 16 ? 65535 : 255;
        const img = { data: ramp(5, 7, c, maxCode), height: 5, width: 7, channels: c };
        const f = path.join(dir, `rt${bitDepth}_${c}${ext}`);
        await writeImage(f, img, { bitDepth });
        const back = await readImage(f);
        assert.deepEqual(imageShape(back), [5, 7, c]);
        assert.equal(back.bitDepth, bitDepth);
        for (let i = 0; i < img.data.length; i++) assert.equal(Math.round(back.data[i]! * maxCode), Math.round(img.data[i]! * maxCode));
      });
    }
  }

  it("reads files written by Pillow / tifffile with the same values (8/16-bit, float TIFF)", async () => {
    const script = `
import numpy as np, tifffile
from PIL import Image
d = ${JSON.stringify(dir)}
a = (np.arange(4*6*3) * 11 % 256).astype(np.uint8).reshape(4, 6, 3)
Image.fromarray(a).save(d + '/pil_rgb.png')
Image.fromarray(a).save(d + '/pil_rgb.jpg', quality=100)
g = (np.arange(4*6) * 2749 % 65536).astype(np.uint16).reshape(4, 6)
tifffile.imwrite(d + '/tf_g16.tif', g)
f = (np.arange(4*6*3, dtype=np.float32) / 7).reshape(4, 6, 3)
tifffile.imwrite(d + '/tf_f32.tif', f, photometric='rgb')
`;
    execFileSync(PY, ["-c", script]);
    const rgb = await readImage(path.join(dir, "pil_rgb.png"));
    assert.deepEqual(imageShape(rgb), [4, 6, 3]);
    for (let i = 0; i < 72; i++) assert.equal(Math.round(rgb.data[i]! * 255), (i * 11) % 256);
    const jpg = await readImage(path.join(dir, "pil_rgb.jpg"));
    assert.deepEqual(imageShape(jpg), [4, 6, 3]);
    const g16 = await readImage(path.join(dir, "tf_g16.tif"));
    assert.deepEqual(imageShape(g16), [4, 6, 1]);
    assert.equal(g16.bitDepth, 16);
    for (let i = 0; i < 24; i++) assert.equal(Math.round(g16.data[i]! * 65535), (i * 2749) % 65536);
    const f32 = await readImage(path.join(dir, "tf_f32.tif"));
    assert.deepEqual(imageShape(f32), [4, 6, 3]);
    assert.equal(f32.bitDepth, 32);
    for (let i = 0; i < 72; i++) assert.ok(Math.abs(f32.data[i]! - i / 7) < 1e-6);
  });

  it("converts channels: grey->rgb replicates, rgba->rgb drops alpha, rgb->gray uses Rec.601 luma", () => {
    const g = convertChannels({ data: new Float32Array([0.25, 0.5]), height: 1, width: 2, channels: 1 }, "rgb");
    assert.deepEqual(Array.from(g.data), [0.25, 0.25, 0.25, 0.5, 0.5, 0.5]);
    const rgba = convertChannels({ data: new Float32Array([0.1, 0.2, 0.3, 1]), height: 1, width: 1, channels: 4 }, "rgb");
    assert.deepEqual(Array.from(rgba.data).map((v) => +v.toFixed(6)), [0.1, 0.2, 0.3]);
    const y = convertChannels({ data: new Float32Array([1, 0, 0, 0, 1, 0]), height: 1, width: 2, channels: 3 }, "gray");
    assert.deepEqual(Array.from(y.data).map((v) => +v.toFixed(6)), [0.299, 0.587]);
  });

  it("fails clearly on missing, non-image and directory inputs", async () => {
    await assert.rejects(readImage(path.join(dir, "nope.png")), (e: Error) => e instanceof InputFileError && /nope\.png: image file not found/.test(e.message));
    const bad = path.join(dir, "bad.png");
    fs.writeFileSync(bad, "this is not a png");
    await assert.rejects(readImage(bad), (e: Error) => e instanceof InputFileError && /bad\.png: not a readable image/.test(e.message));
    await assert.rejects(readImage(dir), /expected an image file, found a directory/);
    await assert.rejects(writeImage(path.join(dir, "x.bmp"), { data: new Float32Array(3), height: 1, width: 1, channels: 3 }), /\.png, \.tif/);
    await assert.rejects(writeImage(path.join(dir, "x.png"), { data: new Float32Array(2), height: 1, width: 1, channels: 3 }), /image data length/);
  });

  it("recognises image extensions case-insensitively", () => {
    assert.ok(isImageFile("A.PNG") && isImageFile("b.tiff") && isImageFile("c.JPeG"));
    assert.ok(!isImageFile("d.txt") && !isImageFile("png"));
  });
});
