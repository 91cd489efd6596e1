/**
 * What a PSF family contributes: a config schema for its section and a factory that builds a
 * PsfSource from the validated section. The registry (./index.ts) maps config `type` names to these.
 */
import type { Schema } from "../../config/schema";
import { number, array, optional } from "../../config/schema";
import { ConfigError } from "../../util/errors";
import type { PsfSource, SensorSpec } from "../source";

export interface FamilyContext {
  sensor: SensorSpec;
  /** Kernel side k in pixels. */
  kernelSize: number;
  /** Wavelength of each channel (channel i <-> wavelengthsNm[i], spec §2). */
  wavelengthsNm: readonly number[];
  /** `svd-v2` reproduces the original's quirks where a family has any. */
  compat: "none" | "svd-v2";
  /** Config file (relative paths in a section resolve against its folder; errors name it). */
  configFile: string;
  /** Key path of the family section in the config, e.g. "psf". */
  keyPath: string;
}

export interface PsfFamily<P = unknown> {
  /** The config `type` value. */
  readonly name: string;
  /** One line for `svd psf families` and docs. */
  readonly description: string;
  /** Schema of the whole section, including `type` and the common `chromatic_trans`. */
  readonly schema: Schema<P>;
  create(params: P, ctx: FamilyContext): PsfSource | Promise<PsfSource>;
}

/** Keys every family section accepts (spec §3: `chromatic_trans` scales every type at the very end). */
export const commonFields = {
  type: { expected: "a family name", parse: (v: unknown) => String(v) } as Schema<string>,
  /** Per-channel transmission t (list indexed by channel); default 1 for every channel. */
  chromatic_trans: optional(array(number({ min: 0 }))),
};

/** Checks a per-channel list against the channel count; missing lists become `fill`. */
export function perChannel(ctx: FamilyContext, key: string, values: number[] | undefined, fill: number): number[] {
  const n = ctx.wavelengthsNm.length;
  if (values === undefined) return new Array<number>(n).fill(fill);
  if (values.length !== n)
    throw new ConfigError(ctx.configFile, `${ctx.keyPath}.${key}`, `a list with one value per channel (${n} channels, from wavelengths_nm)`, values);
  return values;
}
