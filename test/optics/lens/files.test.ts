import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadLens, paraxial, parseDeepLensJson, parseZemax, readZemax, toDeepLensJson } from "../../../src/optics/lens";

const D = 0.5875618;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "svd-lens-"));

describe("optics/lens: lens files", () => {
  it("reads DeepLens JSON (d positions, roc or c, Aperture as stop, r_sensor fallback)", () => {
    const lens = loadLens("configs/lenses/cooke40-inferior.json");
    assert.equal(lens.surfaces.length, 7);
    assert.equal(lens.stopIndex, 4);
    assert.equal(lens.surfaces[4]!.kind, "aperture");
    assert.equal(lens.surfaces[0]!.materialAfter.name, "N-SK16");
    assert.ok(Math.abs(lens.sensorZMm - 60.295) < 1e-3);
    assert.ok(Math.abs(lens.sensorSizeMm[0] - 25.7033) < 1e-3);
    // Newer DeepLens files give only d_next and informative "(d)"; positions accumulate.
    const newer = parseDeepLensJson(
      JSON.stringify({
        r_sensor: 10,
        surfaces: [
          { type: "Aperture", r: 5, "(d)": 0, mat2: "air", d_next: 2 },
          { type: "Aspheric", r: 6, roc: 30, k: -0.5, ai: [0, 1e-5], mat2: "pmma", d_next: 3 },
          { type: "Spheric", r: 6, roc: -30, mat2: "air", d_next: 25 },
        ],
      }),
      "newer.json",
    );
    assert.deepEqual(newer.surfaces.map((s) => s.zMm), [0, 2, 5]);
    assert.equal(newer.sensorZMm, 30);
    assert.deepEqual(newer.surfaces[1]!.asphere, [0, 1e-5]);
    assert.ok(Math.abs(newer.sensorSizeMm[0] - 10 * Math.SQRT2) < 1e-12);
  });

  it("round-trips through toDeepLensJson", () => {
    const lens = loadLens("configs/lenses/double-gauss-28deg.zmx");
    const p = paraxial(lens, D);
    const json = toDeepLensJson(lens, p.eflMm, p.fNumber);
    const back = parseDeepLensJson(JSON.stringify(json), "roundtrip.json");
    assert.ok(Math.abs(paraxial(back, D).eflMm - p.eflMm) < 1e-9);
    assert.equal(back.stopIndex, lens.stopIndex);
  });

  it("reads Zemax files in UTF-16 (as OpticStudio writes them) and converts units and even-asphere PARM terms", () => {
    const text = fs.readFileSync("configs/lenses/cooke-triplet-f50.zmx", "utf8");
    const f16 = path.join(tmp, "cooke16.zmx");
    fs.writeFileSync(f16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\n/g, "\r\n"), "utf16le")]));
    assert.ok(Math.abs(paraxial(readZemax(f16), D).eflMm - paraxial(loadLens("configs/lenses/cooke-triplet-f50.zmx"), D).eflMm) < 1e-12);
    const cm = parseZemax(
      ["UNIT CM", "ENPD 1", "SURF 0", "DISZ INFINITY", "SURF 1", "STOP", "TYPE EVENASPH", "CURV 0.5", "CONI -1", "PARM 1 0", "PARM 2 0.01", "DISZ 0.5", "GLAS N-BK7", "DIAM 1", "SURF 2", "DISZ 10", "SURF 3"].join("\n"),
      "cm.zmx",
    );
    const s = cm.surfaces[0]!;
    assert.ok(Math.abs(s.curvature - 0.05) < 1e-15); // 0.5 /cm = 0.05 /mm
    assert.ok(Math.abs(s.asphere[1]! - 0.01 / 1000) < 1e-18); // r^4 term: cm^-3 -> mm^-3
    assert.equal(s.conic, -1);
    assert.ok(Math.abs(s.semiDiameterMm - 5) < 1e-12); // the stop follows ENPD 1 cm, as Zemax's system aperture does
    assert.equal(cm.surfaces[1]!.zMm, 5);
    assert.equal(cm.sensorZMm, 105);
  });

  it("bad lens files fail naming file, line/key and what was found", () => {
    const zmx = (body: string[]) => ["ENPD 10", "SURF 0", "DISZ INFINITY", ...body].join("\n");
    assert.throws(() => parseZemax(zmx(["SURF 1", "TYPE TOROIDAL", "SURF 2", "SURF 3"]), "t.zmx"), /t\.zmx: line 5: TYPE: surface type 'TOROIDAL' is not supported/);
    assert.throws(() => parseZemax(zmx(["SURF 1", "GLAS FOOGLASS 0 0", "SURF 2", "SURF 3"]), "g.zmx"), /g\.zmx: line 5: GLAS: unknown glass 'FOOGLASS'/);
    assert.throws(() => parseZemax(zmx(["SURF 1", "DECX 1.0", "SURF 2", "SURF 3"]), "d.zmx"), /d\.zmx: line 5: DECX: keyword not supported/);
    assert.throws(() => parseZemax(zmx(["SURF 1", "CURV abc", "SURF 2", "SURF 3"]), "c.zmx"), /c\.zmx: line 5: CURV: expected a number in field 1, found 'abc'/);
    assert.throws(() => parseZemax(zmx(["SURF 1", "DISZ -5", "SURF 2", "SURF 3"]), "n.zmx"), /n\.zmx: .*negative thickness/);
    assert.throws(() => parseDeepLensJson('{"surfaces": [{"type": "Diffractive_GEO", "r": 1, "mat2": "air"}], "d_sensor": 5, "r_sensor": 1}', "x.json"), /x\.json: surfaces\[0\]\.type: surface type 'Diffractive_GEO' is not supported/);
    assert.throws(() => parseDeepLensJson('{"surfaces": [{"type": "Spheric", "r": 1, "c": 0.1, "mat2": "kryptonite"}], "d_sensor": 5, "r_sensor": 1}', "m.json"), /m\.json: surfaces\[0\]\.mat2: unknown material 'kryptonite'/);
    assert.throws(() => parseDeepLensJson('{"surfaces": [{"type": "Spheric", "r": 1, "c": 0.1, "mat2": "air"}]}', "s.json"), /s\.json: no sensor position/);
    assert.throws(() => parseDeepLensJson("{not json", "j.json"), /j\.json: not valid JSON/);
    assert.throws(() => loadLens("nowhere/lens.json"), /nowhere\/lens\.json: cannot read lens file \(ENOENT\)/);
    assert.throws(() => loadLens("configs/lenses/README.md"), /unsupported lens file type '\.md'/);
  });
});
