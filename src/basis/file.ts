/**
 * PSFs_with_basis.h5 (spec psf-simulation §8.2): the source PSF file's contents (psfs, metadata.*,
 * H_obj, H_img, root attributes) plus
 *   basis_psfs  (C, 1, m, k, k)   kernels, PCA mean last
 *   basis_coef  (C, 1, m, H, W)   full-resolution coefficient maps (PCA mean map = 1)
 * float16 by default as the original (float32 on request). Extra datasets this project adds, which
 * readers of the original layout ignore: basis_grid_coef (C, 1, m, nh, nw), basis_relative_error
 * (C, 1, nh, nw) and, for PCA, basis_explained_variance_ratio (C, 1, n); attributes basis_method,
 * basis_coef_interpolation. Large arrays are streamed (one grid row / one coefficient plane at a time)
 * and the file appears under its name only when complete.
 */
import { H5File, type AttrValue } from "../io/hdf5";
import type { PsfFile } from "../psf/file";
import { withAtomicOutput } from "../util/atomic";
import { InputFileError } from "../util/errors";
import type { NdArray } from "../array";
import { createProgress, silentProgress } from "../util/progress";
import type { GridAxes } from "./axes";
import type { CoefInterpolation, PsfBasis } from "./basis";
import { assessBasis, type BasisQuality } from "./quality";

/** What every PSFs_with_basis.h5 holds: the kernels and their full-resolution coefficient maps. */
export interface BasisLayout {
  channels: number;
  /** m basis kernels */
  count: number;
  kernelSize: number;
  /** Image size the coefficient maps cover (pixels). */
  height: number;
  width: number;
  /** Kernels (C, m, k, k). */
  psfs: Float32Array;
  /** Coefficient map (H, W) of channel c, kernel j. */
  coefPlane(c: number, j: number): Float32Array;
  /** Recorded as the basis_method attribute. */
  method: string;
}

export interface WriteBasisLayoutOptions {
  dtype: "float16" | "float32";
  /** Source PSF file whose datasets and attributes are copied first (the original's layout). */
  source?: PsfFile;
  /** Writes this project's extra datasets and attributes into the open file. */
  extras?: (out: H5File) => void;
  /** Report basis_coef maps as they are written (default true; small demo files say nothing). */
  progress?: boolean;
}

/**
 * The one writer of the basis-file layout: optional source copy, basis_psfs (C,1,m,k,k),
 * basis_coef (C,1,m,H,W) streamed one plane at a time, extras, basis_method, and sensor_res when
 * no source PSFs record the image size. The file appears under its name only when complete.
 */
export async function writeBasisLayout(outPath: string, b: BasisLayout, opts: WriteBasisLayoutOptions): Promise<void> {
  const { channels: C, count: m, kernelSize: k, height: H, width: W } = b;
  const { dtype } = opts;
  await withAtomicOutput(outPath, async (tmp) => {
    const out = await H5File.open(tmp, "w");
    try {
      if (opts.source) copyPsfFile(opts.source, out);
      out.write("basis_psfs", b.psfs, [C, 1, m, k, k], { dtype });
      out.createDataset("basis_coef", [C, 1, m, H, W], { dtype, chunks: [1, 1, 1, Math.min(H, 256), Math.min(W, 256)] });
      const progress = opts.progress === false ? silentProgress("basis_coef", C * m, "maps") : createProgress("basis_coef", C * m, "maps");
      for (let c = 0; c < C; c++)
        for (let j = 0; j < m; j++) {
          out.writeSlice("basis_coef", [[c, c + 1], [0, 1], [j, j + 1]], b.coefPlane(c, j));
          progress.tick();
        }
      progress.done();
      opts.extras?.(out);
      out.setAttr("basis_method", b.method);
      if (!out.has("psfs")) out.setAttr("sensor_res", [H, W]);
    } finally {
      out.close();
    }
  });
}

export interface WriteBasisOptions {
  dtype?: "float16" | "float32";
  interpolation?: CoefInterpolation;
  /** Source PSF file whose datasets and attributes are copied (the original's layout). */
  source?: PsfFile;
}

