/**
 * Multi-scale SSIM (Wang, Simoncelli & Bovik 2003) with the standard five scale weights
 * (0.0448, 0.2856, 0.3001, 0.2363, 0.1333):
 *   MS-SSIM = prod_{j<M} relu(cs_j)^beta_j * relu(ssim_M)^beta_M
 * where cs_j is the mean contrast-structure term at scale j and ssim_M the mean SSIM at the last
 * scale, each computed with the Gaussian-window SSIM of ./ssim (interior of the map) and averaged
 * over channels before the powers (as torchmetrics' multiscale SSIM with normalize="relu"). Between
 * scales both images are reduced by 2x2 averaging (odd last rows/columns dropped, as
 * avg_pool2d(kernel 2, stride 2)). The clamp at 0 keeps fractional powers of negative values defined.
 */
import { ArgumentError } from "../util/errors";
import type { ImageHWC, NumericArray } from "../array";
import { dataRangeOf, sameDims } from "./image-ops";
import { prepare } from "./pixel";
import { SsimOptions, gaussianTaps, ssimPlanes, channelPlane } from "./ssim";

export const MS_SSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333] as const;

export interface MsSsimOptions extends SsimOptions {
  /** Scale weights (default the 5 standard ones); the number of scales is their count. */
  weights?: readonly number[];
}

export interface MsSsimResult {
  msssim: number;
  /** cs_j for j < M, then ssim_M (channel means), before clamping. */
  perScale: number[];
}

/** 2x2 mean reduction of a plane (floor of odd sizes). */
export function halvePlane(p: Float64Array, h: number, w: number): { data: Float64Array; h: number; w: number } {
  const oh = h >> 1;
  const ow = w >> 1;
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const r0 = 2 * y * w;
    const r1 = r0 + w;
    for (let x = 0; x < ow; x++) {
      out[y * ow + x] = 0.25 * (p[r0 + 2 * x]! + p[r0 + 2 * x + 1]! + p[r1 + 2 * x]! + p[r1 + 2 * x + 1]!);
    }
  }
  return { data: out, h: oh, w: ow };
}

/** Smallest image side that still holds the window at the coarsest scale. */
export function msssimMinSide(scales: number, win: number): number {
  return win * 2 ** (scales - 1);
}

export function msssimDetailed(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: MsSsimOptions = {}): MsSsimResult {
  const weights = opts.weights ?? MS_SSIM_WEIGHTS;
  if (weights.length < 1) throw new ArgumentError("weights", "at least one scale weight", [...weights]);
  const range = dataRangeOf(opts, a);
  if (!(range > 0)) throw new ArgumentError("dataRange", "a positive number", range);
  const taps = gaussianTaps(opts.sigma ?? 1.5, opts.truncate ?? 3.5);
  const c1 = ((opts.k1 ?? 0.01) * range) ** 2;
  const c2 = ((opts.k2 ?? 0.03) * range) ** 2;
  const p = prepare(a, b, opts);
  const { h, w, c } = sameDims(p.a, p.b);
  const minSide = msssimMinSide(weights.length, taps.length);
  if (Math.min(h, w) < minSide) {
    throw new ArgumentError(
      "image size",
      `both sides >= ${minSide} for ${weights.length}-scale MS-SSIM with a ${taps.length}-pixel window`,
      `${h}x${w}`,
    );
  }
  const scales = weights.length;
  const sums = new Array<number>(scales).fill(0);
  for (let ch = 0; ch < c; ch++) {
    let px = channelPlane(p.a, ch);
    let py = channelPlane(p.b, ch);
    let ph = h;
    let pw = w;
    for (let s = 0; s < scales; s++) {
      const r = ssimPlanes(px, py, ph, pw, taps, c1, c2);
      sums[s]! += s === scales - 1 ? r.ssim : r.cs;
      if (s < scales - 1) {
        const hx = halvePlane(px, ph, pw);
        py = halvePlane(py, ph, pw).data;
        px = hx.data;
        ph = hx.h;
        pw = hx.w;
      }
    }
  }
  const perScale = sums.map((v) => v / c);
  let m = 1;
  for (let s = 0; s < scales; s++) m *= Math.max(perScale[s]!, 0) ** weights[s]!;
  return { msssim: m, perScale };
}

export function msssim(a: ImageHWC<NumericArray>, b: ImageHWC<NumericArray>, opts: MsSsimOptions = {}): number {
  return msssimDetailed(a, b, opts).msssim;
}
