import { strict as assert } from "assert";
import { LINE_C_UM, LINE_D_UM, LINE_F_UM, abbe, abbeNumber, catalogueValues, getMaterial, listMaterials } from "../../../src/optics/glass";

describe("optics/glass", () => {
  it("every catalogue Sellmeier/Schott entry reproduces its published nd and Vd", () => {
    for (const name of listMaterials()) {
      const { nd, vd } = catalogueValues(name);
      const m = getMaterial(name);
      if (nd === undefined) continue;
      const plastic = ["PMMA", "POLYCARB"].includes(name);
      // Glass data sheets give nd to 5 decimals and Vd to 2; plastics' fits are looser.
      assert.ok(Math.abs(m.index(LINE_D_UM) - nd) < (plastic ? 2e-3 : 2e-5), `${name}: nd ${m.index(LINE_D_UM)} vs ${nd}`);
      if (vd !== undefined && !plastic) assert.ok(Math.abs(abbeNumber(m) - vd) < 0.05, `${name}: Vd ${abbeNumber(m)} vs ${vd}`);
    }
  });
  it("N-BK7 matches Schott's tabulated indices at F and C", () => {
    const m = getMaterial("n-bk7");
    assert.ok(Math.abs(m.index(LINE_F_UM) - 1.52238) < 2e-5);
    assert.ok(Math.abs(m.index(LINE_C_UM) - 1.51432) < 2e-5);
  });
  it("Abbe-number model reproduces nd and Vd exactly and disperses normally", () => {
    const m = abbe(1.7, 30);
    assert.ok(Math.abs(m.index(LINE_D_UM) - 1.7) < 1e-12);
    assert.ok(Math.abs(abbeNumber(m) - 30) < 1e-9);
    assert.ok(m.index(0.45) > m.index(0.65));
    const viaName = getMaterial("1.7/30");
    assert.equal(viaName.index(0.5), m.index(0.5));
  });
  it("resolves DeepLens/Zemax spellings and rejects unknown names clearly", () => {
    assert.equal(getMaterial("bk7").name, "N-BK7");
    assert.equal(getMaterial("NSK16_SCHOTT").name, "N-SK16");
    assert.equal(getMaterial("sk16").name, "N-SK16");
    assert.throws(() => getMaterial("unobtainium"), /unknown material 'unobtainium'.*nd\/Vd/);
  });
});
