import { strict as assert } from "node:assert";
import { quantize } from "../../src/io/image";
import { makeImage } from "../../src/array";

describe("io/image: quantize", () => {
  it("equals saturate(Math.round(v · max)) next to every rounding midpoint, and maps NaN/±∞ like a typed-array store", () => {
    const vals: number[] = [NaN, Infinity, -Infinity, -0, 0, 1, 1e10, -1e10, -0.3, 1.7];
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (const max of [255, 65535])
      for (let k = 0; k <= max; k += max === 255 ? 1 : 7) {
        f[0] = (k + 0.5) / max;
        const b = u[0] as number;
        for (let d = -2; d <= 2; d++) {
          u[0] = b + d;
          vals.push(f[0] as number);
        }
      }
    const img = makeImage(1, vals.length, 1, Float32Array.from(vals));
    for (const [bits, max] of [[8, 255], [16, 65535]] as const) {
      const q = quantize(img, bits);
      assert.equal(q.BYTES_PER_ELEMENT, bits / 8);
      for (let i = 0; i < vals.length; i++) {
        const r = Math.round((img.data[i] as number) * max);
        const expected = Number.isNaN(r) ? 0 : r <= 0 ? 0 : r > max ? max : r;
        assert.equal(q[i], expected, `${bits}-bit quantize(${img.data[i]})`);
      }
    }
  });
});
