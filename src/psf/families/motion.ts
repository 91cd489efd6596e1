/**
 * `motion`: random camera-shake kernels (spec §6), the Boracchi & Foi trajectory model as the
 * original's KernelDataset draws it, rendered to a k*k kernel by bilinear sub-pixel splatting.
 * Works (the original v2 returns a tuple its caller cannot use, spec §3.5).
 *
 * Parameters:
 *   max_support   largest trajectory extent in pixels; support ~ U[max/2, max); default k//2
 *   max_length    trajectory length ~ U[0, max_length) (the "intensity"); default 64
 *   max_anxiety   anxiety ~ U[0, max_anxiety): shake probability and random-walk strength; default 0.2
 *   n_steps       trajectory samples; default 2000
 *   fraction      [lo, hi): the exposure window is a random contiguous fraction of the trajectory; default [0.01, 0.05]
 *   per_channel   a different kernel per channel (the original, which calls the generator per channel);
 *                 default false: one kernel per position shared by all channels, as camera shake is
 *   per_position  a new kernel at every grid position (the original); false: one kernel for the whole field
 *   centering     "subpixel": shift so the centroid is exactly at (k//2, k//2) before splatting (no wrap);
 *                 "roll": the original's integer circular roll of the rendered kernel
 * Kernel sums to 1 before the transmission; centre at index (k//2, k//2).
 */
import { array, boolean, integer, number, object, oneOf, optional, withDefault } from "../../config/schema";
import { ConfigError } from "../../util/errors";
import type { Rng } from "../../util/rng";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, type PsfFamily } from "./family";

export interface TrajectoryOptions {
  /** Number of samples N. */
  nSteps: number;
  /** Total path length (pixels before rescaling). */
  maxLength: number;
  anxiety: number;
}

/** Random camera-shake trajectory (N, 2) as interleaved [x0, y0, x1, y1, ...] (spec §6.1). */
export function createTrajectory(rng: Rng, o: TrajectoryOptions): Float64Array {
  const N = o.nSteps;
  const momentum = 0.7 * rng.random();
  const gaussian = 10 * rng.random();
  const freqShakes = 0.2 * rng.random();
  const nf = o.maxLength / (N - 1);
  const alpha = 2 * Math.PI * rng.random();
  let vx = nf * Math.cos(alpha);
  let vy = nf * Math.sin(alpha);
  if (o.anxiety > 0) {
    vx *= o.anxiety;
    vy *= o.anxiety;
  }
  const out = new Float64Array(2 * N);
  let px = 0;
  let py = 0;
  for (let t = 0; t < N - 1; t++) {
    let nx = 0;
    let ny = 0;
    if (rng.random() < freqShakes * o.anxiety) {
      // A shake: turn back roughly opposite to the current velocity (the original's atan2(vx, vy) order kept).
      const r = Math.hypot(vx, vy);
      const beta = Math.atan2(vx, vy);
      const ang = beta + Math.PI + (rng.random() - 0.5);
      nx = 2 * r * Math.cos(ang);
      ny = 2 * r * Math.sin(ang);
    }
    const gx = rng.normal();
    const gy = rng.normal();
    vx += nx + o.anxiety * (gaussian * gx - momentum * px) * nf;
    vy += ny + o.anxiety * (gaussian * gy - momentum * py) * nf;
    const norm = Math.hypot(vx, vy);
    if (norm > 0) {
      vx = (vx * nf) / norm;
      vy = (vy * nf) / norm;
    }
    px += vx;
    py += vy;
    out[2 * (t + 1)] = px;
    out[2 * (t + 1) + 1] = py;
  }
  return out;
}

/**
 * Renders a window of the trajectory into a k*k kernel (spec §6.2): window of L = int(fraction N)
 * samples at a random start, minus its global minimum, scaled so the largest coordinate is
 * `supportPx`; sample (tx, ty) lands at column k//2 + tx s, row k//2 - ty s, splatted bilinearly.
 */
export function renderTrajectory(rng: Rng, traj: Float64Array, k: number, supportPx: number, fraction: number, centering: "subpixel" | "roll"): Float32Array {
  const N = traj.length / 2;
  const L = Math.max(1, Math.floor(fraction * N));
  const start = L < N - 1 ? rng.int(0, N - L - 1) : 0;
  let mn = Infinity;
  let mx = 0;
  for (let i = start; i < start + L; i++) mn = Math.min(mn, traj[2 * i] as number, traj[2 * i + 1] as number);
  for (let i = start; i < start + L; i++) mx = Math.max(mx, Math.abs((traj[2 * i] as number) - mn), Math.abs((traj[2 * i + 1] as number) - mn));
  const scale = mx > 0 ? supportPx / mx : 0;
  const c = Math.floor(k / 2);
  const xs = new Float64Array(L);
  const ys = new Float64Array(L);
  let mxs = 0;
  let mys = 0;
  for (let i = 0; i < L; i++) {
    xs[i] = c + ((traj[2 * (start + i)] as number) - mn) * scale;
    ys[i] = c - ((traj[2 * (start + i) + 1] as number) - mn) * scale;
    mxs += xs[i] as number;
    mys += ys[i] as number;
  }
  mxs /= L;
  mys /= L;
  if (centering === "subpixel")
    // The centroid of a bilinear splat is the mean of the sample positions: move it onto the centre.
    for (let i = 0; i < L; i++) {
      xs[i] = (xs[i] as number) - mxs + c;
      ys[i] = (ys[i] as number) - mys + c;
    }
  const kernel = new Float32Array(k * k);
  for (let i = 0; i < L; i++) splatBilinear(kernel, k, xs[i] as number, ys[i] as number, 1);
  let sum = 0;
  for (let i = 0; i < kernel.length; i++) sum += kernel[i] as number;
  if (sum === 0) {
    kernel[c * k + c] = 1;
    return kernel;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) / sum;
  if (centering === "roll") return rollToCentroid(kernel, k);
  return kernel;
}

