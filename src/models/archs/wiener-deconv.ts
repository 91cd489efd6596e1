/**
 * Learnable Wiener deconvolution (spec training-framework.md §9.6, `type: WienerDeconvolution`):
 * for every PSF n and image channel c,
 *   X = conj(H_n)·Y / (|H_n|² + K_n·noise_weight),  x = Re(IFFT2(X)),  clipped to [−1, 1] (do_clip),
 * with Y the FFT of the image reflect-padded by half the PSF size on each side (do_pad) and the
 * padding cropped afterwards. K_n (`Ks`, one per PSF, init 1) is learnable.
 *
 * tfjs has no FFT kernels on wasm/cpu, so the filter is a custom op over typed-array FFTs
 * (src/fft/fft2.ts) with an explicit gradient:
 *   ∂L/∂y = padᵀ Re IFFT2(conj(G)·D),  ∂L/∂K_n = Re Σ_f ∂G_f/∂K_n · Y_f · conj(D_f) / (P·Q),
 * where D = FFT2 of the output gradient embedded in the padded frame, G = conj(H)/(|H|² + K·w) and
 * ∂G/∂K = −w·conj(H)/(|H|² + K·w)².
 *
 * Differences from the original (whose code only runs when the image has the PSF's size, spec §9.6):
 * the PSF is zero-padded to the padded image size with its centre (index k//2) at the origin, so no
 * ifftshift of the result is needed and any image size ≥ the PSF works; `is_trainable_psf` and
 * `return_frequency` are not ported. Input [B,H,W,C] -> output [B,H,W,N·C], channel n·C + c.
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
}

export const wienerDeconvDefaults: WienerDeconvOptions = { psfs: null, noise_weight: 0.1, do_pad: true, do_clip: true, is_trainable_psf: false };

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

/**
 * The Wiener filter bank for one geometry: OTFs per (PSF, channel) for the padded frame P×Q, and the
 * forward/backward passes on float64 planes.
 */
class WienerBank {
  readonly padH: number;
  readonly padW: number;
  readonly P: number;
  readonly Q: number;
  /** otf[n*Cp + c]: interleaved complex P×Q. */
  private readonly otf: Float64Array[] = [];

  constructor(
    private readonly psf: PsfStack,
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
    const { kh, kw } = psf;
    for (let m = 0; m < psf.n * psf.channels; m++) {
      const a = new Float64Array(2 * this.P * this.Q);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const r = (i - Math.floor(kh / 2) + this.P) % this.P, c = (j - Math.floor(kw / 2) + this.Q) % this.Q;
          a[2 * (r * this.Q + c)] += psf.data[(m * kh + i) * kw + j]!;
        }
      this.otf.push(fft2InPlace(a, this.P, this.Q));
    }
  }

  private otfOf(n: number, c: number): Float64Array {
    return this.otf[n * this.psf.channels + (this.psf.channels === 1 ? 0 : c)]!;
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

  /** x = crop(Re IFFT(G·Y)) written strided into out. */
  forward(Y: Float64Array, n: number, c: number, k: number, w: number, out: Float32Array, off: number, stride: number): void {
    const { P, Q, H, W, padH, padW } = this;
    const h = this.otfOf(n, c), lam = k * w;
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
   * Backward for one (PSF, channel) pair: accumulates padᵀ(Re IFFT(conj(G)·D)) into dy (strided) and
   * returns ∂L/∂K.
   */
  backward(Y: Float64Array, n: number, c: number, k: number, w: number, dx: Float32Array, dxOff: number, dxStride: number, dy: Float64Array, dyOff: number, dyStride: number): number {
    const { P, Q, H, W, padH, padW } = this;
    const h = this.otfOf(n, c), lam = k * w;
    const D = new Float64Array(2 * P * Q);
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) D[2 * ((i + padH) * Q + j + padW)] = dx[dxOff + (i * W + j) * dxStride]!;
    fft2InPlace(D, P, Q);
    let dK = 0;
    for (let f = 0; f < P * Q; f++) {
      const hr = h[2 * f]!, hi = h[2 * f + 1]!, dr = D[2 * f]!, di = D[2 * f + 1]!, yr = Y[2 * f]!, yi = Y[2 * f + 1]!;
      const g = 1 / (hr * hr + hi * hi + lam);
      // ∂G/∂K · Y · conj(D), ∂G/∂K = −w·conj(H)·g²: real part of conj(H)·Y·conj(D)
      const cyr = hr * yr + hi * yi, cyi = hr * yi - hi * yr; // conj(H)·Y
      dK += -w * g * g * (cyr * dr + cyi * di);
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

export function createWienerDeconv(tf: Tf, p: ParamStore, o: WienerDeconvOptions): Network {
  if (o.is_trainable_psf) throw new RangeError("is_trainable_psf: a learnable PSF is not ported (only the Ks are learnable)");
  const psf = parsePsfs(o.psfs);
  const N = psf.n;
  const Ks = p.add("Ks", [N], { kind: "constant", value: 1 }, "vector");
  const banks = new Map<string, WienerBank>();
  const bankFor = (H: number, W: number) => {
    const key = `${H}x${W}`;
    let b = banks.get(key);
    if (!b) banks.set(key, (b = new WienerBank(psf, H, W, o.do_pad)));
    return b;
  };

  const deconv = tf.customGrad((...args: Array<tfTypes.Tensor | tfTypes.GradSaveFunc>) => {
    const [y, k] = args as [T4, tfTypes.Tensor1D];
    const [B, H, W, C] = y.shape;
    if (psf.channels !== 1 && psf.channels !== C) throw new RangeError(`the PSFs have ${psf.channels} channels but the image has ${C}`);
    const bank = bankFor(H, W);
    const yd = y.dataSync() as Float32Array, kd = k.dataSync() as Float32Array;
    const outC = N * C;
    const out = new Float32Array(B * H * W * outC);
    const spectra: Float64Array[] = [];
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) {
        const Y = bank.spectrum(yd, b * H * W * C + c, C);
        spectra.push(Y);
        for (let n = 0; n < N; n++) bank.forward(Y, n, c, kd[n]!, o.noise_weight, out, b * H * W * outC + n * C + c, outC);
      }
    const value = tf.tensor4d(out, [B, H, W, outC]);
    const gradFunc = (dx: tfTypes.Tensor) => {
      const dxd = dx.dataSync() as Float32Array;
      const dy = new Float64Array(B * H * W * C);
      const dK = new Float32Array(N);
      for (let b = 0; b < B; b++)
        for (let c = 0; c < C; c++)
          for (let n = 0; n < N; n++)
            dK[n]! += bank.backward(spectra[b * C + c]!, n, c, kd[n]!, o.noise_weight, dxd, b * H * W * outC + n * C + c, outC, dy, b * H * W * C + c, C);
      return [tf.tensor4d(Float32Array.from(dy), [B, H, W, C]), tf.tensor1d(dK)];
    };
    return { value, gradFunc };
  });

  const apply = (x: T4): T4 => {
    const y = deconv(x, Ks) as T4;
    return o.do_clip ? tf.clipByValue(y, -1, 1) : y;
  };
  return { params: p, apply, className: "WienerDeconvolution_arch" };
}
