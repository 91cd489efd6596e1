/**
 * Refractive-index models n(lambda). Wavelengths are in micrometres throughout, because every
 * published glass formula (Schott, Sellmeier, Cauchy fits) tabulates its coefficients in um.
 */

/** A material's index as a function of wavelength. */
export interface Material {
  /** Canonical catalogue name (e.g. "N-BK7"), or a description for ad-hoc materials. */
  readonly name: string;
  /** Where the coefficients come from. */
  readonly source: string;
  /** Refractive index at `wavelengthUm` (vacuum wavelength in micrometres). */
  index(wavelengthUm: number): number;
}

/** Fraunhofer lines used by the Abbe number: F (486.13 nm), d (587.56 nm), C (656.27 nm). */
export const LINE_F_UM = 0.4861327;
export const LINE_D_UM = 0.5875618;
export const LINE_C_UM = 0.6562725;

/** Sellmeier (Schott form): n^2 = 1 + sum_i B_i lambda^2 / (lambda^2 - C_i), C_i in um^2. */
export function sellmeier(name: string, b: readonly number[], c: readonly number[], source: string): Material {
  if (b.length !== c.length) throw new RangeError(`sellmeier ${name}: ${b.length} B terms but ${c.length} C terms`);
  return {
    name,
    source,
    index(wavelengthUm: number): number {
      const l2 = wavelengthUm * wavelengthUm;
      let n2 = 1;
      for (let i = 0; i < b.length; i++) n2 += (b[i]! * l2) / (l2 - c[i]!);
      return Math.sqrt(n2);
    },
  };
}

/**
 * The old Schott power-series formula:
 * n^2 = A0 + A1 l^2 + A2 l^-2 + A3 l^-4 + A4 l^-6 + A5 l^-8.
 */
export function schott(name: string, a: readonly number[], source: string): Material {
  if (a.length !== 6) throw new RangeError(`schott ${name}: needs 6 coefficients A0..A5, got ${a.length}`);
  return {
    name,
    source,
    index(wavelengthUm: number): number {
      const l2 = wavelengthUm * wavelengthUm;
      const il2 = 1 / l2;
      const n2 = a[0]! + a[1]! * l2 + il2 * (a[2]! + il2 * (a[3]! + il2 * (a[4]! + il2 * a[5]!)));
      return Math.sqrt(n2);
    },
  };
}

/**
 * A glass known only by its d-line index and Abbe number. The dispersion is modelled by a
 * two-term Cauchy law n = A + B / lambda^2 fitted so that n(d) = nd and n(F) - n(C) = (nd - 1) / Vd,
 * which reproduces both catalogue numbers exactly and is accurate to a few 1e-4 across the visible.
 */
export function abbe(nd: number, vd: number, name = `${nd}/${vd}`): Material {
  if (!(nd >= 1) || !Number.isFinite(nd)) throw new RangeError(`abbe: nd must be >= 1, got ${nd}`);
  if (vd === 0 || !Number.isFinite(vd)) {
    return constantIndex(nd, name);
  }
  const dn = (nd - 1) / vd;
  const b = dn / (1 / (LINE_F_UM * LINE_F_UM) - 1 / (LINE_C_UM * LINE_C_UM));
  const a = nd - b / (LINE_D_UM * LINE_D_UM);
  return {
    name,
    source: `Cauchy law fitted to nd=${nd}, Vd=${vd}`,
    index: (wavelengthUm: number) => a + b / (wavelengthUm * wavelengthUm),
  };
}

/** Cauchy law n = A + B / l^2 + C / l^4 (l in um). */
export function cauchy(name: string, a: number, b: number, c: number, source: string): Material {
  return {
    name,
    source,
    index(wavelengthUm: number): number {
      const il2 = 1 / (wavelengthUm * wavelengthUm);
      return a + il2 * (b + il2 * c);
    },
  };
}

/** A non-dispersive medium (air is taken as n = 1, as DeepLens and Zemax's default do). */
export function constantIndex(n: number, name = `n=${n}`): Material {
  return { name, source: "constant index", index: () => n };
}

/** Abbe number Vd = (nd - 1) / (nF - nC) of any material. */
export function abbeNumber(m: Material): number {
  return (m.index(LINE_D_UM) - 1) / (m.index(LINE_F_UM) - m.index(LINE_C_UM));
}