/** A fitted basis in the basis-file layout, with its grid coefficients, errors and sample positions. */
export async function writeBasisFile(outPath: string, basis: PsfBasis, opts: WriteBasisOptions = {}): Promise<void> {
  const interpolation = opts.interpolation ?? "positions";
  const { channels: C, count: m, height: H, width: W, gridRows: nh, gridCols: nw } = basis;
  const layout: BasisLayout = { channels: C, count: m, kernelSize: basis.kernelSize, height: H, width: W, psfs: basis.psfs.data, method: basis.method, coefPlane: (c, j) => basis.coefPlane(c, j, interpolation) };
  await writeBasisLayout(outPath, layout, {
    dtype: opts.dtype ?? "float16",
    source: opts.source,
    extras: (out) => {
      out.write("basis_grid_coef", basis.gridCoef, [C, 1, m, nh, nw], { dtype: "float32" });
      if (basis.relativeError.length === C * nh * nw) out.write("basis_relative_error", basis.relativeError, [C, 1, nh, nw], { dtype: "float32" });
      if (basis.explainedVarianceRatio) {
        const n = basis.explainedVarianceRatio[0]?.length ?? 0;
        const evr = new Float32Array(C * n);
        basis.explainedVarianceRatio.forEach((r, c) => evr.set(r, c * n));
        if (n > 0) out.write("basis_explained_variance_ratio", evr, [C, 1, n], { dtype: "float32" });
      }
      out.setAttr("basis_coef_interpolation", interpolation);
      out.setAttr("basis_grid_rows_px", Array.from(basis.axes.rowsPx));
      out.setAttr("basis_grid_cols_px", Array.from(basis.axes.colsPx));
    },
  });
}

/** Copies psfs (streamed by grid row), metadata.* / metadata, H_obj, H_img and root attributes. */
function copyPsfFile(src: PsfFile, out: H5File): void {
  const h5 = src.h5;
  const info = h5.info("psfs");
  const [C, oc, nh, nw, k] = info.shape as [number, number, number, number, number];
  const dtype = info.dtype === "float32" ? "float32" : "float16";
  out.createDataset("psfs", info.shape, { dtype, chunks: [1, 1, 1, Math.min(nw, 8), k, k] });
  const progress = createProgress("copy psfs", nh, "grid rows");
  for (let r = 0; r < nh; r++) {
    out.writeSlice("psfs", [[0, C], [0, oc], [r, r + 1]], h5.readSlice("psfs", [[0, C], [0, oc], [r, r + 1]]).data);
    progress.tick();
  }
  progress.done();
  for (const name of h5.datasetNames()) {
    if (name === "psfs" || name.startsWith("basis_")) continue;
    const di = h5.info(name);
    if (di.dtype === "string" || di.dtype === "other") continue;
    const big = di.shape.length === 4 && di.shape[2] === 3 && di.shape[3] === 3;
    const dt = di.dtype === "float32" || di.dtype === "float64" ? "float32" : "float16";
    if (big) {
      // (H, W, 3, 3) homographies: stream in row blocks.
      out.createDataset(name, di.shape, { dtype: dt, chunks: [Math.min(di.shape[0] as number, 64), di.shape[1] as number, 3, 3] });
      for (let r0 = 0; r0 < (di.shape[0] as number); r0 += 64) {
        const r1 = Math.min(di.shape[0] as number, r0 + 64);
        out.writeSlice(name, [[r0, r1]], h5.readSlice(name, [[r0, r1]]).data);
      }
    } else {
      const arr = h5.read(name);
      out.write(name, arr.data, arr.shape, { dtype: dt });
    }
  }
  for (const a of h5.attrNames()) {
    if (a.startsWith("_svd_")) continue;
    const v = h5.getAttr(a);
    if (v !== undefined && v !== null) out.setAttr(a, v as AttrValue);
  }
}

