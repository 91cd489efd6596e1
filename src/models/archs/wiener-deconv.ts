/**
 * Learnable Wiener deconvolution (spec training-framework.md §9.6, `type: WienerDeconvolution`):
 * for every PSF n and image channel c,
 *   X = conj(H_n)·Y / (|H_n|² + K_n·noise_weight),  x = Re(IFFT2(X)),  clipped to [−1, 1] (do_clip),
 * with Y the FFT of the image reflect-padded by half the PSF size on each side (do_pad) and the
 * padding cropped afterwards. K_n (`Ks`, one per PSF, init 1) is learnable; with `is_trainable_psf`
 * the PSFs themselves are too (parameter `psfs`, [N, C, k, k], initialised from the config), and
 * `max_trainable: [h, w]` keeps only a centred h×w window of each PSF (the rest is zero and stays
 * zero, as the original's mask does).
 *
 * tfjs has no FFT kernels on wasm/cpu, so the filter is a custom op over typed-array FFTs
 * (src/fft/fft2.ts) with an explicit gradient. With D = FFT2 of the output gradient embedded in the
 * padded P×Q frame, G = conj(H)/(|H|² + λ), λ = K·w, g = 1/(|H|² + λ) and Z = Y·conj(D):
 *   ∂L/∂y = padᵀ Re IFFT2(conj(G)·D),
 *   ∂L/∂K_n = Re Σ_f (−w·conj(H)·g²)·Z / (P·Q),
 *   ∂L/∂h_m = Re FFT2(A + conj(B))_m / (P·Q),  A = −conj(H)²·g²·Z,  B = λ·g²·Z
 * (Wirtinger derivatives of G with respect to H and conj(H); h_m is the PSF value at frame position m).
 *
 * Differences from the original (whose code only runs when the image has the PSF's size, spec §9.6):
 * the PSF is zero-padded to the padded image size with its centre (index k//2) at the origin, so no
 * ifftshift of the result is needed and any image size ≥ the PSF works; a trainable PSF keeps its
 * k×k support (the original's doubles it, so its max_trainable window may reach past the PSF);
 * `return_frequency` is not ported. Input [B,H,W,C] -> output [B,H,W,N·C], channel n·C + c.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { readSafetensors } from "../../io/safetensors";
import { fft2InPlace } from "../../fft";
import { reflectIndex } from "../../util/border";
import type { Tf } from "../layers";
import type { Network } from "../network";
import { ParamStore } from "../params";

type T4 = tfTypes.Tensor4D;

export interface WienerDeconvOptions {
  /** [N][k][k] (the same PSF for every channel), [N][C][k][k], or a .safetensors file holding such a tensor ("psfs" or its only tensor). */
  psfs: unknown;
  noise_weight: number;
  do_pad: boolean;
  do_clip: boolean;
  is_trainable_psf: boolean;
  /** [h, w]: only a centred h×w window of each trainable PSF is kept (null: all of it). */
  max_trainable: number[] | null;
}

export const wienerDeconvDefaults: WienerDeconvOptions = { psfs: null, noise_weight: 0.1, do_pad: true, do_clip: true, is_trainable_psf: false, max_trainable: null };

/** PSFs as [N, Cp, kh, kw] (Cp = 1: shared by every channel). */
export interface PsfStack {
  data: Float64Array;
  n: number;
  channels: number;
  kh: number;
  kw: number;
}

