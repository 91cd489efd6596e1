/**
 * Metasurface cell libraries: tables of complex transmission t = A e^{i phi} of a unit cell (here a
 * nanocylinder of radius r) per wavelength, the nearest-entry quantisation of a target profile to
 * the library (DFlat's reverse look-up, nearest version), and the response of a quantised layout
 * at any wavelength (linear interpolation in wavelength and radius).
 */
import { readInputText } from "../../util/read-input";
import { InputFileError, ArgumentError } from "../../util/errors";

export interface CellLibrary {
  name: string;
  periodNm: number;
  heightNm: number;
  /** Cell parameter (pillar radius), ascending, nm. */
  radiiNm: number[];
  /** Tabulated wavelengths, ascending, nm. */
  wavelengthsNm: number[];
  /** transmission[w][r]: amplitude; phaseRad[w][r]: phase (continuous in r, not wrapped). */
  transmission: number[][];
  phaseRad: number[][];
  /** How the table was obtained. */
  model: string;
}

function isAscending(a: number[]): boolean {
  for (let i = 1; i < a.length; i++) if (!(a[i]! > a[i - 1]!)) return false;
  return true;
}

export function validateLibrary(lib: CellLibrary, file = "<library>"): CellLibrary {
  const fail = (key: string, expected: string, found: unknown) => {
    throw new InputFileError(file, `key '${key}': expected ${expected}, found ${JSON.stringify(found)?.slice(0, 60)}`);
  };
  for (const key of ["radiiNm", "wavelengthsNm"] as const) {
    const v = lib[key];
    if (!Array.isArray(v) || v.length < 2 || !v.every((x) => typeof x === "number" && x > 0) || !isAscending(v)) fail(key, "an ascending list of >= 2 positive numbers", v);
  }
  for (const key of ["transmission", "phaseRad"] as const) {
    const t = lib[key];
    if (!Array.isArray(t) || t.length !== lib.wavelengthsNm.length) fail(key, `${lib.wavelengthsNm.length} rows (one per wavelength)`, t?.length);
    t.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== lib.radiiNm.length || !row.every((x) => typeof x === "number" && Number.isFinite(x)))
        fail(`${key}[${i}]`, `${lib.radiiNm.length} finite numbers (one per radius)`, row);
    });
  }
  if (!(lib.periodNm > 0)) fail("periodNm", "a positive cell period", lib.periodNm);
  return lib;
}

export function loadCellLibrary(file: string): CellLibrary {
  const text = readInputText(file, "cell library");
  let obj: CellLibrary;
  try {
    obj = JSON.parse(text) as CellLibrary;
  } catch (e) {
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  return validateLibrary(obj, file);
}

/** Index and weight for linear interpolation of `x` in ascending `grid` (clamped at the ends). */
function bracket(grid: number[], x: number): [number, number] {
  if (x <= grid[0]!) return [0, 0];
  const n = grid.length;
  if (x >= grid[n - 1]!) return [n - 2, 1];
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (grid[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return [lo, (x - grid[lo]!) / (grid[lo + 1]! - grid[lo]!)];
}

/** Library rows (amplitude, phase per radius) at `wavelengthNm`, linear in wavelength. */
export function libraryAt(lib: CellLibrary, wavelengthNm: number): { amp: Float64Array; phase: Float64Array } {
  const [i, w] = bracket(lib.wavelengthsNm, wavelengthNm);
  const j = Math.min(i + 1, lib.wavelengthsNm.length - 1);
  const n = lib.radiiNm.length;
  const amp = new Float64Array(n), phase = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    amp[r] = lib.transmission[i]![r]! * (1 - w) + lib.transmission[j]![r]! * w;
    phase[r] = lib.phaseRad[i]![r]! * (1 - w) + lib.phaseRad[j]![r]! * w;
  }
  return { amp, phase };
}

export interface QuantisedLayout {
  /** Library index per lens sample. */
  index: Int32Array;
  /** Radius per lens sample, nm. */
  radiiNm: Float64Array;
  /** Implemented amplitude and phase at the design wavelength. */
  amp: Float64Array;
  phase: Float64Array;
}

/**
 * Nearest-entry reverse look-up: per sample, the library cell whose complex transmission at
 * `wavelengthNm` is closest to the target A e^{i phi} (amplitude 1 when `targetAmp` is omitted).
 */
export function quantiseToLibrary(lib: CellLibrary, targetPhase: Float64Array, wavelengthNm: number, targetAmp?: Float64Array): QuantisedLayout {
  if (targetAmp && targetAmp.length !== targetPhase.length) throw new ArgumentError("targetAmp", `length ${targetPhase.length}`, targetAmp.length);
  const row = libraryAt(lib, wavelengthNm);
  const n = row.amp.length;
  const lr = new Float64Array(n), li = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    lr[r] = row.amp[r]! * Math.cos(row.phase[r]!);
    li[r] = row.amp[r]! * Math.sin(row.phase[r]!);
  }
  const m = targetPhase.length;
  const index = new Int32Array(m), radiiNm = new Float64Array(m), amp = new Float64Array(m), phase = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    const a = targetAmp ? targetAmp[p]! : 1;
    const tr = a * Math.cos(targetPhase[p]!), ti = a * Math.sin(targetPhase[p]!);
    let best = 0, bestD = Infinity;
    for (let r = 0; r < n; r++) {
      const d = (lr[r]! - tr) ** 2 + (li[r]! - ti) ** 2;
      if (d < bestD) {
        bestD = d;
        best = r;
      }
    }
    index[p] = best;
    radiiNm[p] = lib.radiiNm[best]!;
    amp[p] = row.amp[best]!;
    phase[p] = row.phase[best]!;
  }
  return { index, radiiNm, amp, phase };
}

/** Implemented amplitude and phase of a layout (library indices) at any wavelength. */
export function layoutResponse(lib: CellLibrary, index: Int32Array, wavelengthNm: number): { amp: Float64Array; phase: Float64Array } {
  const row = libraryAt(lib, wavelengthNm);
  const amp = new Float64Array(index.length), phase = new Float64Array(index.length);
  for (let p = 0; p < index.length; p++) {
    amp[p] = row.amp[index[p]!]!;
    phase[p] = row.phase[index[p]!]!;
  }
  return { amp, phase };
}

/** Phase coverage (max - min over radii) at a wavelength, radians: < 2 pi means some phases are unreachable. */
export function phaseCoverage(lib: CellLibrary, wavelengthNm: number): number {
  const { phase } = libraryAt(lib, wavelengthNm);
  let lo = Infinity, hi = -Infinity;
  for (const p of phase) {
    lo = Math.min(lo, p);
    hi = Math.max(hi, p);
  }
  return hi - lo;
}
