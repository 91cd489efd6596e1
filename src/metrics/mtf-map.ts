/**
 * MTF over the field from a PSF grid file (the original's `psfs` dataset, shape
 * (inc, outc, nh, nw, k, k), spec psf-simulation.md §8): for every sampled grid point and channel,
 * the tangential / sagittal / radial MTF50 and MTF30 (cycles/pixel, and cycles/mm with a pixel pitch).
 *
 * Field geometry: a grid point's image position comes from the file (psf_metadata y/x, else H_img);
 * files with neither use the centres of an nh x nw tiling of the sensor. Positions are in
 * pixel-centre coordinates (pixel i spans [i - 0.5, i + 0.5], as src/psf/grid.ts writes them), so the
 * optical axis is the sensor centre ((H - 1) / 2, (W - 1) / 2), H x W from `sensor_res` (else the
 * grid's extent).
 */
import { PsfFile } from "../psf/file";
import { createProgress } from "../util/progress";
import { ArgumentError } from "../util/errors";
import { psfMtf, PsfMtf, MtfSummary } from "./psf-mtf";

export interface MtfMapOptions {
  pixelPitchUm?: number;
  /** Take every `stride`-th grid row/column (default: the smallest stride giving at most 32 per axis). */
  stride?: number;
  /** Channels (inc indices) to analyse (default all). */
  channels?: number[];
  /** Output channel index (default 0; every original file has outc = 1). */
  outChannel?: number;
}

export interface MtfMapPoint {
  channel: number;
  /** grid indices */
  iy: number;
  ix: number;
  /** image position, pixels */
  yPx: number;
  xPx: number;
  /** distance from the optical axis, pixels */
  fieldRadiusPx: number;
  tangential: MtfSummary;
  sagittal: MtfSummary;
  radial: MtfSummary;
}

export interface MtfMap {
  file: string;
  channels: number[];
  wavelengthsNm?: number[];
  gridRows: number;
  gridCols: number;
  /** sampled grid rows / columns */
  rows: number[];
  cols: number[];
  kernelSize: number;
  sensorRes: [number, number];
  pixelPitchUm?: number;
  points: MtfMapPoint[];
}

/** Where grid point (iy, ix) sits on the sensor and the sensor size. */
export function gridGeometry(pf: PsfFile): { position: (iy: number, ix: number) => [number, number]; sensorRes: [number, number] } {
  let fromFile = true;
  try {
    pf.position(0, 0);
  } catch {
    fromFile = false;
  }
  const res = pf.sensorRes ?? [pf.gridRows, pf.gridCols];
  const position = fromFile
    ? (iy: number, ix: number) => pf.position(iy, ix)
    : (iy: number, ix: number): [number, number] => [((iy + 0.5) * res[0]) / pf.gridRows - 0.5, ((ix + 0.5) * res[1]) / pf.gridCols - 0.5];
  return { position, sensorRes: res };
}

/** [dy, dx] of a pixel-centre position from the optical axis ((res - 1) / 2): a symmetric grid gives symmetric offsets. */
export function fieldOffset(position: [number, number], sensorRes: [number, number]): [number, number] {
  return [position[0] - (sensorRes[0] - 1) / 2, position[1] - (sensorRes[1] - 1) / 2];
}

/** Full MTF curves of one PSF of an open file. */
export function psfFileMtf(pf: PsfFile, channel: number, iy: number, ix: number, opts: { pixelPitchUm?: number; outChannel?: number } = {}): PsfMtf & { position: [number, number] } {
  const geo = gridGeometry(pf);
  const pos = geo.position(iy, ix);
  const k = pf.kernelSize;
  const r = psfMtf(pf.psf(channel, iy, ix, opts.outChannel ?? 0), k, { fieldOffsetPx: fieldOffset(pos, geo.sensorRes), pixelPitchUm: opts.pixelPitchUm });
  return { ...r, position: pos };
}

export async function mtfMapFromPsfFile(file: string, opts: MtfMapOptions = {}): Promise<MtfMap> {
  const pf = await PsfFile.open(file);
  try {
    const channels = opts.channels ?? Array.from({ length: pf.channels }, (_, i) => i);
    for (const c of channels) {
      if (!(Number.isInteger(c) && c >= 0 && c < pf.channels)) throw new ArgumentError("channels", `indices below ${pf.channels}`, channels);
    }
    const stride = opts.stride ?? Math.max(1, Math.ceil(Math.max(pf.gridRows, pf.gridCols) / 32));
    if (!(Number.isInteger(stride) && stride >= 1)) throw new ArgumentError("stride", "a positive integer", stride);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let i = 0; i < pf.gridRows; i += stride) rows.push(i);
    for (let i = 0; i < pf.gridCols; i += stride) cols.push(i);
    const geo = gridGeometry(pf);
    const k = pf.kernelSize;
    const oc = opts.outChannel ?? 0;
    const points: MtfMapPoint[] = [];
    const progress = createProgress("MTF map", rows.length * cols.length * channels.length, "PSFs");
    for (const iy of rows) {
      const row = pf.psfRow(iy); // (inc, outc, nw, k, k)
      for (const c of channels) {
        for (const ix of cols) {
          const off = ((c * pf.outChannels + oc) * pf.gridCols + ix) * k * k;
          const psf = row.data.subarray(off, off + k * k);
          const pos = geo.position(iy, ix);
          const fo = fieldOffset(pos, geo.sensorRes);
          const r = psfMtf(psf, k, { fieldOffsetPx: fo, pixelPitchUm: opts.pixelPitchUm });
          points.push({
            channel: c,
            iy,
            ix,
            yPx: pos[0],
            xPx: pos[1],
            fieldRadiusPx: Math.hypot(fo[0], fo[1]),
            tangential: r.summary.tangential,
            sagittal: r.summary.sagittal,
            radial: r.summary.radial!,
          });
          progress.tick();
        }
      }
    }
    progress.done();
    return {
      file,
      channels,
      wavelengthsNm: pf.wavelengthsNm,
      gridRows: pf.gridRows,
      gridCols: pf.gridCols,
      rows,
      cols,
      kernelSize: k,
      sensorRes: geo.sensorRes,
      pixelPitchUm: opts.pixelPitchUm,
      points,
    };
  } finally {
    pf.close();
  }
}