function shapeOf(v: unknown): number[] {
  const shape: number[] = [];
  let cur = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

export function parsePsfs(v: unknown): PsfStack {
  let data: ArrayLike<number>, shape: number[];
  if (typeof v === "string") {
    const tensors = readSafetensors(v).tensors;
    const t = tensors.get("psfs") ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
    if (!t) throw new RangeError(`psfs: ${v} holds no tensor named 'psfs' (found ${[...tensors.keys()].join(", ")})`);
    data = t.data;
    shape = t.shape;
  } else if (Array.isArray(v)) {
    shape = shapeOf(v);
    const flat = (v as unknown[]).flat(shape.length) as unknown[];
    if (!flat.every((x) => typeof x === "number" && Number.isFinite(x)) || flat.length !== shape.reduce((a, b) => a * b, 1)) throw new RangeError("psfs must be a rectangular nested list of finite numbers");
    data = flat as number[];
  } else throw new RangeError("psfs is required: a nested list [N][k][k] or [N][C][k][k], or a .safetensors file");
  if (shape.length !== 3 && shape.length !== 4) throw new RangeError(`psfs must have shape [N,k,k] or [N,C,k,k], found [${shape}]`);
  const [n, channels, kh, kw] = shape.length === 3 ? [shape[0]!, 1, shape[1]!, shape[2]!] : (shape as [number, number, number, number]);
  if (n < 1 || kh < 1 || kw < 1 || channels < 1) throw new RangeError(`psfs must not be empty, found [${shape}]`);
  return { data: Float64Array.from(data), n, channels, kh, kw };
}

/** The PSF geometry a filter bank needs (the values come with each call). */
type PsfShape = Omit<PsfStack, "data">;

/**
 * The Wiener filter bank for one geometry: OTFs per (PSF, channel) for the padded frame P×Q, and the
 * forward/backward passes on float64 planes.
 */
class WienerBank {
  readonly padH: number;
  readonly padW: number;
  readonly P: number;
  readonly Q: number;

  constructor(
    private readonly psf: PsfShape,
    readonly H: number,
    readonly W: number,
    doPad: boolean,
  ) {
    this.padH = doPad ? Math.floor(psf.kh / 2) : 0;
    this.padW = doPad ? Math.floor(psf.kw / 2) : 0;
    if (doPad && (this.padH >= H || this.padW >= W)) throw new RangeError(`reflect padding by ${this.padH}x${this.padW} needs an image larger than that, found ${H}x${W}`);
    this.P = H + 2 * this.padH;
    this.Q = W + 2 * this.padW;
    if (psf.kh > this.P || psf.kw > this.Q) throw new RangeError(`a ${psf.kh}x${psf.kw} PSF does not fit a ${this.P}x${this.Q} frame`);
  }

  /** Frame index (row-major in P×Q) of PSF pixel (i, j): its centre (k//2) at the origin. */
  private framePos(i: number, j: number): number {
    const r = (i - Math.floor(this.psf.kh / 2) + this.P) % this.P, c = (j - Math.floor(this.psf.kw / 2) + this.Q) % this.Q;
    return r * this.Q + c;
  }

  /** OTFs (interleaved complex P×Q) of the PSF values `data` ([N, Cp, kh, kw]), index n·Cp + c. */
  otfs(data: ArrayLike<number>): Float64Array[] {
    const { kh, kw } = this.psf;
    const out: Float64Array[] = [];
    for (let m = 0; m < this.psf.n * this.psf.channels; m++) {
      const a = new Float64Array(2 * this.P * this.Q);
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) a[2 * this.framePos(i, j)] += data[(m * kh + i) * kw + j]!;
      out.push(fft2InPlace(a, this.P, this.Q));
    }
    return out;
  }

  /** ∂L/∂h on the kh×kw support from the accumulated spectrum S = Σ (A + conj(B)) (consumed). */
  psfGradient(S: Float64Array, out: Float32Array, off: number): void {
    fft2InPlace(S, this.P, this.Q);
    const { kh, kw } = this.psf, PQ = this.P * this.Q;
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[off + i * kw + j] = S[2 * this.framePos(i, j)]! / PQ;
  }

  /** Spectrum of the reflect-padded plane y [H,W] (strided read: element (i,j) at y[off + (i*W + j)*stride]). */
  spectrum(y: Float32Array, off: number, stride: number): Float64Array {
    const { P, Q, H, W, padH, padW } = this;
    const a = new Float64Array(2 * P * Q);
    for (let i = 0; i < P; i++) {
      const si = reflectIndex(i - padH, H);
      for (let j = 0; j < Q; j++) a[2 * (i * Q + j)] = y[off + (si * W + reflectIndex(j - padW, W)) * stride]!;
    }
    return fft2InPlace(a, P, Q);
  }

  /** x = crop(Re IFFT(G·Y)) written strided into out; h is the OTF. */
  forward(Y: Float64Array, h: Float64Array, k: number, w: number, out: Float32Array, off: number, stride: number): void {
    const { P, Q, H, W, padH, padW } = this;
    const lam = k * w;
    const X = new Float64Array(2 * P * Q);
    for (let f = 0; f < P * Q; f++) {
      const hr = h[2 * f]!, hi = h[2 * f + 1]!, yr = Y[2 * f]!, yi = Y[2 * f + 1]!;
      const g = 1 / (hr * hr + hi * hi + lam);
      // conj(H)·Y
      X[2 * f] = (hr * yr + hi * yi) * g;
      X[2 * f + 1] = (hr * yi - hi * yr) * g;
    }
    fft2InPlace(X, P, Q, true);
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) out[off + (i * W + j) * stride] = X[2 * ((i + padH) * Q + j + padW)]!;
  }

  /**
   * Backward for one (PSF, channel) pair with OTF h: accumulates padᵀ(Re IFFT(conj(G)·D)) into dy
   * (strided), adds A + conj(B) to `psfSpectrum` when given (the PSF gradient's spectrum), and
   * returns ∂L/∂K.
   */
  backward(Y: Float64Array, h: Float64Array, k: number, w: number, dx: Float32Array, dxOff: number, dxStride: number, dy: Float64Array, dyOff: number, dyStride: number, psfSpectrum: Float64Array | null): number {
    const { P, Q, H, W, padH, padW } = this;
    const lam = k * w;
    const D = new Float64Array(2 * P * Q);
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) D[2 * ((i + padH) * Q + j + padW)] = dx[dxOff + (i * W + j) * dxStride]!;
    fft2InPlace(D, P, Q);
    let dK = 0;
    for (let f = 0; f < P * Q; f++) {
      const hr = h[2 * f]!, hi = h[2 * f + 1]!, dr = D[2 * f]!, di = D[2 * f + 1]!, yr = Y[2 * f]!, yi = Y[2 * f + 1]!;
      const g = 1 / (hr * hr + hi * hi + lam);
      const zr = yr * dr + yi * di, zi = yi * dr - yr * di; // Z = Y·conj(D)
      // ∂G/∂K = −w·conj(H)·g²: Re(conj(H)·Z)
      dK += -w * g * g * (hr * zr + hi * zi);
      if (psfSpectrum) {
        const g2 = g * g, c2r = hr * hr - hi * hi, c2i = -2 * hr * hi; // conj(H)²
        // A = −conj(H)²·g²·Z, conj(B) = λ·g²·conj(Z)
        psfSpectrum[2 * f] += -g2 * (c2r * zr - c2i * zi) + lam * g2 * zr;
        psfSpectrum[2 * f + 1] += -g2 * (c2r * zi + c2i * zr) - lam * g2 * zi;
      }
      // conj(G)·D = H·D·g
      D[2 * f] = (hr * dr - hi * di) * g;
      D[2 * f + 1] = (hr * di + hi * dr) * g;
    }
    fft2InPlace(D, P, Q, true);
    for (let i = 0; i < P; i++) {
      const si = reflectIndex(i - padH, H);
      for (let j = 0; j < Q; j++) dy[dyOff + (si * W + reflectIndex(j - padW, W)) * dyStride] += D[2 * (i * Q + j)]!;
    }
    return dK / (P * Q);
  }
}

