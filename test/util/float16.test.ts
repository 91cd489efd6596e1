import { strict as assert } from "node:assert";
import { decodeFloat16, encodeFloat16, fromHalfBits, toHalfBits } from "../../src/util/float16";

describe("float16 conversion", () => {
  it("rounds like NumPy's astype(float16)", () => {
    // Golden bits from Debian's python3-numpy 1.24:
    // /usr/bin/python3 -c "import numpy as np; vals=[1/3,65504,65520,1e-7,6.1e-5,-2.5,0.1,532.8,1e-4,2049,2051,5.96e-8,2.98e-8,3e-8];
    //   print([int(np.array([v],dtype=np.float32).astype(np.float16).view(np.uint16)[0]) for v in vals])"
    const vals = [1 / 3, 65504, 65520, 1e-7, 6.1e-5, -2.5, 0.1, 532.8, 1e-4, 2049, 2051, 5.96e-8, 2.98e-8, 3e-8];
    const golden = [13653, 31743, 31744, 2, 1023, 49408, 11878, 24618, 1678, 26624, 26626, 1, 0, 1];
    assert.deepEqual(vals.map(toHalfBits), golden);
  });
  it("decodes every finite half exactly back to the same bits", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const dec = decodeFloat16(all);
    const enc = encodeFloat16(dec);
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(dec[i])) continue;
      assert.equal(enc[i], i, `bits ${i}`);
    }
    assert.equal(fromHalfBits(0x3c00), 1);
    assert.equal(fromHalfBits(0x7bff), 65504);
  });
});
