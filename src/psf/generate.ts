/**
 * Stage 1: walk the field grid, ask the PSF source for every position and channel, normalise,
 * and stream rows into the PSF file (src/psf/file.ts). Memory holds one grid row at a time.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { loadConfig, type ConfigTree, type LoadedConfig } from "../config/load";
import type { AttrValue } from "../io/hdf5";
import { ConfigError, SvdError } from "../util/errors";
import { createProgress } from "../util/progress";
import { Rng, type Seed } from "../util/rng";
import { psfConfigSchema, type PsfConfig } from "./config";
import { createPsfSource } from "./families";
import { PsfFileWriter, type PsfDType } from "./file";
import { FieldGrid, gridImageHomography, gridSizeFromNdata, type GridSampling } from "./grid";
import { Homography, identity3 } from "./homography";
import { normalizeAtPosition } from "./normalize";
import type { PsfSource } from "./source";

export interface GenerateOptions {
  /** Overrides the config's seed. */
  seed?: Seed;
  /** Overrides output.dtype. */
  dtype?: PsfDType;
  /** Resume a compatible partial file (default true). */
  resume?: boolean;
  /** Progress label (default "psf"). */
  label?: string;
}

export interface GenerateResult {
  file: string;
  gridRows: number;
  gridCols: number;
  channels: number;
  kernelSize: number;
  rowsResumed: number;
  seconds: number;
}

/** Loads and validates a stage-1 config from a YAML file or an inline tree. */
export function loadPsfConfig(source: string | { tree: ConfigTree; name: string }, overrides: readonly string[] = []): LoadedConfig<PsfConfig> {
  return loadConfig(source, psfConfigSchema(), overrides);
}

/** Grid shape, homographies and lookup conventions of a config. */
export function fieldGridFor(cfg: LoadedConfig<PsfConfig>, source?: PsfSource): FieldGrid {
  const v = cfg.value;
  const [H, W] = v.sensor.resolution as [number, number];
  const compat = v.compat === "svd-v2";
  let rows: number;
  let cols: number;
  const preferred = source?.preferredGrid;
  if (v.grid.shape) [rows, cols] = v.grid.shape as [number, number];
  else if (v.grid.ndata !== undefined) [rows, cols] = gridSizeFromNdata(v.grid.ndata, H, W);
  else if (preferred) [rows, cols] = [preferred.rows, preferred.cols];
  else throw new ConfigError(cfg.file, "grid", `a mapping with either 'ndata' or 'shape' (family '${v.psf.type}' defines no grid of its own)`, v.grid);
  const sampling: GridSampling = v.grid.sampling ?? (compat ? "top-left" : "centre");
  const usePreferred = preferred && !v.grid.h_img && !v.grid.sampling && rows === preferred.rows && cols === preferred.cols;
  const hImg = v.grid.h_img
    ? Homography.constant(v.grid.h_img.flat())
    : usePreferred
      ? Homography.constant(preferred.hImg)
      : gridImageHomography(H, W, rows, cols, sampling);
  const hObj = Homography.constant(v.grid.h_obj ? v.grid.h_obj.flat() : identity3());
  return new FieldGrid({ heightPx: H, widthPx: W, rows, cols, hImg, hObj, transposedLookup: compat, truncatePositions: compat || (!usePreferred && !v.grid.h_img && sampling === "top-left") });
}

/** Builds the PSF source a config describes. */
export function psfSourceFor(cfg: LoadedConfig<PsfConfig>): Promise<PsfSource> {
  const v = cfg.value;
  return createPsfSource(v.psf, {
    sensor: { heightPx: v.sensor.resolution[0] as number, widthPx: v.sensor.resolution[1] as number, pixelPitchUm: v.sensor.pixel_pitch_um },
    kernelSize: v.kernel_size,
    wavelengthsNm: v.wavelengths_nm,
    compat: v.compat,
    configFile: cfg.file,
    keyPath: "psf",
  });
}

/**
 * Computes one grid row into `psfs` (inc, 1, nw, k*k) and `meta` (inc, 1, D, nw).
 * Each position gets its own random stream (rng.fork("pos:iy,ix")), handed fresh to every channel,
 * so results do not depend on visiting order and rows can be resumed independently.
 */
