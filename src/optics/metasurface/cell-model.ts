/**
 * A simple, documented physical model of a nanocylinder (pillar) metasurface cell, used to build
 * the cell library when no full-wave (RCWA/FDTD) data are at hand:
 *
 * - each pillar (radius r, height H, refractive index n_p) is treated as a short step-index
 *   waveguide in air; its fundamental mode's effective index n_eff(r, lambda) comes from the scalar
 *   LP01 eigenvalue equation  u J1(u) / J0(u) = w K1(w) / K0(w),  u^2 + w^2 = V^2,
 *   V = k r sqrt(n_p^2 - 1),  n_eff^2 = n_p^2 - (u / (k r))^2;
 * - the cell's phase delay relative to an empty cell is 2 pi H (n_eff - 1) / lambda;
 * - its amplitude transmission is that of the two interfaces (substrate -> pillar mode -> air) at
 *   normal incidence, sqrt(T1 T2), T = 4 n1 n2 / (n1 + n2)^2, relative to the empty cell.
 * This "waveguide effective-index" model (as in e.g. Khorasaninejad et al., Science 352, 1190
 * (2016), where the pillars act as truncated waveguides) ignores coupling between neighbouring
 * pillars, Fabry-Perot resonances and the periodic lattice, so it is qualitatively right (phase
 * grows monotonically with r and ~1/lambda, near-unity transmission) but not a substitute for an
 * RCWA library such as DFlat's Nanocylinders_TiO2_U300H600.
 */
import { besselJ0, besselJ1, besselK0, besselK1 } from "../wave/bessel";
import { getMaterial } from "../glass/catalog";
import { cauchy } from "../glass/dispersion";
import type { Material } from "../glass/dispersion";
import type { CellLibrary } from "./library";

/**
 * Amorphous (ALD) TiO2: Cauchy fit n = 2.24 + 0.063 / l^2 (l in um), within ~0.03 of the
 * ellipsometry in Devlin et al., PNAS 113, 10473 (2016) across 450-700 nm (n ~ 2.55 at 450 nm,
 * 2.45 at 550 nm, 2.39 at 650 nm).
 */
export const TIO2_ALD: Material = cauchy("TiO2 (ALD, Cauchy fit)", 2.24, 0.063, 0, "approximate Cauchy fit to Devlin et al., PNAS 113, 10473 (2016)");

/** LP01 normalised transverse wavenumber u for fibre parameter V (bisection on the eigenvalue equation). */
export function lp01U(V: number): number {
  if (!(V > 0)) return 0;
  const f = (u: number) => {
    const w = Math.sqrt(Math.max(V * V - u * u, 1e-300));
    return (u * besselJ1(u)) / besselJ0(u) - (w * besselK1(w)) / besselK0(w);
  };
  let lo = 1e-9, hi = Math.min(V, 2.404825557695773) * (1 - 1e-12);
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > 0) hi = mid;
    else lo = mid;
    if (hi - lo < 1e-13) break;
  }
  return 0.5 * (lo + hi);
}

/** Effective index of a pillar's fundamental mode (scalar LP01 approximation). */
export function pillarEffectiveIndex(radiusNm: number, wavelengthNm: number, nPillar: number, nClad = 1): number {
  const k = (2 * Math.PI) / wavelengthNm;
  const V = k * radiusNm * Math.sqrt(nPillar * nPillar - nClad * nClad);
  const u = lp01U(V);
  const ne2 = nPillar * nPillar - (u / (k * radiusNm)) ** 2;
  return Math.sqrt(Math.max(ne2, nClad * nClad));
}

export interface CellModelSpec {
  periodNm: number;
  heightNm: number;
  radiiNm: number[];
  wavelengthsNm: number[];
  pillar?: Material;
  substrate?: Material;
}

/** Builds a library table (transmission amplitude and phase per wavelength and radius) from the model. */
export function computeCellLibrary(spec: CellModelSpec): CellLibrary {
  const pillar = spec.pillar ?? TIO2_ALD;
  const substrate = spec.substrate ?? getMaterial("FUSED_SILICA");
  const T = (n1: number, n2: number) => (4 * n1 * n2) / (n1 + n2) ** 2;
  const transmission: number[][] = [];
  const phaseRad: number[][] = [];
  for (const wl of spec.wavelengthsNm) {
    const np = pillar.index(wl / 1000);
    const ns = substrate.index(wl / 1000);
    const empty = Math.sqrt(T(ns, 1));
    const tRow: number[] = [], pRow: number[] = [];
    for (const r of spec.radiiNm) {
      const ne = pillarEffectiveIndex(r, wl, np);
      tRow.push(Math.sqrt(T(ns, ne) * T(ne, 1)) / empty);
      pRow.push((2 * Math.PI * spec.heightNm * (ne - 1)) / wl);
    }
    transmission.push(tRow);
    phaseRad.push(pRow);
  }
  return {
    name: `Nanocylinders_TiO2_P${spec.periodNm}H${spec.heightNm}_waveguide_model`,
    periodNm: spec.periodNm,
    heightNm: spec.heightNm,
    radiiNm: [...spec.radiiNm],
    wavelengthsNm: [...spec.wavelengthsNm],
    transmission,
    phaseRad,
    model:
      "scalar LP01 effective-index waveguide model of an isolated TiO2 pillar in air on fused silica " +
      "(src/optics/metasurface/cell-model.ts); phase = 2 pi H (n_eff - 1) / lambda relative to an empty cell, " +
      "amplitude = interface transmission relative to an empty cell; no inter-pillar coupling or resonances",
  };
}
