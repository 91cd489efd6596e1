/**
 * Scalar diffraction: angular-spectrum (exact scalar, band-limited) and Fresnel (paraxial)
 * propagation of a sampled complex field between parallel planes, plus the single-FFT Fresnel
 * transform for long distances. Units: micrometres for every length (wavelengthUm, dxUm, distanceUm).
 *
 * Fields are square or rectangular (rows, cols) interleaved complex Float64Arrays (re, im), row-major,
 * sample (r, c) at x = (c - cols/2) dx, y = (r - rows/2) dx (the FFT centre convention), time factor
 * exp(-i w t) so a wave travelling toward +z is exp(+i k z).
 *
 * Sampling and padding: the transfer-function methods compute a circular convolution on the padded
 * grid, so the field must be zero-padded (default x2 per axis) for light not to wrap around;
 * the angular spectrum additionally applies Matsushima & Shimobaba's band limit
 * |fx| < 1 / (lambda sqrt((2 z / L)^2 + 1)) (L = padded width), which removes the aliased part
 * of the transfer function at long distances.
 */
import { fft2InPlace } from "../../fft";
import { ArgumentError } from "../../util/errors";

export interface Field {
  data: Float64Array;
  rows: number;
  cols: number;
  dxUm: number;
}

export interface PropagateOptions {
  /** Padding factor per axis (>= 1; default 2). The output has the input's size. */
  pad?: number;
  /** Carrier spatial frequencies (cycles/um) removed from the field: see `propagateShifted`. */
  carrierFx?: number;
  carrierFy?: number;
  /** Evaluate the output on a window shifted by (shiftXUm, shiftYUm). */
  shiftXUm?: number;
  shiftYUm?: number;
  /** Angular spectrum only: apply the band limit (default true). */
  bandLimit?: boolean;
}

export type Method = "asm" | "fresnel";

function checkField(f: Field): void {
  if (f.data.length !== 2 * f.rows * f.cols) throw new ArgumentError("field.data", `length 2*${f.rows}*${f.cols}`, f.data.length);
  if (!(f.dxUm > 0)) throw new ArgumentError("field.dxUm", "a positive sample spacing in um", f.dxUm);
}

/** Total power sum |U|^2 dx^2. */
export function fieldPower(f: Field): number {
  let s = 0;
  for (let i = 0; i < f.rows * f.cols; i++) s += f.data[2 * i]! ** 2 + f.data[2 * i + 1]! ** 2;
  return s * f.dxUm * f.dxUm;
}

/**
 * Propagates `field` by `distanceUm` with the angular spectrum ("asm") or Fresnel transfer
 * function ("fresnel"). With a carrier (fx0, fy0) the input is understood as
 * U = exp(i 2 pi (fx0 x + fy0 y)) V and V is what is passed and returned; the transfer function is
 * evaluated at the true frequencies f + f0, so steep plane-wave tilts need no finer sampling.
 * A shift evaluates the output at x + shift (the Fourier shift theorem), so an off-axis image can
 * be computed on a window that follows it.
 */
export function propagate(field: Field, wavelengthUm: number, distanceUm: number, method: Method = "asm", opts: PropagateOptions = {}): Field {
  checkField(field);
  if (!(wavelengthUm > 0)) throw new ArgumentError("wavelengthUm", "a positive wavelength in um", wavelengthUm);
  const pad = opts.pad ?? 2;
  if (!(pad >= 1)) throw new ArgumentError("pad", "a padding factor >= 1", pad);
  const { rows, cols, dxUm } = field;
  const R = Math.ceil(rows * pad), C = Math.ceil(cols * pad);
  const buf = new Float64Array(2 * R * C);
  // Centre the input in the padded grid so sample (r, c) keeps its coordinate.
  const r0 = Math.floor(R / 2) - Math.floor(rows / 2), c0 = Math.floor(C / 2) - Math.floor(cols / 2);
  for (let r = 0; r < rows; r++) buf.set(field.data.subarray(2 * r * cols, 2 * (r + 1) * cols), 2 * ((r + r0) * C + c0));
  // Propagation is a convolution, so it commutes with the grid-centre offset: no ifftshift needed.
  fft2InPlace(buf, R, C, false);
  const fx0 = opts.carrierFx ?? 0, fy0 = opts.carrierFy ?? 0;
  const sx = opts.shiftXUm ?? 0, sy = opts.shiftYUm ?? 0;
  const inv2 = 1 / (wavelengthUm * wavelengthUm);
  const dfx = 1 / (C * dxUm), dfy = 1 / (R * dxUm);
  const useLimit = method === "asm" && (opts.bandLimit ?? true);
  const limX = 1 / (wavelengthUm * Math.sqrt((2 * dfx * distanceUm) ** 2 + 1));
  const limY = 1 / (wavelengthUm * Math.sqrt((2 * dfy * distanceUm) ** 2 + 1));
  const twoPi = 2 * Math.PI;
  for (let r = 0; r < R; r++) {
    const qy = (r < R / 2 ? r : r - R) * dfy;
    const fy = qy + fy0;
    for (let c = 0; c < C; c++) {
      const i = 2 * (r * C + c);
      const qx = (c < C / 2 ? c : c - C) * dfx;
      const fx = qx + fx0;
      let phase: number;
      if (method === "asm") {
        const arg = inv2 - fx * fx - fy * fy;
        if (arg <= 0 || (useLimit && (Math.abs(fx) > limX || Math.abs(fy) > limY))) {
          buf[i] = 0;
          buf[i + 1] = 0;
          continue;
        }
        phase = twoPi * distanceUm * Math.sqrt(arg);
      } else {
        phase = twoPi * distanceUm * (1 / wavelengthUm) - Math.PI * wavelengthUm * distanceUm * (fx * fx + fy * fy);
      }
      // Shift theorem: multiplying by exp(i 2 pi q s) evaluates the output at x + s.
      phase += twoPi * (qx * sx + qy * sy);
      const hr = Math.cos(phase), hi = Math.sin(phase);
      const ar = buf[i]!, ai = buf[i + 1]!;
      buf[i] = ar * hr - ai * hi;
      buf[i + 1] = ar * hi + ai * hr;
    }
  }
  fft2InPlace(buf, R, C, true);
  const out = new Float64Array(2 * rows * cols);
  for (let r = 0; r < rows; r++) out.set(buf.subarray(2 * ((r + r0) * C + c0), 2 * ((r + r0) * C + c0 + cols)), 2 * r * cols);
  return { data: out, rows, cols, dxUm };
}

