/**
 * How well a basis reproduces the PSFs it was fitted to, computed when the basis is built: per
 * channel the mean and worst relative L2 error of the grid PSFs (||psf - sum_m a_m B_m|| / ||psf||),
 * where the worst one sits, and for PCA the fraction of the centred variance the components capture.
 * A basis whose worst grid PSF is off by more than `maxRelativeError` gets a warning: rendering with
 * it shows the basis' error, not the lens (e.g. a blurred Siemens star brighter in its centre than
 * its white spokes).
 */
import type { NdArray } from "../array";
import { ArgumentError, assertIndex } from "../util/errors";

/** Default limit on the worst grid PSF's relative L2 reconstruction error (10 %). */
export const DEFAULT_MAX_RELATIVE_ERROR = 0.1;

export interface BasisQualityOptions {
  /** Warn when some grid PSF's relative L2 reconstruction error exceeds this (default 0.1). */
  maxRelativeError?: number;
  /**
   * Where the warning goes: a function, or false for none (e.g. a sweep over component counts
   * that plots the errors itself). Default: stderr, as `svd: warning: ...`.
   */
  warn?: false | ((message: string) => void);
}

export interface ChannelQuality {
  channel: number;
  /** Mean over the grid of the relative L2 error (dimensionless, 0 = exact). */
  meanRelativeError: number;
  maxRelativeError: number;
  /** Grid point [iy, ix] of the worst PSF. */
  worst: [number, number];
  /** PCA only: fraction of the centred PSF variance the components capture (0..1). */
  capturedVariance?: number;
}

export interface BasisQuality {
  channels: ChannelQuality[];
  /** The limit the warning used. */
  maxRelativeError: number;
  /** The warning text when some channel's worst PSF exceeds the limit, else null. */
  warning: string | null;
}

/** What the assessment needs of a basis (a PsfBasis has all of it). */
export interface QualityInput {
  method: string;
  channels: number;
  gridRows: number;
  gridCols: number;
  /** (C, nh, nw) relative L2 errors of the grid PSFs. */
  relativeError: Float32Array;
  /** PCA: per channel, the variance ratio of each component. */
  explainedVarianceRatio?: ArrayLike<number>[];
}

/** Summarises a basis' reconstruction errors and builds the warning (does not print it). */
export function assessBasis(b: QualityInput, maxRelativeError = DEFAULT_MAX_RELATIVE_ERROR): BasisQuality {
  if (!(maxRelativeError > 0)) throw new ArgumentError("maxRelativeError", "a positive relative L2 error (e.g. 0.1)", maxRelativeError);
  const N = b.gridRows * b.gridCols;
  if (b.relativeError.length !== b.channels * N)
    throw new ArgumentError("relativeError", `${b.channels * N} values (C=${b.channels} x ${b.gridRows} x ${b.gridCols})`, `${b.relativeError.length} values`);
  const channels: ChannelQuality[] = [];
  for (let c = 0; c < b.channels; c++) {
    let sum = 0;
    let worst = 0;
    for (let g = 0; g < N; g++) {
      const e = b.relativeError[c * N + g] as number;
      sum += e;
      if (e > (b.relativeError[c * N + worst] as number)) worst = g;
    }
    const evr = b.explainedVarianceRatio?.[c];
    let captured: number | undefined;
    if (evr) {
      captured = 0;
      for (let i = 0; i < evr.length; i++) captured += evr[i] as number;
    }
    channels.push({
      channel: c,
      meanRelativeError: N > 0 ? sum / N : 0,
      maxRelativeError: N > 0 ? (b.relativeError[c * N + worst] as number) : 0,
      worst: [Math.floor(worst / b.gridCols), worst % b.gridCols],
      ...(captured === undefined ? {} : { capturedVariance: captured }),
    });
  }
  const poor = channels.filter((q) => q.maxRelativeError > maxRelativeError);
  const warning = poor.length
    ? `${b.method} basis reconstructs its PSFs poorly: ` +
      poor
        .map((q) => {
          const cap = q.capturedVariance === undefined ? "" : `, components capture ${(100 * q.capturedVariance).toFixed(1)}% of the variance`;
          return `channel ${q.channel}: relative L2 error mean ${q.meanRelativeError.toFixed(3)}, max ${q.maxRelativeError.toFixed(3)} at grid (${q.worst[0]}, ${q.worst[1]})${cap}`;
        })
        .join("; ") +
      ` (limit ${maxRelativeError}). Images rendered with it show the basis' error; use more components (PCA), ` +
      `more tiles (sections) or a denser method, and look at the per-position error map (relativeErrorMap).`
    : null;
  return { channels, maxRelativeError, warning };
}

/** Assesses a freshly built basis and emits its warning (stderr by default, see BasisQualityOptions.warn). */
export function assessAndWarn(b: QualityInput, opts: BasisQualityOptions = {}): BasisQuality {
  const q = assessBasis(b, opts.maxRelativeError ?? DEFAULT_MAX_RELATIVE_ERROR);
  if (q.warning && opts.warn !== false) (opts.warn ?? ((m: string) => process.stderr.write(`svd: warning: ${m}\n`)))(q.warning);
  return q;
}

/**
 * The relative L2 error of every grid PSF of channel `c` as an (nh, nw) map (dimensionless): from a
 * freshly built basis (relativeError (C*nh*nw)) or from a basis file (readBasisFile's (C, nh, nw)).
 */
export function relativeErrorMap(b: QualityInput | { relativeError?: NdArray }, c: number): NdArray {
  const re = b.relativeError;
  if (re === undefined) throw new ArgumentError("basis", "a basis with per-position errors (files written by this project's svd basis have basis_relative_error)", "none");
  const [C, nh, nw] = re instanceof Float32Array ? [(b as QualityInput).channels, (b as QualityInput).gridRows, (b as QualityInput).gridCols] : (re.shape as [number, number, number]);
  const data = re instanceof Float32Array ? re : re.data;
  assertIndex("c", c, C, "channel");
  const N = nh * nw;
  return { data: Float32Array.from(data.subarray(c * N, (c + 1) * N)), shape: [nh, nw] };
}
