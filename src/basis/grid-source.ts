/**
 * A PSF grid read in blocks of grid rows, so that bases can be computed from grids far larger than
 * memory (the original's default is 3 x 65,536 PSFs of 128 x 128 = 6.4 GB as float16).
 */
import { ArgumentError, assertIndex } from "../util/errors";
import type { NdArray } from "../array";
import { PsfFile } from "../psf/file";
import { axesFromPositions, cellCentreAxes, type GridAxes } from "./axes";

export interface PsfGridSource {
  channels: number;
  gridRows: number;
  gridCols: number;
  kernelSize: number;
  /** Image size the grid covers (H, W) in pixels. */
  height: number;
  width: number;
  /** Grid rows [r0, r1) of every channel, C order (C, r1 - r0, nw, k, k); output channel 0. */
  readRows(r0: number, r1: number): Float32Array;
  /** Where each grid row/column was sampled (pixels). */
  axes(): GridAxes;
  /** Label for messages (file name or "array"). */
  label: string;
}

/**
 * An in-memory grid: `psfs` of shape (C, nh, nw, k, k) or the file layout (C, 1, nh, nw, k, k).
 * Without `axes` the samples are taken to sit at cell centres of an (height, width) image.
 */
export function gridFromArray(psfs: NdArray, opts: { height: number; width: number; axes?: GridAxes }): PsfGridSource {
  const s = psfs.shape;
  const six = s.length === 6;
  if (!(s.length === 5 || (six && s[1] === 1)) || s[s.length - 1] !== s[s.length - 2])
    throw new ArgumentError("psfs", "shape (C, nh, nw, k, k) or (C, 1, nh, nw, k, k) with square kernels", `shape (${s.join(", ")})`);
  const [C, nh, nw, k] = (six ? [s[0], s[2], s[3], s[4]] : [s[0], s[1], s[2], s[3]]) as [number, number, number, number];
  if (psfs.data.length !== C * nh * nw * k * k) throw new ArgumentError("psfs.data", `${C * nh * nw * k * k} values`, `${psfs.data.length} values`);
  const axes = opts.axes ?? cellCentreAxes(nh, nw, opts.height, opts.width);
  if (axes.rowsPx.length !== nh || axes.colsPx.length !== nw)
    throw new ArgumentError("axes", `${nh} row and ${nw} column positions`, `${axes.rowsPx.length} and ${axes.colsPx.length}`);
  const plane = nh * nw * k * k;
  const rowLen = nw * k * k;
  return {
    channels: C,
    gridRows: nh,
    gridCols: nw,
    kernelSize: k,
    height: opts.height,
    width: opts.width,
    label: "array",
    axes: () => axes,
    readRows(r0, r1) {
      checkRowRange(r0, r1, nh);
      const out = new Float32Array(C * (r1 - r0) * rowLen);
      for (let c = 0; c < C; c++) out.set(psfs.data.subarray(c * plane + r0 * rowLen, c * plane + r1 * rowLen), c * (r1 - r0) * rowLen);
      return out;
    },
  };
}

/**
 * A grid streamed from a PSF file. Image size from `sensor_res` (or H_img); sample positions from
 * psf_metadata's [y_img, x_img] (or H_img applied to the grid indices).
 */
export function gridFromFile(file: PsfFile): PsfGridSource {
  const res = file.sensorRes;
  if (!res) throw new ArgumentError(`${file.path}`, "a PSF file with sensor_res or H_img (image size)", "neither");
  if (file.outChannels !== 1) throw new ArgumentError(`${file.path}: psfs`, "outc = 1 (as every original file)", `outc = ${file.outChannels}`);
  const { channels: C, gridRows: nh, gridCols: nw, kernelSize: k } = file;
  let axes: GridAxes | null = null;
  return {
    channels: C,
    gridRows: nh,
    gridCols: nw,
    kernelSize: k,
    height: res[0],
    width: res[1],
    label: file.path,
    axes() {
      axes ??= axesFromPositions(nh, nw, (iy, ix) => file.position(iy, ix), file.path);
      return axes;
    },
    readRows(r0, r1) {
      checkRowRange(r0, r1, nh);
      // (C, 1, rows, nw, k, k) in C order is the same memory as (C, rows, nw, k, k).
      return file.h5.readSlice("psfs", [[0, C], [0, 1], [r0, r1]]).data;
    },
  };
}

/** Grid rows [r0, r1) must be a non-empty range inside the grid's nh rows. */
function checkRowRange(r0: number, r1: number, nh: number): void {
  assertIndex("r0", r0, nh, "grid row");
  if (!(Number.isInteger(r1) && r1 > r0 && r1 <= nh)) throw new ArgumentError("r1", `an integer in [${r0 + 1}, ${nh}] (end of the row range after r0 = ${r0})`, r1);
}

/** Grid rows per block so that one block of all channels stays near `budgetBytes` of float32. */
export function rowsPerBlock(src: PsfGridSource, budgetBytes = 256 << 20): number {
  const rowBytes = 4 * src.channels * src.gridCols * src.kernelSize * src.kernelSize;
  return Math.max(1, Math.min(src.gridRows, Math.floor(budgetBytes / rowBytes)));
}