/**
 * Single-FFT Fresnel transform: U2(x2) = exp(ikz)/(i lambda z) exp(i k x2^2 / 2z) FT[U1 exp(i k x1^2 / 2z)].
 * The output spacing is lambda z / (N dx): use it for long distances (far field), where the
 * transfer-function methods would need huge grids. Returns the new field (same sample counts).
 */
export function fresnelScaled(field: Field, wavelengthUm: number, distanceUm: number): Field {
  checkField(field);
  const { rows, cols, dxUm } = field;
  const k = (2 * Math.PI) / wavelengthUm;
  const buf = Float64Array.from(field.data);
  for (let r = 0; r < rows; r++) {
    const y = (r - Math.floor(rows / 2)) * dxUm;
    for (let c = 0; c < cols; c++) {
      const x = (c - Math.floor(cols / 2)) * dxUm;
      const ph = (k * (x * x + y * y)) / (2 * distanceUm);
      const i = 2 * (r * cols + c);
      const ar = buf[i]!, ai = buf[i + 1]!;
      buf[i] = ar * Math.cos(ph) - ai * Math.sin(ph);
      buf[i + 1] = ar * Math.sin(ph) + ai * Math.cos(ph);
    }
  }
  // Centred DFT: shift so the centre sample sits at index 0, transform, shift back.
  const shifted = centredFft(buf, rows, cols);
  const dx2 = (wavelengthUm * distanceUm) / (cols * dxUm);
  const dy2 = (wavelengthUm * distanceUm) / (rows * dxUm);
  if (Math.abs(dx2 - dy2) > 1e-12 * dx2) throw new ArgumentError("field", "a square grid for fresnelScaled", `${rows}x${cols}`);
  const scale = (dxUm * dxUm) / (wavelengthUm * distanceUm);
  for (let r = 0; r < rows; r++) {
    const y = (r - Math.floor(rows / 2)) * dx2;
    for (let c = 0; c < cols; c++) {
      const x = (c - Math.floor(cols / 2)) * dx2;
      // exp(ikz) / (i lambda z) * exp(ik x^2 / 2z) * dx^2
      const ph = k * distanceUm + (k * (x * x + y * y)) / (2 * distanceUm) - Math.PI / 2;
      const i = 2 * (r * cols + c);
      const ar = shifted[i]!, ai = shifted[i + 1]!;
      shifted[i] = scale * (ar * Math.cos(ph) - ai * Math.sin(ph));
      shifted[i + 1] = scale * (ar * Math.sin(ph) + ai * Math.cos(ph));
    }
  }
  return { data: shifted, rows, cols, dxUm: dx2 };
}

/** DFT with the centre sample (floor(n/2)) as the origin in both domains. */
function centredFft(data: Float64Array, rows: number, cols: number): Float64Array {
  const a = new Float64Array(data.length);
  const hr = Math.floor(rows / 2), hc = Math.floor(cols / 2);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const s = 2 * (r * cols + c), d = 2 * (((r - hr + rows) % rows) * cols + ((c - hc + cols) % cols));
      a[d] = data[s]!;
      a[d + 1] = data[s + 1]!;
    }
  fft2InPlace(a, rows, cols, false);
  const out = new Float64Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const s = 2 * (r * cols + c), d = 2 * (((r + hr) % rows) * cols + ((c + hc) % cols));
      out[d] = a[s]!;
      out[d + 1] = a[s + 1]!;
    }
  return out;
}

/** |U|^2 of a field as a real (rows, cols) array. */
export function intensity(f: Field): Float64Array {
  const out = new Float64Array(f.rows * f.cols);
  for (let i = 0; i < out.length; i++) out[i] = f.data[2 * i]! ** 2 + f.data[2 * i + 1]! ** 2;
  return out;
}