export function computeRow(
  source: PsfSource,
  grid: FieldGrid,
  wavelengthsNm: readonly number[],
  iy: number,
  rng: Rng,
  normalize: "position" | "channel" | "none",
  psfs: Float32Array,
  meta: Float32Array,
): void {
  const inc = wavelengthsNm.length;
  const nw = grid.cols;
  const kk = source.kernelSize * source.kernelSize;
  const D = 2 + source.metadataKeys.length;
  for (let ix = 0; ix < nw; ix++) {
    const pos = grid.position(iy, ix);
    const posRng = `pos:${iy},${ix}`;
    for (let c = 0; c < inc; c++) {
      const slot = psfs.subarray((c * nw + ix) * kk, (c * nw + ix + 1) * kk);
      const sample = source.psfAt(grid.fieldPoint(pos, c, wavelengthsNm[c] as number), rng.fork(posRng), slot);
      if (sample.kernel.length !== kk) throw new SvdError(`family ${source.family} returned ${sample.kernel.length} values, expected ${kk}`);
      if (sample.kernel !== slot) slot.set(sample.kernel);
      const md = sample.metadata ?? [];
      if (md.length !== D - 2) throw new SvdError(`family ${source.family} returned ${md.length} metadata values, expected ${D - 2}`);
      meta[(c * D + 0) * nw + ix] = pos.yImg;
      meta[(c * D + 1) * nw + ix] = pos.xImg;
      for (let d = 0; d < md.length; d++) meta[(c * D + 2 + d) * nw + ix] = md[d] as number;
    }
    normalizeAtPosition(psfs, inc, 1, nw, kk, ix, normalize);
  }
}

/** Generates the PSF grid of `cfg` into `outFile` (streamed, atomic rename at the end, resumable). */
export async function generatePsfFile(cfg: LoadedConfig<PsfConfig>, outFile: string, opts: GenerateOptions = {}): Promise<GenerateResult> {
  const t0 = Date.now();
  const v = cfg.value;
  const seed = opts.seed ?? v.seed;
  const dtype = opts.dtype ?? v.output.dtype;
  const source = await psfSourceFor(cfg);
  const grid = fieldGridFor(cfg, source);
  const inc = v.wavelengths_nm.length;
  const k = v.kernel_size;
  const [H, W] = v.sensor.resolution as [number, number];
  const metadataKeys = ["y_img", "x_img", ...source.metadataKeys];
  const configJson = JSON.stringify(cfg.tree);
  // The root attributes are the original's CLI arguments (spec §8.1) plus this run's config and seed.
  const attrs: Record<string, AttrValue> = {
    sensor_size: v.sensor.size_mm,
    sensor_res: [H, W],
    max_psf_size: k,
    save_dir: path.dirname(outFile),
    ndata: v.grid.ndata ?? grid.rows * grid.cols,
    wv: v.wavelengths_nm,
    coordinates: "cartesian",
    n_sectors: 50,
    psf_type: v.psf.type,
    grid_size: [grid.rows, grid.cols],
    seed: String(seed),
    svd_config: configJson,
  };
  const fingerprint = createHash("sha256").update(JSON.stringify({ configJson, seed: String(seed), dtype, v: 1 })).digest("hex");
  const writer = await PsfFileWriter.create(
    outFile,
    {
      channels: inc,
      gridRows: grid.rows,
      gridCols: grid.cols,
      kernelSize: k,
      metadataKeys,
      dtype,
      sensor: { heightPx: H, widthPx: W },
      hImg: grid.spec.hImg,
      hObj: grid.spec.hObj,
      homographyStorage: v.output.homography,
      attrs,
      fingerprint,
    },
    { resume: opts.resume },
  );
  const rowsResumed = writer.rowsDone;
  const rng = new Rng(seed);
  const psfs = new Float32Array(inc * grid.cols * k * k);
  const meta = new Float32Array(inc * metadataKeys.length * grid.cols);
  const progress = createProgress(opts.label ?? `psf ${v.psf.type}`, grid.rows, "rows");
  if (rowsResumed > 0) progress.tick(rowsResumed, "resumed");
  try {
    for (let iy = 0; iy < grid.rows; iy++) {
      if (writer.isRowDone(iy)) continue;
      computeRow(source, grid, v.wavelengths_nm, iy, rng, v.grid.normalize, psfs, meta);
      writer.writeRow(iy, psfs, meta);
      progress.tick(1);
    }
    writer.finish();
  } catch (err) {
    writer.abandon();
    throw err;
  } finally {
    progress.done();
  }
  return { file: outFile, gridRows: grid.rows, gridCols: grid.cols, channels: inc, kernelSize: k, rowsResumed, seconds: (Date.now() - t0) / 1000 };
}
