/**
 * The restricted pickle reader and the PyTorch checkpoint reader: values of pickles written by
 * CPython, checkpoints written by torch.save (test/fixtures/weights/make_fixtures.py, the command is
 * in its docstring), and hostile files rejected with the opcode/global named and nothing executed.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unpickle, PyTuple, type PyValue } from "../../src/io/pickle";
import { parsePth, readPth } from "../../src/io/pth";
import { InputFileError } from "../../src/util/errors";

const fixtures = path.join(__dirname, "../fixtures/weights");
const fixture = (name: string) => path.join(fixtures, name);
const noGlobals = { file: "x.pkl", resolveGlobal: () => undefined };

// /usr/bin/python3 -c "import pickle; v={'a':[1,-2,3.5,'x',None,True,(1,2),2**70,-300,70000],
//   'b':{'n':(),'t':(1,),'u':(1,2,3)}}; print(pickle.dumps(v,protocol=2).hex())"
const proto2 =
  "80027d71002858010000006171015d7102284b014afeffffff47400c00000000000058010000007871034e884b014b028671048a090000000000000000404ad4feffff4a701101006558010000006271057d71062858010000006e71072958010000007471084b01857109580100000075710a4b014b024b0387710b75752e";
// the same with b'\x00\xff' after 'x', protocol=4 (FRAME, SHORT_BINUNICODE, SHORT_BINBYTES, MEMOIZE)
const proto4 =
  "80049564000000000000007d94288c0161945d94284b014afeffffff47400c0000000000008c017894430200ff944e884b014b0286948a090000000000000000404ad4feffff4a70110100658c0162947d94288c016e94298c0174944b0185948c0175944b014b024b03879475752e";
const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

function plain(v: PyValue): unknown {
  if (v instanceof PyTuple) return { tuple: v.items.map(plain) };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (v instanceof Uint8Array) return { bytes: [...v] };
  return v;
}

describe("io/pickle (restricted reader)", () => {
  const expected = (withBytes: boolean) => ({
    a: [1, -2, 3.5, "x", ...(withBytes ? [{ bytes: [0, 255] }] : []), null, true, { tuple: [1, 2] }, 2n ** 70n, -300, 70000],
    b: { n: { tuple: [] }, t: { tuple: [1] }, u: { tuple: [1, 2, 3] } },
  });
  it("reads the values CPython writes with protocols 2 and 4", () => {
    assert.deepEqual(plain(unpickle(hex(proto2), noGlobals)), expected(false));
    assert.deepEqual(plain(unpickle(hex(proto4), noGlobals)), expected(true));
  });

  it("rejects opcodes a state dict does not need, naming them and their position", () => {
    const cases: Array<[string, RegExp]> = [
      ["800281" + "2e", /byte 2: opcode NEWOBJ is not allowed/], // NEWOBJ
      ["8002" + "6928" + "2e", /byte 2: opcode INST is not allowed/],
      ["8002" + "8201" + "2e", /opcode EXT1 is not allowed/],
      ["8002ff2e", /opcode unknown opcode 0xff is not allowed/],
      ["80024b01", /truncated: no STOP/],
      ["8002580a000000616263", /truncated: 10 more bytes expected, 3 left/],
      ["8002680752", /memo key 7 is not defined/],
      ["80024b014b022e", /STOP with 2 stack entries/],
      ["8006", /pickle protocol 6/],
    ];
    for (const [h, re] of cases) assert.throws(() => unpickle(hex(h), noGlobals), (e: Error) => e instanceof InputFileError && /x\.pkl: pickle byte \d+/.test(e.message) && re.test(e.message), h);
  });

  it("resolves globals only through the allow-list and calls only what it returns", () => {
    // GLOBAL 'os system' (protocol 0 text), then REDUCE with ('echo',)
    const evil = Buffer.concat([Buffer.from("cos\nsystem\n", "latin1"), hex("58040000006563686f8552"), hex("2e")]);
    assert.throws(() => unpickle(evil, noGlobals), /global 'os\.system' is not allowed/);
    let called: PyValue[] | null = null;
    const v = unpickle(evil, { file: "x", resolveGlobal: (m, n) => (m === "os" && n === "system" ? { qualname: "safe.stand_in", call: (a) => ((called = a), "done") } : undefined) });
    assert.equal(v, "done");
    assert.deepEqual(called, ["echo"]);
  });
});

describe("io/pth (PyTorch checkpoints)", () => {
  it("finds the state dict at the top level or under params/state_dict/model and names the other keys", () => {
    const cases: Array<[string, string | null, string[], string]> = [
      ["nafnet_megvii.pth", "params", [], "F32"],
      ["nafnet_original.pth", null, [], "F16"],
      ["restormer_swz30.pth", "params", ["params_ema"], "BF16"],
      ["restormer_original.pth", "state_dict", ["epoch"], "F32"],
      ["unet_diffusers.pth", null, [], "F32"],
      ["unet_original.pth", "model", [], "F32"],
    ];
    for (const [name, key, others, dtype] of cases) {
      const r = readPth(fixture(name));
      assert.equal(r.stateDictKey, key, name);
      assert.deepEqual(r.otherKeys, others, name);
      assert.deepEqual([...new Set([...r.tensors.values()].map((t) => t.dtype))], [dtype], name);
    }
    const ema = readPth(fixture("restormer_swz30.pth"), { key: "params_ema" });
    assert.equal(ema.stateDictKey, "params_ema");
    assert.throws(() => readPth(fixture("restormer_swz30.pth"), { key: "net_g" }), /no key 'net_g' in the checkpoint \(top-level keys: params, params_ema\)/);
  });

  it("reads non-contiguous (transposed) tensors in row-major order", () => {
    // unet_diffusers.pth stores every 2-D weight with column-major strides; its values equal
    // unet_original.pth's layout only through the strides, so compare a linear weight's first row
    // with its transposed storage order read directly from the zip record.
    const r = readPth(fixture("unet_diffusers.pth"));
    const w = r.tensors.get("time_embedding.linear_1.weight")!;
    assert.deepEqual(w.shape, [16, 4]);
    assert.equal(w.data.length, 64);
    // row 0 of a [16,4] matrix with strides (1,16) sits at storage elements 0, 16, 32, 48
    const storageOrder = readStorageOf(fixture("unet_diffusers.pth"), "time_embedding.linear_1.weight");
    assert.deepEqual([...w.data.subarray(0, 4)], [0, 16, 32, 48].map((i) => storageOrder[i]!));
  });

  it("reads nn.Parameter values, float64/int64 storages and slices sharing one storage", () => {
    const r = readPth(fixture("misc.pth"));
    const want = JSON.parse(fs.readFileSync(fixture("misc.json"), "utf8")) as Record<string, { shape: number[]; values: number[] }>;
    assert.deepEqual([...r.tensors.keys()], Object.keys(want));
    assert.deepEqual([...r.tensors.values()].map((t) => t.dtype), ["F32", "F64", "I64", "F32", "F32"]);
    for (const [k, w] of Object.entries(want)) {
      assert.deepEqual(r.tensors.get(k)!.shape, w.shape, k);
      assert.deepEqual([...r.tensors.get(k)!.data], w.values.map(Math.fround), k);
    }
  });

  it("reads big-endian storages when archive/byteorder says so", () => {
    const w = readPth(fixture("big_endian.pth")).tensors.get("w")!;
    assert.deepEqual(w.shape, [3, 2]);
    assert.deepEqual([...w.data], [0, 3, 1, 4, 2, 5]); // storage 0..5 read with strides (1, 3)
  });

  it("rejects a __reduce__ payload (os.system), builtins.eval and unknown globals without running them", () => {
    const marker = "/tmp/svd-pth-hostile-marker";
    fs.rmSync(marker, { force: true });
    assert.throws(() => readPth(fixture("hostile_reduce.pth")), (e: Error) => e instanceof InputFileError && /hostile_reduce\.pth \(archive\/data\.pkl\): pickle byte \d+: global 'posix\.system' is not allowed/.test(e.message));
    assert.ok(!fs.existsSync(marker), "the payload ran");
    assert.throws(() => readPth(fixture("hostile_eval.pth")), /global '__builtin__\.eval' is not allowed/);
    assert.throws(() => readPth(fixture("hostile_global.pth")), /global 'argparse\.Namespace' is not allowed/);
  });

  it("rejects storages shorter than declared and tensors reaching past their storage", () => {
    assert.throws(() => readPth(fixture("hostile_short_storage.pth")), /storage 0: 100 FloatStorage elements need 400 bytes, record archive\/data\/0 has 16/);
    assert.throws(() => readPth(fixture("hostile_tensor_range.pth")), /tensor of size \[3,3\], stride \[3,1\], offset 0 reaches element 8 of storage 0, which holds 4/);
  });

  it("rejects truncated zips, non-zips, zip bombs and the legacy format with the reason", () => {
    const whole = fs.readFileSync(fixture("nafnet_megvii.pth"));
    assert.throws(() => parsePth(whole.subarray(0, Math.floor(whole.length / 2)), "cut.pth"), /cut\.pth: not a readable zip archive \(truncated or damaged/);
    assert.throws(() => parsePth(new Uint8Array([0x80, 0x02, 0x8a, 0x0a]), "old.pth"), /old\.pth: a legacy .*torch < 1\.6/);
    assert.throws(() => parsePth(new Uint8Array([1, 2, 3, 4]), "x.bin"), /x\.bin: not a PyTorch zip checkpoint \(starts with bytes 01 02 03 04/);
    const { zipSync } = require("fflate") as typeof import("fflate");
    const bomb = zipSync({ "archive/data.pkl": new Uint8Array([0x80, 0x02, 0x7d, 0x2e]), "archive/data/0": new Uint8Array(8 << 20) }, { level: 1 });
    assert.throws(() => parsePth(bomb, "bomb.pth"), /bomb\.pth: zip entry archive\/data\/0 claims 8388608 bytes from \d+ compressed; refused/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-pth-"));
    assert.throws(() => readPth(path.join(dir, "none.pth")), /none\.pth: file not found/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** The raw float32 storage behind one tensor, found through the pickle's storage key. */
function readStorageOf(file: string, name: string): Float32Array {
  // The storage keys are assigned in state-dict order by torch.save: find this tensor's index.
  const names = [...readPth(file).tensors.keys()];
  const { unzipSync } = require("fflate") as typeof import("fflate");
  const entries = unzipSync(fs.readFileSync(file));
  const root = Object.keys(entries).find((k) => k.endsWith("/data.pkl"))!.slice(0, -"data.pkl".length);
  const rec = entries[`${root}data/${names.indexOf(name)}`]!;
  return new Float32Array(rec.slice().buffer);
}
