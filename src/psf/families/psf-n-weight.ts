/**
 * `psf_n_weight`: the PSF at a position rebuilt from basis PSFs and coefficient maps (spec §3.4, §5):
 *   psf_c(row, col) = sum_n basis_psfs[c, 0, n] * basis_coef[c, 0, n, row, col]
 *
 * Parameters:
 *   file      an HDF5 file with `basis_psfs` (inc, outc, n, hp, wp) and `basis_coef` (inc, outc, n, Hc, Wc)
 *             (`basis_weights` in older files), e.g. a stage-2 output; relative to the config file
 * Clean lookup: row = y_img, col = x_img, scaled when the maps are not sensor-sized, clamped to the
 * map. Under compat svd-v2 the original's lookup is kept: coef[..., int(xc), int(yc)] with Python's
 * negative-index wrap. Kernels larger or smaller than k are centre-cropped or zero-padded to k.
 * Metadata per position: [coef_row, coef_col].
 */
import * as path from "node:path";
import { object, string } from "../../config/schema";
import type { NdArray } from "../../array";
import { H5File } from "../../io/hdf5";
import { ConfigError } from "../../util/errors";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, type FamilyContext, type PsfFamily } from "./family";

export class WeightedBasisSource implements PsfSource {
  readonly family = "psf_n_weight";
  readonly metadataKeys = ["coef_row", "coef_col"] as const;
  private cacheKey = "";
  private cacheRow: Float32Array = new Float32Array(0);

  /**
   * basis: (inc, outc, n, hp, wp); coefficient rows are read on demand through `readCoefRow(c, row)`
   * which returns (n, Wc) so that sensor-sized maps never sit whole in memory.
   */
  constructor(
    readonly kernelSize: number,
    readonly basis: NdArray,
    readonly coefShape: number[],
    private readonly readCoefRow: (c: number, row: number) => Float32Array,
    readonly sensor: { heightPx: number; widthPx: number },
    readonly compat: boolean,
  ) {}

  private coefIndex(p: FieldPoint): [number, number] {
    const Hc = this.coefShape[3] as number;
    const Wc = this.coefShape[4] as number;
    if (this.compat) {
      const wrap = (i: number, n: number) => (i < 0 ? i + n : i);
      return [wrap(Math.trunc(p.xc), Hc), wrap(Math.trunc(p.yc), Wc)];
    }
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    return [clamp(Math.round((p.yImg * Hc) / this.sensor.heightPx), Hc), clamp(Math.round((p.xImg * Wc) / this.sensor.widthPx), Wc)];
  }

  psfAt(p: FieldPoint): PsfSample {
    const [, , n, hp, wp] = this.basis.shape as [number, number, number, number, number];
    const [row, col] = this.coefIndex(p);
    const key = `${p.channel}:${row}`;
    if (key !== this.cacheKey) {
      this.cacheRow = this.readCoefRow(p.channel, row);
      this.cacheKey = key;
    }
    const Wc = this.coefShape[4] as number;
    const k = this.kernelSize;
    const kernel = new Float32Array(k * k);
    // Centre-crop or zero-pad (hp, wp) onto (k, k), keeping index hp//2 on k//2.
    const dy = Math.floor(k / 2) - Math.floor(hp / 2);
    const dx = Math.floor(k / 2) - Math.floor(wp / 2);
    const plane = hp * wp;
    for (let b = 0; b < n; b++) {
      const w = this.cacheRow[b * Wc + col] as number;
      if (w === 0) continue;
      const base = (p.channel * (this.basis.shape[1] as number) * n + b) * plane;
      for (let i = 0; i < hp; i++) {
        const oi = i + dy;
        if (oi < 0 || oi >= k) continue;
        for (let j = 0; j < wp; j++) {
          const oj = j + dx;
          if (oj < 0 || oj >= k) continue;
          kernel[oi * k + oj] = (kernel[oi * k + oj] as number) + w * (this.basis.data[base + i * wp + j] as number);
        }
      }
    }
    return { kernel, metadata: [row, col] };
  }
}

const schema = object({ ...commonFields, file: string() });

export const psfNWeightFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "psf_n_weight",
  description: "PSF at a position = sum of basis PSFs weighted by coefficient maps read from an HDF5 file",
  schema,
  async create(p, ctx: FamilyContext) {
    const file = path.resolve(path.dirname(ctx.configFile), p.file);
    const h5 = await H5File.open(file, "r");
    const coefName = h5.has("basis_coef") ? "basis_coef" : h5.has("basis_weights") ? "basis_weights" : null;
    if (!h5.has("basis_psfs") || !coefName)
      throw new ConfigError(ctx.configFile, `${ctx.keyPath}.file`, "an HDF5 file with basis_psfs and basis_coef (or basis_weights)", p.file, `datasets present: ${h5.datasetNames().join(", ")}`);
    const basis = h5.read("basis_psfs");
    const coefShape = h5.info(coefName).shape;
    const inc = ctx.wavelengthsNm.length;
    if (basis.shape.length !== 5 || coefShape.length !== 5 || basis.shape[0] !== inc || coefShape[0] !== inc || basis.shape[2] !== coefShape[2])
      throw new ConfigError(
        ctx.configFile,
        `${ctx.keyPath}.file`,
        `basis_psfs (${inc}, outc, n, hp, wp) and ${coefName} (${inc}, outc, n, Hc, Wc) with the same n (${inc} channels from wavelengths_nm)`,
        p.file,
        `found basis_psfs (${basis.shape.join(", ")}), ${coefName} (${coefShape.join(", ")})`,
      );
    const readRow = (c: number, row: number) => h5.readSlice(coefName, [[c, c + 1], [0, 1], [0, coefShape[2] as number], [row, row + 1]]).data;
    return new WeightedBasisSource(ctx.kernelSize, basis, coefShape, readRow, ctx.sensor, ctx.compat === "svd-v2");
  },
};
