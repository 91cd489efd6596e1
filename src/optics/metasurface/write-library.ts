/**
 * Regenerates configs/metasurface/nanocylinders_tio2_p300_h800_model.json from the cell model:
 *   npx tsx src/optics/metasurface/write-library.ts [out.json]
 */
import { writeFileAtomic } from "../../util/atomic";
import { computeCellLibrary } from "./cell-model";

export function defaultLibrarySpec() {
  const radiiNm: number[] = [];
  for (let r = 25; r <= 135 + 1e-9; r += 2.5) radiiNm.push(Math.round(r * 10) / 10);
  const wavelengthsNm: number[] = [];
  for (let w = 400; w <= 700; w += 10) wavelengthsNm.push(w);
  return { periodNm: 300, heightNm: 800, radiiNm, wavelengthsNm };
}

if (require.main === module) {
  const out = process.argv[2] ?? "configs/metasurface/nanocylinders_tio2_p300_h800_model.json";
  const lib = computeCellLibrary(defaultLibrarySpec());
  const round = (rows: number[][]) => rows.map((r) => r.map((v) => Math.round(v * 1e6) / 1e6));
  const text = JSON.stringify({ ...lib, transmission: round(lib.transmission), phaseRad: round(lib.phaseRad) });
  Promise.resolve(writeFileAtomic(out, text + "\n")).then(() => console.log(`wrote ${out}`));
}
