import { strict as assert } from "node:assert";
import { F64, I32, V128, encodeModule, f32, f64, f64x2, forUp, get, i32, name, set, sleb128, uleb128, v128, webAssembly } from "../../src/wasm";

describe("wasm: module encoder", () => {
  it("encodes LEB128 as the DWARF/WebAssembly specifications' examples", () => {
    // DWARF 5, section 7.6 (tables 7.8 and 7.9) and the WebAssembly spec's 624485 example.
    assert.deepEqual(uleb128(0), [0x00]);
    assert.deepEqual(uleb128(127), [0x7f]);
    assert.deepEqual(uleb128(128), [0x80, 0x01]);
    assert.deepEqual(uleb128(12857), [0xb9, 0x64]);
    assert.deepEqual(uleb128(624485), [0xe5, 0x8e, 0x26]);
    assert.deepEqual(uleb128(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert.deepEqual(sleb128(2), [0x02]);
    assert.deepEqual(sleb128(-2), [0x7e]);
    assert.deepEqual(sleb128(127), [0xff, 0x00]);
    assert.deepEqual(sleb128(-127), [0x81, 0x7f]);
    assert.deepEqual(sleb128(128), [0x80, 0x01]);
    assert.deepEqual(sleb128(-128), [0x80, 0x7f]);
    assert.deepEqual(sleb128(-123456), [0xc0, 0xbb, 0x78]);
    assert.deepEqual(name("mem"), [3, 0x6d, 0x65, 0x6d]);
    // IEEE 754 little-endian: 2.0 = 0x4000000000000000, 1.0f = 0x3f800000.
    assert.deepEqual(f64.const(2), [0x44, 0, 0, 0, 0, 0, 0, 0, 0x40]);
    assert.deepEqual(f32.const(1), [0x43, 0, 0, 0x80, 0x3f]);
  });

  it("builds a module the runtime validates and runs: an f64x2 loop over an imported memory", () => {
    assert.ok(webAssembly, "Node 20 has WebAssembly");
    const WA = webAssembly;
    // out[i] = a[i] + 2 b[i] over nBytes (pointers and nBytes in bytes), two float64 per step.
    const [A, B, OUT, N, C, TWO] = [0, 1, 2, 3, 4, 5];
    const at = (p: number) => i32.add(get(p), get(C));
    const body = [
      ...set(TWO, f64x2.splat(f64.const(2))),
      ...forUp(C, N, 16, v128.store(at(OUT), f64x2.add(v128.load(at(A), { alignLog2: 3 }), f64x2.mul(get(TWO), v128.load(at(B), { alignLog2: 3 }))), { alignLog2: 3 })),
    ];
    const bytes = encodeModule({ module: "env", field: "mem", minPages: 1 }, [{ name: "axpy2", params: [I32, I32, I32, I32], locals: [I32, V128], body }]);
    assert.ok(WA.validate(bytes), "the encoded module validates");
    const memory = new WA.Memory({ initial: 1 });
    const f = new WA.Instance(new WA.Module(bytes), { env: { mem: memory } }).exports.axpy2 as (...a: number[]) => void;
    const heap = new Float64Array(memory.buffer);
    const n = 6;
    for (let i = 0; i < n; i++) {
      heap[i] = i + 0.25;
      heap[n + i] = -3 * i;
    }
    f(0, 8 * n, 16 * n, 8 * n);
    for (let i = 0; i < n; i++) assert.equal(heap[2 * n + i], i + 0.25 + 2 * (-3 * i));
  });

  it("groups consecutive locals of one type in the declarations (the code section stays compact)", () => {
    const fn = (locals: (typeof I32 | typeof F64 | typeof V128)[]) => encodeModule({ module: "e", field: "m", minPages: 1 }, [{ name: "f", params: [], locals, body: [] }]);
    // Same types, grouped differently in the list: one declaration entry per run of equal types.
    const grouped = fn([I32, I32, I32, F64]);
    const split = fn([I32, F64, I32, I32]);
    assert.equal(grouped.length + 2, split.length, "three runs cost one (count, type) entry more than two");
    assert.ok(webAssembly?.validate(grouped) && webAssembly.validate(split), "both validate");
  });
});