/** A basis read back from a PSFs_with_basis.h5 file, in the renderer's layout. */
export interface BasisArrays {
  /** (C, m, k, k) */
  psfs: NdArray;
  /** (C, m, H, W) */
  coef: NdArray;
  /** Sample positions when the file records them (this project's files). */
  axes?: GridAxes;
  /** Relative L2 error of each grid PSF (C, nh, nw) when the file records it (this project's files). */
  relativeError?: NdArray;
  /** The basis' reconstruction quality (errors, captured variance, warning text) from relativeError. */
  quality?: BasisQuality;
}

/** Reads basis_psfs and basis_coef (or v1's basis_weights) from a basis file; outc must be 1. */
export async function readBasisFile(file: string): Promise<BasisArrays> {
  const h5 = await H5File.open(file, "r");
  try {
    if (!h5.has("basis_psfs")) throw new InputFileError(file, `no 'basis_psfs' dataset (datasets present: ${h5.datasetNames().join(", ")}); run 'svd basis' first`);
    const coefName = h5.has("basis_coef") ? "basis_coef" : h5.has("basis_weights") ? "basis_weights" : null;
    if (!coefName) throw new InputFileError(file, "no 'basis_coef' (or v1 'basis_weights') dataset");
    const bp = h5.read("basis_psfs");
    const bc = h5.read(coefName);
    if (bp.shape.length !== 5 || bp.shape[1] !== 1 || bp.shape[3] !== bp.shape[4])
      throw new InputFileError(file, `'basis_psfs': expected shape (C, 1, m, k, k), found (${bp.shape.join(", ")})`);
    if (bc.shape.length !== 5 || bc.shape[1] !== 1 || bc.shape[0] !== bp.shape[0] || bc.shape[2] !== bp.shape[2])
      throw new InputFileError(file, `'${coefName}': expected shape (${bp.shape[0]}, 1, ${bp.shape[2]}, H, W) to match basis_psfs, found (${bc.shape.join(", ")})`);
    const [C, , m, k] = bp.shape as [number, number, number, number];
    const [, , , H, W] = bc.shape as [number, number, number, number, number];
    const rows = h5.getAttr("basis_grid_rows_px");
    const cols = h5.getAttr("basis_grid_cols_px");
    const axes = Array.isArray(rows) && Array.isArray(cols) ? { rowsPx: Float64Array.from(rows as number[]), colsPx: Float64Array.from(cols as number[]) } : undefined;
    const quality = h5.has("basis_relative_error") ? readQuality(h5, file) : undefined;
    return { psfs: { data: bp.data, shape: [C, m, k, k] }, coef: { data: bc.data, shape: [C, m, H, W] }, axes, ...quality };
  } finally {
    h5.close();
  }
}


/** basis_relative_error (C, 1, nh, nw) and, for PCA, basis_explained_variance_ratio (C, 1, n), assessed. */
function readQuality(h5: H5File, file: string): { relativeError: NdArray; quality: BasisQuality } {
  const re = h5.read("basis_relative_error");
  if (re.shape.length !== 4 || re.shape[1] !== 1) throw new InputFileError(file, `'basis_relative_error': expected shape (C, 1, nh, nw), found (${re.shape.join(", ")})`);
  const [C, , nh, nw] = re.shape as [number, number, number, number];
  let explainedVarianceRatio: Float32Array[] | undefined;
  if (h5.has("basis_explained_variance_ratio")) {
    const ev = h5.read("basis_explained_variance_ratio");
    const n = ev.shape[2] as number;
    explainedVarianceRatio = Array.from({ length: C }, (_, c) => Float32Array.from(ev.data.subarray(c * n, (c + 1) * n)));
  }
  const method = h5.getAttr("basis_method");
  const relativeError = Float32Array.from(re.data);
  const quality = assessBasis({ method: typeof method === "string" ? method : "basis", channels: C, gridRows: nh, gridCols: nw, relativeError, explainedVarianceRatio });
  return { relativeError: { data: relativeError, shape: [C, nh, nw] }, quality };
}
