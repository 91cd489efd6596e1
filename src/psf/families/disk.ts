/**
 * `disk`: a uniform disk (defocus-like), spec §3.3, made to run (the original's boolean array
 * cannot be multiplied by the transmission).
 *
 * Parameters:
 *   sigma      disk radius in normalised kernel units (1 unit = k/2 px); default 0.1
 *   chromatic  per-channel lateral-offset factor (spec §3.1); default 0
 * Pixels with sqrt(u^2 + v^2) <= sigma are 1, others 0; centre at index (k/2, k/2) minus the offset.
 * No per-family metadata.
 */
import { array, number, object, optional, withDefault } from "../../config/schema";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, perChannel, type PsfFamily } from "./family";
import { chromaticShift, kernelCentre } from "./kernel-grid";

const schema = object({
  ...commonFields,
  sigma: withDefault(number({ min: 0 }), 0.1),
  chromatic: optional(array(number())),
});

export class DiskSource implements PsfSource {
  readonly family = "disk";
  readonly metadataKeys = [] as const;
  constructor(
    readonly kernelSize: number,
    readonly radius: number,
    readonly chromatic: readonly number[],
    /** Kernel index of the axis (see kernelCentre). */
    readonly centre = Math.floor(kernelSize / 2),
  ) {}

  psfAt(p: FieldPoint): PsfSample {
    const k = this.kernelSize;
    const half = k / 2;
    const { offX, offY } = chromaticShift(p.xc, p.yc, p.fieldRadiusPx, k, this.chromatic[p.channel] ?? 0);
    const kernel = new Float32Array(k * k);
    const r2 = this.radius * this.radius;
    for (let i = 0; i < k; i++) {
      const v = (i - this.centre + offY) / half;
      for (let j = 0; j < k; j++) {
        const u = (j - this.centre + offX) / half;
        // Compare squared distances: the same set as sqrt(u^2+v^2) <= sigma without rounding surprises from sqrt.
        if (u * u + v * v <= r2) kernel[i * k + j] = 1;
      }
    }
    return { kernel, metadata: [] };
  }
}

export const diskFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "disk",
  description: "uniform disk of radius sigma (normalised units), chromatic offset and transmission",
  schema,
  create(p, ctx) {
    return new DiskSource(ctx.kernelSize, p.sigma, perChannel(ctx, "chromatic", p.chromatic, 0), kernelCentre(ctx.kernelSize, ctx.compat));
  },
};
