/**
 * The glass catalogue: materials by name. Coefficients are the manufacturers' published
 * dispersion data (public facts), written out here with their source:
 * - Schott optical glass data sheets / Schott catalogue (Sellmeier B1..B3, C1..C3 in um^2);
 * - fused silica: I. H. Malitson, "Interspecimen comparison of the refractive index of fused silica",
 *   J. Opt. Soc. Am. 55, 1205 (1965);
 * - PMMA: G. Beadie et al. / refractiveindex.info "Szczurowski" 3-term Sellmeier fit;
 * - polycarbonate: N. Sultanova et al., Acta Physica Polonica A 116, 585 (2009), 1-term Sellmeier;
 * - COC (Zeonex E48R-like) and OKP4 (Osaka Gas Chemicals) plastics: only nd/Vd are published, so the
 *   Abbe-number model is used (see `abbe`).
 * Test `test/optics/lens/glass.test.ts` checks each Sellmeier entry reproduces the catalogue's own
 * nd and Vd, which is what catches a mistyped coefficient.
 *
 * Look-up is case-insensitive and tolerant of DeepLens/Zemax spellings ("n-bk7", "NBK7", "bk7",
 * "N-BK7_SCHOTT"); a name of the form "1.5168/64.17" builds an Abbe-model glass.
 */
import { SvdError } from "../../util/errors";
import { Material, abbe, constantIndex, schott, sellmeier } from "./dispersion";

const SCHOTT = "Schott optical glass catalogue (Sellmeier)";

interface CatalogueEntry {
  material: Material;
  /** Catalogue nd and Vd, used by the tests to validate the coefficients. */
  nd?: number;
  vd?: number;
}

function s(name: string, b: number[], c: number[], nd: number, vd: number, source = SCHOTT): CatalogueEntry {
  return { material: sellmeier(name, b, c, source), nd, vd };
}

const ENTRIES: CatalogueEntry[] = [
  s("N-BK7", [1.03961212, 0.231792344, 1.01046945], [0.00600069867, 0.0200179144, 103.560653], 1.5168, 64.17),
  s("N-SF11", [1.73759695, 0.313747346, 1.89878101], [0.013188707, 0.0623068142, 155.23629], 1.78472, 25.68),
  s("F2", [1.34533359, 0.209073176, 0.937357162], [0.00997743871, 0.0470450767, 111.886764], 1.62004, 36.37),
  s("F5", [1.3104463, 0.19603426, 0.96612977], [0.00958633048, 0.0457627627, 115.011883], 1.60342, 38.03),
  s("N-SK16", [1.34317774, 0.241144399, 0.994317969], [0.00704687339, 0.0229005, 92.7508526], 1.62041, 60.32),
  s("N-SK2", [1.28189012, 0.257738258, 0.96818604], [0.0072719164, 0.0242823527, 110.377773], 1.60738, 56.65),
  s("N-SSK2", [1.4306027, 0.153150554, 1.01390904], [0.00823982975, 0.0333736841, 106.870822], 1.62229, 53.27),
  s("N-SF5", [1.52481889, 0.187085527, 1.42729015], [0.011254756, 0.0588995392, 129.141675], 1.67271, 32.25),
  s("SF5", [1.46141885, 0.247713019, 0.949995832], [0.0111826126, 0.0508594669, 112.041888], 1.6727, 32.21),
  s("SF2", [1.40301821, 0.231767504, 0.939056586], [0.0105795466, 0.0493226978, 112.405955], 1.64769, 33.85),
  s("N-BAF10", [1.5851495, 0.143559385, 1.08521269], [0.00926681282, 0.0424489805, 105.613573], 1.67003, 47.11),
  s("N-BAK4", [1.28834642, 0.132817724, 0.945395373], [0.00779980626, 0.0315631177, 105.965875], 1.56883, 55.98),
  s(
    "FUSED_SILICA",
    [0.6961663, 0.4079426, 0.8974794],
    [0.0684043 ** 2, 0.1162414 ** 2, 9.896161 ** 2],
    1.45846,
    67.82,
    "Malitson, JOSA 55, 1205 (1965)",
  ),
  s(
    "PMMA",
    [0.99654, 0.18964, 0.00411],
    [0.00787, 0.02191, 3.85727],
    1.4905,
    57.1,
    "Szczurowski fit to PMMA data (refractiveindex.info), 3-term Sellmeier",
  ),
  s("POLYCARB", [1.4182], [0.021304], 1.5849, 30.1, "Sultanova et al., Acta Phys. Pol. A 116, 585 (2009)"),
  {
    // The old Schott formula for BK7 (pre-1992 catalogue), kept to exercise that dispersion form.
    material: schott(
      "BK7_SCHOTT_FORMULA",
      [2.2718929, -1.0108077e-2, 1.0592509e-2, 2.0816965e-4, -7.6472538e-6, 4.9240991e-7],
      "Schott catalogue (pre-1992 power-series formula) for BK7",
    ),
    nd: 1.5168,
    vd: 64.17,
  },
  { material: abbe(1.5312, 56.0, "COC"), nd: 1.5312, vd: 56.0 },
  { material: abbe(1.607, 27.0, "OKP4"), nd: 1.607, vd: 27.0 },
  { material: constantIndex(1, "AIR"), nd: 1 },
];

