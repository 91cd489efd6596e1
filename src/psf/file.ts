/**
 * The PSF file (spec §8): the original's HDF5 layout, written by streaming grid rows and read back
 * from either the older (v1: bare `metadata` array, `basis_weights`) or the newer (v2: `metadata.*`
 * datasets + root attributes, `basis_coef`) layout.
 *
 * Layout written (the original's names, shapes and dtypes):
 *   psfs                  (inc, outc, nh, nw, k, k)   float16 (default) or float32, chunked by PSF row blocks
 *   metadata.psf_metadata (inc, outc, D, nh, nw)      [y_img, x_img, family values...]
 *   H_obj, H_img          (H, W, 3, 3) per pixel (default, as the original) or one (3, 3)
 *   root attributes       the original CLI arguments (sensor_size, sensor_res, max_psf_size, ndata, wv, ...)
 *
 * Writing goes to `.<name>.partial` beside the target and is renamed when complete. Completed grid
 * rows are recorded in an attribute after each row is flushed, so a rerun with the same settings
 * (same fingerprint) resumes where an interrupted run stopped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { H5File, type AttrValue, type Range } from "../io/hdf5";
import { InputFileError, SvdError } from "../util/errors";
import type { NdArray } from "../array";
import { Homography } from "./homography";

export type PsfDType = "float16" | "float32";

const FINGERPRINT_ATTR = "_svd_partial_fingerprint";
const ROWS_DONE_ATTR = "_svd_partial_rows_done";

export interface PsfFileSpec {
  /** inc: colour/wavelength channels. */
  channels: number;
  /** outc (1 in every original file). */
  outChannels?: number;
  gridRows: number;
  gridCols: number;
  kernelSize: number;
  /** Names of the D entries of psf_metadata; the first two are y_img, x_img. */
  metadataKeys: readonly string[];
  dtype: PsfDType;
  sensor: { heightPx: number; widthPx: number };
  hImg: Homography;
  hObj: Homography;
  /** "per-pixel" writes (H, W, 3, 3) as the original; "single" writes one (3, 3) when the homography is constant. */
  homographyStorage: "per-pixel" | "single";
  /** Root attributes (the original's CLI arguments and anything else worth keeping). */
  attrs: Record<string, AttrValue>;
  /** Identifies the settings; a partial file with another fingerprint is not resumed. */
  fingerprint: string;
}

/** Streams a PSF grid into the original's layout, one grid row (all channels) at a time. */
export class PsfFileWriter {
  private readonly done: Uint8Array;

  private constructor(
    private h5: H5File,
    readonly finalPath: string,
    readonly partialPath: string,
    readonly spec: PsfFileSpec,
    done: Uint8Array,
  ) {
    this.done = done;
  }

