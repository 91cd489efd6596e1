import { strict as assert } from "node:assert";
import { Xoshiro128 } from "../../src/util/xoshiro128";
import { Rng } from "../../src/util/rng";
import { PixelStream } from "../../src/data/pixel-noise";

describe("util/xoshiro128", () => {
  it("gives the reference C implementation's outputs from state (1, 2, 3, 4)", () => {
    // xoshiro128starstar.c v1.1 (prng.di.unimi.it); the same vector is in rand_xoshiro's tests.
    const x = new Xoshiro128(1, 2, 3, 4);
    assert.deepEqual(Array.from({ length: 10 }, () => x.nextUint32()), [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it("returns unsigned words from any int32 or uint32 spelling of the state, and escapes the all-zero state", () => {
    const a = new Xoshiro128(0xdeadbeef, 0x80000000, 7, 0xffffffff), b = new Xoshiro128(0xdeadbeef | 0, -0x80000000, 7, -1);
    for (let i = 0; i < 100; i++) {
      const v = a.nextUint32();
      assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32, `word ${i}: ${v}`);
      assert.equal(b.nextUint32(), v);
    }
    const z = new Xoshiro128(0, 0, 0, 0), one = new Xoshiro128(1, 0, 0, 0);
    for (let i = 0; i < 10; i++) assert.equal(z.nextUint32(), one.nextUint32());
  });

  it("is the stream Rng and PixelStream step (seeded numbers as before they shared it, commit 6766c00)", () => {
    const r = new Rng("svd");
    assert.deepEqual(Array.from({ length: 6 }, () => r.nextUint32()), [4253245950, 888106014, 2560356550, 1229137780, 1264254446, 1542962275]);
    const seed = new Rng(7), words = [seed.nextUint32(), seed.nextUint32(), seed.nextUint32(), seed.nextUint32()] as const;
    const p = new PixelStream(new Rng(7)), x = new Xoshiro128(...words);
    for (let i = 0; i < 20; i++) assert.equal(p.uniform(), x.nextUint32() / 2 ** 32);
    const q = new PixelStream(new Rng(7));
    assert.deepEqual([q.uniform(), q.uniform(), q.uniform(), q.normal(), q.poisson(3.5), q.poisson(42.5)], [0.9195696045644581, 0.08572394633665681, 0.9927538551855832, 0.3393612211643811, 2, 29]);
  });
});