/** Alternative spellings seen in DeepLens JSON and Zemax files, after normalisation. */
const ALIASES: Record<string, string> = {
  BK7: "N-BK7",
  NBK7: "N-BK7",
  SF11: "N-SF11",
  SK16: "N-SK16",
  SK2: "N-SK2",
  SSK2: "N-SSK2",
  BAF10: "N-BAF10",
  BAK4: "N-BAK4",
  SILICA: "FUSED_SILICA",
  FUSEDSILICA: "FUSED_SILICA",
  F_SILICA: "FUSED_SILICA",
  SIO2: "FUSED_SILICA",
  PC: "POLYCARB",
  POLYCARBONATE: "POLYCARB",
  VACUUM: "AIR",
  OKP4HT: "OKP4",
  ZEONEX: "COC",
  E48R: "COC",
};

const BY_NAME = new Map<string, CatalogueEntry>();
for (const e of ENTRIES) BY_NAME.set(e.material.name, e);

function normalise(name: string): string {
  let n = name.trim().toUpperCase().replace(/\s+/g, "");
  n = n.replace(/_(SCHOTT|OHARA|HOYA|CDGM|SUMITA)$/, "");
  return n;
}

function lookUp(name: string): CatalogueEntry | undefined {
  const n = normalise(name);
  const candidates = [n, ALIASES[n], n.replace(/^N-/, ""), "N-" + n, n.replace(/^N(?=[A-Z])/, "N-")];
  for (const c of candidates) {
    if (!c) continue;
    const e = BY_NAME.get(c) ?? (ALIASES[c] ? BY_NAME.get(ALIASES[c]!) : undefined);
    if (e) return e;
  }
  return undefined;
}

/** True when `name` resolves to a catalogue entry or an "nd/Vd" pair. */
export function hasMaterial(name: string): boolean {
  return lookUp(name) !== undefined || /^\s*\d+(\.\d+)?\s*\/\s*\d+(\.\d+)?\s*$/.test(name);
}

/**
 * The material called `name`. Accepts catalogue names (case-insensitive, N- prefix optional),
 * and "nd/Vd" strings (e.g. "1.5168/64.17") for glasses given by index and Abbe number.
 */
export function getMaterial(name: string): Material {
  const e = lookUp(name);
  if (e) return e.material;
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(name);
  if (m) return abbe(Number(m[1]), Number(m[2]));
  throw new SvdError(
    `unknown material '${name}': expected a catalogue glass (${listMaterials().join(", ")}) or an "nd/Vd" pair such as "1.5168/64.17"`,
  );
}

/** Catalogue names. */
export function listMaterials(): string[] {
  return ENTRIES.map((e) => e.material.name);
}

/** Catalogue nd/Vd for a name (for validation and display). */
export function catalogueValues(name: string): { nd?: number; vd?: number } {
  const e = lookUp(name);
  return e ? { nd: e.nd, vd: e.vd } : {};
}