  static partialPathFor(finalPath: string): string {
    return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.partial`);
  }

  /** Opens a new partial file, or resumes a compatible one left by an interrupted run. */
  static async create(finalPath: string, spec: PsfFileSpec, opts: { resume?: boolean } = {}): Promise<PsfFileWriter> {
    fs.mkdirSync(path.dirname(finalPath), { recursive: true });
    const partial = PsfFileWriter.partialPathFor(finalPath);
    const nh = spec.gridRows;
    if (opts.resume !== false && fs.existsSync(partial)) {
      try {
        const h5 = await H5File.open(partial, "a");
        const rows = h5.getAttr(ROWS_DONE_ATTR);
        if (h5.getAttr(FINGERPRINT_ATTR) === spec.fingerprint && Array.isArray(rows) && rows.length === nh)
          return new PsfFileWriter(h5, finalPath, partial, spec, Uint8Array.from(rows as number[]));
        h5.close();
      } catch {
        // An unreadable partial file (killed mid-write) is simply started over.
      }
    }
    fs.rmSync(partial, { force: true });
    const h5 = await H5File.open(partial, "w");
    const { channels: inc, gridCols: nw, kernelSize: k } = spec;
    const outc = spec.outChannels ?? 1;
    // One chunk = up to 8 neighbouring PSFs of one channel: a grid row is written as whole chunks,
    // and a reader fetching one PSF decodes at most 8 (<= 1 MiB as float32 for k = 128).
    h5.createDataset("psfs", [inc, outc, nh, nw, k, k], { dtype: spec.dtype, chunks: [1, 1, 1, Math.min(nw, 8), k, k] });
    h5.createDataset("metadata.psf_metadata", [inc, outc, spec.metadataKeys.length, nh, nw], { dtype: spec.dtype, chunks: [inc, outc, spec.metadataKeys.length, 1, nw] });
    // Homographies are written now, while the file is small: creating a float16 dataset edits the
    // file's bytes (H5File.createDataset), which must not happen once gigabytes of PSFs are in it.
    writeHomographies(h5, spec);
    h5.setAttr(FINGERPRINT_ATTR, spec.fingerprint);
    h5.setAttr(ROWS_DONE_ATTR, new Array<number>(nh).fill(0));
    h5.flush();
    return new PsfFileWriter(h5, finalPath, partial, spec, new Uint8Array(nh));
  }

  /** True when grid row `iy` is already in the (resumed) partial file. */
  isRowDone(iy: number): boolean {
    return this.done[iy] === 1;
  }

  get rowsDone(): number {
    return this.done.reduce((a, b) => a + b, 0);
  }

  /**
   * Writes grid row `iy`: `psfs` in C order (inc, outc, nw, k, k), `metadata` (inc, outc, D, nw).
   * The row is flushed before it is marked done, so a kill never marks a half-written row.
   */
  writeRow(iy: number, psfs: Float32Array, metadata: Float32Array): void {
    const { channels: inc, gridCols: nw, kernelSize: k } = this.spec;
    const outc = this.spec.outChannels ?? 1;
    const D = this.spec.metadataKeys.length;
    const rowRange: Range = [iy, iy + 1];
    this.h5.writeSlice("psfs", [[0, inc], [0, outc], rowRange, [0, nw], [0, k], [0, k]], psfs);
    this.h5.writeSlice("metadata.psf_metadata", [[0, inc], [0, outc], [0, D], rowRange, [0, nw]], metadata);
    this.h5.flush();
    this.done[iy] = 1;
    this.h5.setAttr(ROWS_DONE_ATTR, Array.from(this.done));
    this.h5.flush();
  }

  /** Writes the attributes, closes, and renames the partial file onto the final name. */
  finish(): void {
    const missing = this.spec.gridRows - this.rowsDone;
    if (missing > 0) throw new SvdError(`${this.partialPath}: ${missing} grid rows were never written`);
    this.h5.deleteAttr(FINGERPRINT_ATTR);
    this.h5.deleteAttr(ROWS_DONE_ATTR);
    for (const [key, value] of Object.entries(this.spec.attrs)) this.h5.setAttr(key, value);
    this.h5.setAttr("psf_metadata_keys", [...this.spec.metadataKeys]);
    this.closed = true;
    this.h5.close();
    clearModificationTimes(this.partialPath);
    fs.renameSync(this.partialPath, this.finalPath);
  }

  /** Closes without renaming (the partial file stays for a later resume). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.h5.close();
  }
  private closed = false;
}

function writeHomographies(h5: H5File, spec: PsfFileSpec): void {
  const { heightPx: H, widthPx: W } = spec.sensor;
  for (const [name, hom] of [["H_obj", spec.hObj], ["H_img", spec.hImg]] as const) {
    if (spec.homographyStorage === "single" && hom.isConstant) {
      h5.write(name, hom.data, [3, 3], { dtype: spec.dtype });
      continue;
    }
    // (H, W, 3, 3) written in row blocks so that memory stays small for large sensors.
    h5.createDataset(name, [H, W, 3, 3], { dtype: spec.dtype, chunks: [Math.min(H, 64), W, 3, 3] });
    for (let r0 = 0; r0 < H; r0 += 64) {
      const r1 = Math.min(H, r0 + 64);
      h5.writeSlice(name, [[r0, r1]], hom.expandRows(H, W, r0, r1));
    }
  }
}

/**
 * libhdf5 stamps every object header with its modification time and h5wasm cannot turn that off;
 * zeroing those stamps makes the same inputs give byte-identical files. The v1 "modification time"
 * message is: type 0x0012, size 8, flags, 3 reserved, version 1, 3 reserved, uint32 seconds.
 * Only stamps within a day of now are touched, so PSF data that happens to look alike is left alone.
 */
export function clearModificationTimes(file: string): number {
  const fd = fs.openSync(file, "r+");
  const nowS = Math.floor(Date.now() / 1000);
  const block = 64 << 20;
  const overlap = 16;
  const buf = Buffer.alloc(block + overlap);
  const zero = Buffer.alloc(4);
  let cleared = 0;
  try {
    const size = fs.fstatSync(fd).size;
    for (let pos = 0; pos < size; pos += block) {
      const n = fs.readSync(fd, buf, 0, Math.min(block + overlap, size - pos), pos);
      const view = buf.subarray(0, n);
      for (let at = view.indexOf(MTIME_HEADER); at >= 0 && at < block; at = view.indexOf(MTIME_HEADER, at + 1)) {
        if (at + 16 > n) break;
        if (view[at + 8] !== 1 || view[at + 9] !== 0 || view[at + 10] !== 0 || view[at + 11] !== 0) continue;
        const t = view.readUInt32LE(at + 12);
        if (Math.abs(t - nowS) > 86400) continue;
        fs.writeSync(fd, zero, 0, 4, pos + at + 12);
        cleared++;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return cleared;
}
const MTIME_HEADER = Buffer.from([0x12, 0x00, 0x08, 0x00]);

// ------------------------------------------------------------------------------------------------
// Reading

/**
 * A PSF file opened for reading (either layout). Small API for later stages:
 *   shape accessors: channels, outChannels, gridRows, gridCols, kernelSize, dtype, layout
 *   psf(c, iy, ix, oc = 0)   one k*k kernel (Float32Array, row-major)
 *   psfRow(iy)               (inc, outc, nw, k, k) for one grid row
 *   psfMetadata()            (inc, outc, D, nh, nw) or null; metadataKeys names its D entries
 *   position(iy, ix)         [yImg, xImg] of a grid point (from psf_metadata, else from H_img)
 *   hImg(), hObj()           Homography (constant when the stored array is constant)
 *   get(key)                 a metadata value looked up in root attributes, then metadata.<key> datasets
 *   wavelengthsNm, sensorRes convenience lookups of `wv` and `sensor_res`
 *   hasBasis, basisPsfs(), basisCoef()   stage-2 arrays (basis_coef, or v1's basis_weights)
 */
export class PsfFile {
  readonly layout: "v1" | "v2";
  readonly channels: number;
  readonly outChannels: number;
  readonly gridRows: number;
  readonly gridCols: number;
  readonly kernelSize: number;
  readonly dtype: string;

  private constructor(readonly h5: H5File, readonly path: string) {
    if (!h5.has("psfs")) throw new InputFileError(path, `not a PSF file: no 'psfs' dataset (datasets present: ${h5.datasetNames().join(", ") || "none"})`);
    const info = h5.info("psfs");
    if (info.shape.length !== 6 || info.shape[4] !== info.shape[5])
      throw new InputFileError(path, `dataset 'psfs': expected shape (inc, outc, nh, nw, k, k) with square kernels, found (${info.shape.join(", ")})`);
    [this.channels, this.outChannels, this.gridRows, this.gridCols, this.kernelSize] = info.shape as [number, number, number, number, number];
    this.dtype = info.dtype;
    // v1 (svd): bare `metadata` array and `basis_weights`; v2 (svd_v2): `metadata.*` datasets, `basis_coef`.
    this.layout = h5.has("metadata") || h5.has("basis_weights") ? "v1" : "v2";
  }

  static async open(file: string): Promise<PsfFile> {
    return new PsfFile(await H5File.open(file, "r"), file);
  }

  close(): void {
    this.h5.close();
  }

  /** Every metadata key available: root attributes and `metadata.<key>` datasets (spec §8: keys migrate between the two). */
  keys(): string[] {
    const fromDatasets = this.h5.datasetNames().filter((n) => n.startsWith("metadata.")).map((n) => n.slice("metadata.".length));
    return [...new Set([...this.h5.attrNames().filter((a) => !a.startsWith("_svd_")), ...fromDatasets])];
  }

  /** A metadata value: a root attribute if present, else the `metadata.<key>` dataset (as numbers). */
  get(key: string): unknown {
    const a = this.h5.getAttr(key);
    if (a !== undefined) return a;
    const ds = `metadata.${key}`;
    if (!this.h5.has(ds)) return undefined;
    const info = this.h5.info(ds);
    if (info.dtype === "string" || info.dtype === "other") return this.h5.readNative(ds);
    const arr = this.h5.read(ds);
    return arr.shape.length === 0 ? arr.data[0] : Array.from(arr.data);
  }

  private numbers(key: string): number[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v === "number") return [v];
    if (Array.isArray(v)) return v.map(Number);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, Number);
    return undefined;
  }

  /** Wavelength per channel in nm (`wv`), as stored (532.8 comes back as 533 from float16 datasets). */
  get wavelengthsNm(): number[] | undefined {
    return this.numbers("wv");
  }

  /** Sensor (H, W) in pixels (`sensor_res`), falling back to the H_img array's shape. */
  get sensorRes(): [number, number] | undefined {
    const r = this.numbers("sensor_res");
    if (r && r.length === 2) return [r[0] as number, r[1] as number];
    if (this.h5.has("H_img")) {
      const s = this.h5.info("H_img").shape;
      if (s.length === 4) return [s[0] as number, s[1] as number];
    }
    return undefined;
  }

  /** One kernel (k*k, row-major) of channel `c` at grid row `iy`, column `ix`. */
  psf(c: number, iy: number, ix: number, oc = 0): Float32Array {
    this.checkIndex(c, iy, ix, oc);
    return this.h5.readSlice("psfs", [[c, c + 1], [oc, oc + 1], [iy, iy + 1], [ix, ix + 1]]).data;
  }

  /** One grid row of kernels, C order (inc, outc, nw, k, k). */
  psfRow(iy: number): NdArray {
    this.checkIndex(0, iy, 0, 0);
    const r = this.h5.readSlice("psfs", [[0, this.channels], [0, this.outChannels], [iy, iy + 1]]);
    return { data: r.data, shape: [this.channels, this.outChannels, this.gridCols, this.kernelSize, this.kernelSize] };
  }

  private checkIndex(c: number, iy: number, ix: number, oc: number): void {
    const ok = (v: number, n: number) => Number.isInteger(v) && v >= 0 && v < n;
    if (!ok(c, this.channels) || !ok(oc, this.outChannels) || !ok(iy, this.gridRows) || !ok(ix, this.gridCols))
      throw new SvdError(
        `${this.path}: PSF index (c=${c}, oc=${oc}, iy=${iy}, ix=${ix}) outside (inc=${this.channels}, outc=${this.outChannels}, nh=${this.gridRows}, nw=${this.gridCols})`,
      );
  }

  /** Per-position metadata (inc, outc, D, nh, nw): `metadata.psf_metadata` (v2) or the bare `metadata` array (v1). */
  psfMetadata(): NdArray | null {
    const name = this.h5.has("metadata.psf_metadata") ? "metadata.psf_metadata" : this.h5.has("metadata") ? "metadata" : null;
    if (!name) return null;
    const r = this.h5.read(name);
    return { data: r.data, shape: r.shape };
  }

  /** Names of the D metadata entries when the writer recorded them (this project's files do). */
  get metadataKeys(): string[] | undefined {
    const k = this.h5.getAttr("psf_metadata_keys");
    return Array.isArray(k) ? k.map(String) : undefined;
  }

  private homography(name: string): Homography | null {
    if (!this.h5.has(name)) return null;
    const r = this.h5.read(name);
    if (r.shape.length === 2 && r.shape[0] === 3 && r.shape[1] === 3) return Homography.constant(r.data);
    if (r.shape.length === 4 && r.shape[2] === 3 && r.shape[3] === 3) return Homography.perPixel(r.data, r.shape[0] as number, r.shape[1] as number);
    throw new InputFileError(this.path, `dataset '${name}': expected shape (3, 3) or (H, W, 3, 3), found (${r.shape.join(", ")})`);
  }

  /** Index -> image homography (null when the file has none). */
  hImg(): Homography | null {
    return this.homography("H_img");
  }

  /** Index -> object homography (null when the file has none). */
  hObj(): Homography | null {
    return this.homography("H_obj");
  }

  private positions: NdArray | null | undefined;

  /** [yImg, xImg] of grid point (iy, ix): psf_metadata's first two entries, else H_img applied to (ix, iy). */
  position(iy: number, ix: number): [number, number] {
    this.checkIndex(0, iy, ix, 0);
    if (this.positions === undefined) this.positions = this.psfMetadata();
    const md = this.positions;
    if (md && md.shape.length === 5 && (md.shape[2] as number) >= 2) {
      const plane = this.gridRows * this.gridCols;
      return [md.data[iy * this.gridCols + ix] as number, md.data[plane + iy * this.gridCols + ix] as number];
    }
    const h = this.hImg();
    if (!h) throw new InputFileError(this.path, "no psf_metadata and no H_img: grid positions unknown");
    const [x, y] = h.map(ix, iy);
    return [y, x];
  }

  get hasBasis(): boolean {
    return this.h5.has("basis_psfs") && (this.h5.has("basis_coef") || this.h5.has("basis_weights"));
  }

  /** Basis PSFs (inc, outc, n, k, k). */
  basisPsfs(): NdArray {
    return this.h5.read("basis_psfs");
  }

  /** Basis coefficient maps (inc, outc, n, H, W): `basis_coef`, or `basis_weights` in v1 files. */
  basisCoef(): NdArray {
    return this.h5.read(this.h5.has("basis_coef") ? "basis_coef" : "basis_weights");
  }
}