/**
 * 1 inside the centred h×w window of a kh×kw PSF, 0 outside (all ones without a window). The window
 * starts k//2 − ⌊(h−1)/2⌋ rows above the centre row, the original's placement for both parities.
 */
export function trainableMask(kh: number, kw: number, window: number[] | null): Float32Array {
  const m = new Float32Array(kh * kw);
  const [h, w] = window ?? [kh, kw];
  const hs = Math.max(0, Math.floor(kh / 2) - Math.floor((h! - 1) / 2)), ws = Math.max(0, Math.floor(kw / 2) - Math.floor((w! - 1) / 2));
  for (let i = hs; i < Math.min(kh, hs + h!); i++) for (let j = ws; j < Math.min(kw, ws + w!); j++) m[i * kw + j] = 1;
  return m;
}

export function createWienerDeconv(tf: Tf, p: ParamStore, o: WienerDeconvOptions): Network {
  const psf = parsePsfs(o.psfs);
  const { n: N, channels: Cp, kh, kw } = psf;
  if (o.max_trainable !== null && (o.max_trainable.length !== 2 || o.max_trainable.some((v) => v < 1)))
    throw new RangeError(`max_trainable must be [h, w] with h, w >= 1, found [${o.max_trainable}]`);
  const Ks = p.add("Ks", [N], { kind: "constant", value: 1 }, "vector");
  const mask = trainableMask(kh, kw, o.is_trainable_psf ? o.max_trainable : null);
  let psfVar: tfTypes.Variable | null = null;
  if (o.is_trainable_psf) {
    psfVar = p.add("psfs", [N, Cp, kh, kw], { kind: "constant", value: 0 }, "same");
    const masked = psf.data.map((v, i) => v * mask[i % (kh * kw)]!);
    const init = tf.tensor4d(Float32Array.from(masked), [N, Cp, kh, kw]);
    psfVar.assign(init);
    init.dispose();
  }
  const banks = new Map<string, { bank: WienerBank; fixedOtfs: Float64Array[] | null }>();
  const bankFor = (H: number, W: number) => {
    const key = `${H}x${W}`;
    let b = banks.get(key);
    if (!b) {
      const bank = new WienerBank(psf, H, W, o.do_pad);
      banks.set(key, (b = { bank, fixedOtfs: psfVar ? null : bank.otfs(psf.data) }));
    }
    return b;
  };

  const deconv = tf.customGrad((...args: Array<tfTypes.Tensor | tfTypes.GradSaveFunc>) => {
    // tfjs appends its save function to the inputs: the PSF tensor is there only when trainable.
    const [y, k, psfT] = args.filter((a) => typeof a !== "function") as [T4, tfTypes.Tensor1D, tfTypes.Tensor4D | undefined];
    const [B, H, W, C] = y.shape;
    if (Cp !== 1 && Cp !== C) throw new RangeError(`the PSFs have ${Cp} channels but the image has ${C}`);
    const { bank, fixedOtfs } = bankFor(H, W);
    // A trainable PSF is masked again here: the optimiser may have moved values outside the window.
    const otfs = fixedOtfs ?? bank.otfs((psfT!.dataSync() as Float32Array).map((v, i) => v * mask[i % (kh * kw)]!));
    const otfOf = (n: number, c: number) => otfs[n * Cp + (Cp === 1 ? 0 : c)]!;
    const yd = y.dataSync() as Float32Array, kd = k.dataSync() as Float32Array;
    const outC = N * C;
    const out = new Float32Array(B * H * W * outC);
    const spectra: Float64Array[] = [];
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) {
        const Y = bank.spectrum(yd, b * H * W * C + c, C);
        spectra.push(Y);
        for (let n = 0; n < N; n++) bank.forward(Y, otfOf(n, c), kd[n]!, o.noise_weight, out, b * H * W * outC + n * C + c, outC);
      }
    const value = tf.tensor4d(out, [B, H, W, outC]);
    const gradFunc = (dx: tfTypes.Tensor) => {
      const dxd = dx.dataSync() as Float32Array;
      const dy = new Float64Array(B * H * W * C);
      const dK = new Float32Array(N);
      const psfSpectra = psfT ? Array.from({ length: N * Cp }, () => new Float64Array(2 * bank.P * bank.Q)) : null;
      for (let b = 0; b < B; b++)
        for (let c = 0; c < C; c++)
          for (let n = 0; n < N; n++) {
            const S = psfSpectra ? psfSpectra[n * Cp + (Cp === 1 ? 0 : c)]! : null;
            dK[n]! += bank.backward(spectra[b * C + c]!, otfOf(n, c), kd[n]!, o.noise_weight, dxd, b * H * W * outC + n * C + c, outC, dy, b * H * W * C + c, C, S);
          }
      const grads = [tf.tensor4d(Float32Array.from(dy), [B, H, W, C]), tf.tensor1d(dK)];
      if (psfSpectra) {
        const dPsf = new Float32Array(N * Cp * kh * kw);
        psfSpectra.forEach((S, m) => bank.psfGradient(S, dPsf, m * kh * kw));
        for (let i = 0; i < dPsf.length; i++) dPsf[i]! *= mask[i % (kh * kw)]!;
        grads.push(tf.tensor4d(dPsf, [N, Cp, kh, kw]));
      }
      return grads;
    };
    return { value, gradFunc };
  });

  const apply = (x: T4): T4 => {
    const y = (psfVar ? deconv(x, Ks, psfVar) : deconv(x, Ks)) as T4;
    return o.do_clip ? tf.clipByValue(y, -1, 1) : y;
  };
  return { params: p, apply, className: "WienerDeconvolution_arch" };
}
