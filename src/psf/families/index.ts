/**
 * The PSF family registry: config `type` name -> family. To add a family, import it and add one
 * `families.register` line below (or call `registerFamily` from outside, e.g. a notebook).
 */
import { Registry } from "../../config/registry";
import { tagged, type Schema } from "../../config/schema";
import type { Rng } from "../../util/rng";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { perChannel, type FamilyContext, type PsfFamily } from "./family";
import { diskFamily } from "./disk";
import { gaussianFamily } from "./gaussian";
import { measuredFamily } from "./measured";
import { motionFamily } from "./motion";
import { psfNWeightFamily } from "./psf-n-weight";
import { zernikeFamily } from "./zernike";
import { lensFamily } from "./lens";
import { metasurfaceFamily } from "./metasurface";

export { type FamilyContext, type PsfFamily, commonFields, perChannel } from "./family";
// What notebooks use of single families: camera-shake trajectories, the Zernike source (its pupil model).
export { createTrajectory, type TrajectoryOptions } from "./motion";
export type { ZernikeSource } from "./zernike";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const families = new Registry<PsfFamily<any>>("PSF family");
for (const f of [gaussianFamily, diskFamily, motionFamily, psfNWeightFamily, measuredFamily, zernikeFamily, lensFamily, metasurfaceFamily]) families.register(f.name, f);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerFamily(family: PsfFamily<any>): void {
  families.register(family.name, family);
}

/** Schema of a family section: chosen by its `type`, over the families registered now. */
export function familySectionSchema(): Schema<{ type: string; chromatic_trans?: number[] }> {
  return tagged("type", Object.fromEntries(families.list().map(([k, f]) => [k, f.schema])) as Record<string, Schema<{ type: string; chromatic_trans?: number[] }>>);
}

/**
 * Builds the PsfSource for a validated section (`section.type` names the family). The per-channel
 * transmission `chromatic_trans` (spec §3.8) is applied here, once, for every family.
 */
export async function createPsfSource(section: { type: string; chromatic_trans?: number[] }, ctx: FamilyContext): Promise<PsfSource> {
  const family = families.get(section.type, { file: ctx.configFile, keyPath: ctx.keyPath ? `${ctx.keyPath}.type` : "type" });
  const source = await family.create(section, ctx);
  if (source.kernelSize !== ctx.kernelSize) throw new Error(`family ${section.type} made kernels of size ${source.kernelSize}, expected ${ctx.kernelSize}`);
  const t = perChannel(ctx, "chromatic_trans", section.chromatic_trans, 1);
  return t.every((v) => v === 1) ? source : withTransmission(source, t);
}

/** Scales each channel's kernel by its transmission t[c]. */
export function withTransmission(source: PsfSource, t: readonly number[]): PsfSource {
  return {
    family: source.family,
    kernelSize: source.kernelSize,
    metadataKeys: source.metadataKeys,
    psfAt(p: FieldPoint, rng: Rng, out?: Float32Array): PsfSample {
      const s = source.psfAt(p, rng, out);
      const f = t[p.channel] ?? 1;
      if (f !== 1) for (let i = 0; i < s.kernel.length; i++) s.kernel[i] = (s.kernel[i] as number) * f;
      return s;
    },
  };
}