/** Adds weight w at sub-pixel (x = column, y = row) to its four neighbours; taps outside are dropped. */
export function splatBilinear(out: Float32Array, k: number, x: number, y: number, w: number): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const add = (r: number, col: number, v: number) => {
    if (r >= 0 && r < k && col >= 0 && col < k && v !== 0) out[r * k + col] = (out[r * k + col] as number) + v;
  };
  add(y0, x0, w * (1 - fx) * (1 - fy));
  add(y0, x0 + 1, w * fx * (1 - fy));
  add(y0 + 1, x0, w * (1 - fx) * fy);
  add(y0 + 1, x0 + 1, w * fx * fy);
}

/** The original's centring: circular roll by (k//2 - int(centroid_row), k//2 - int(centroid_col)). */
function rollToCentroid(kernel: Float32Array, k: number): Float32Array {
  let mr = 0;
  let mc = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      mr += i * (kernel[i * k + j] as number);
      mc += j * (kernel[i * k + j] as number);
    }
  const dr = Math.floor(k / 2) - Math.trunc(mr);
  const dc = Math.floor(k / 2) - Math.trunc(mc);
  const out = new Float32Array(k * k);
  const mod = (a: number) => ((a % k) + k) % k;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[mod(i + dr) * k + mod(j + dc)] = kernel[i * k + j] as number;
  return out;
}

export interface MotionParams {
  maxSupportPx: number;
  maxLength: number;
  maxAnxiety: number;
  nSteps: number;
  fraction: [number, number];
  perChannel: boolean;
  perPosition: boolean;
  centering: "subpixel" | "roll";
}

export class MotionSource implements PsfSource {
  readonly family = "motion";
  readonly metadataKeys = [] as const;
  constructor(
    readonly kernelSize: number,
    readonly params: MotionParams,
  ) {}

  /** One kernel from `rng` (the KernelDataset.sample() distribution, spec §6.3). */
  sample(rng: Rng): Float32Array {
    const P = this.params;
    const length = P.maxLength * rng.random();
    const anxiety = P.maxAnxiety * rng.random();
    const traj = createTrajectory(rng, { nSteps: P.nSteps, maxLength: length, anxiety });
    const support = (P.maxSupportPx / 2) * rng.random() + P.maxSupportPx / 2;
    const fraction = rng.uniform(P.fraction[0], P.fraction[1]);
    return renderTrajectory(rng, traj, this.kernelSize, support, fraction, P.centering);
  }

  psfAt(p: FieldPoint, rng: Rng): PsfSample {
    // The grid hands every channel of a position the same stream; derive the one this kernel uses.
    const label = `${this.params.perPosition ? `${p.iy},${p.ix}` : "field"}${this.params.perChannel ? `:${p.channel}` : ""}`;
    return { kernel: this.sample(rng.fork(`motion:${label}`)), metadata: [] };
  }
}

const schema = object({
  ...commonFields,
  max_support: optional(number({ min: 0 })),
  max_length: withDefault(number({ min: 0 }), 64),
  max_anxiety: withDefault(number({ min: 0 }), 0.2),
  n_steps: withDefault(integer({ min: 2 }), 2000),
  fraction: withDefault(array(number({ min: 0, max: 1 }), { length: 2 }), [0.01, 0.05]),
  per_channel: withDefault(boolean(), false),
  per_position: withDefault(boolean(), true),
  centering: withDefault(oneOf("subpixel", "roll"), "subpixel"),
});

export const motionFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "motion",
  description: "random camera-shake kernels (Boracchi & Foi trajectories) with intensity (length) and anxiety controls",
  schema,
  create(p, ctx) {
    const [lo, hi] = p.fraction as [number, number];
    if (!(lo < hi)) throw new ConfigError(ctx.configFile, `${ctx.keyPath}.fraction`, "[lo, hi] with lo < hi", p.fraction);
    const maxSupport = p.max_support ?? Math.floor(ctx.kernelSize / 2);
    if (maxSupport >= ctx.kernelSize / 2 + 1)
      throw new ConfigError(ctx.configFile, `${ctx.keyPath}.max_support`, `at most k/2 = ${ctx.kernelSize / 2} pixels so kernels fit`, p.max_support);
    return new MotionSource(ctx.kernelSize, {
      maxSupportPx: maxSupport,
      maxLength: p.max_length,
      maxAnxiety: p.max_anxiety,
      nSteps: p.n_steps,
      fraction: [lo, hi],
      perChannel: p.per_channel || ctx.compat === "svd-v2",
      perPosition: p.per_position,
      centering: ctx.compat === "svd-v2" ? "roll" : p.centering,
    });
  },
};
