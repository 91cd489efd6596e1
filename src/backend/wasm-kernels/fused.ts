/**
 * Fused elementwise kernels for the NAFNet block on wasm, each one pass over the wasm heap instead
 * of several tfjs kernels (stock wasm Concat along the channel axis alone took ~20 ms for
 * [4,64,64,64], SplitV ~9 ms):
 * - SimpleGate: x [..., 2C] -> x[..., :C] * x[..., C:]; its gradient dx = [dy*b, dy*a].
 * - Channel LayerNorm (NAFNet LayerNorm2d in NHWC): per pixel y = (x - mean) / sqrt(var + eps) * w + b;
 *   its gradient (dx, dw, db) from x, w, dy, recomputing the statistics in float64.
 */
import type { TensorInfo, WasmBackend } from "./ops";
import { simdKernelsFor } from "./simd";

export const gateKernelName = "SvdSimpleGate";
export const gateGradKernelName = "SvdSimpleGateGrad";
export const layerNormKernelName = "SvdChannelLayerNorm";
export const layerNormGradKernelName = "SvdChannelLayerNormGrad";

/** Rows whose weight/bias gradients one SIMD call sums in float32. */
const LN_BLOCK_ROWS = 64;

export function simpleGate(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const C2 = x.shape[x.shape.length - 1]!, C = C2 / 2;
  if (C2 % 2) throw new Error(`${gateKernelName}: last axis ${C2} is odd`);
  const out = backend.makeOutput([...x.shape.slice(0, -1), C], "float32");
  const xs = backend.typedArrayFromHeap(x), o = backend.typedArrayFromHeap(out);
  const rows = xs.length / C2;
  const k = C % 4 === 0 ? simdKernelsFor(backend) : null;
  if (k) {
    k.mulRows(xs.byteOffset, xs.byteOffset + 4 * C, o.byteOffset, rows, C / 4, 8 * C, 8 * C, 4 * C);
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const xb = r * C2, ob = r * C;
    for (let c = 0; c < C; c++) o[ob + c] = xs[xb + c]! * xs[xb + C + c]!;
  }
  return out;
}

export function simpleGateGrad(backend: WasmBackend, x: TensorInfo, dy: TensorInfo): TensorInfo {
  const C2 = x.shape[x.shape.length - 1]!, C = C2 / 2;
  const out = backend.makeOutput(x.shape, "float32");
  const xs = backend.typedArrayFromHeap(x), g = backend.typedArrayFromHeap(dy), d = backend.typedArrayFromHeap(out);
  const rows = xs.length / C2;
  const k = C % 4 === 0 ? simdKernelsFor(backend) : null;
  if (k) {
    k.mulRows(g.byteOffset, xs.byteOffset + 4 * C, d.byteOffset, rows, C / 4, 4 * C, 8 * C, 8 * C); // d[:C] = dy * b
    k.mulRows(g.byteOffset, xs.byteOffset, d.byteOffset + 4 * C, rows, C / 4, 4 * C, 8 * C, 8 * C); // d[C:] = dy * a
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const xb = r * C2, gb = r * C;
    for (let c = 0; c < C; c++) {
      const gv = g[gb + c]!;
      d[xb + c] = gv * xs[xb + C + c]!;
      d[xb + C + c] = gv * xs[xb + c]!;
    }
  }
  return out;
}

/** x [..., C], weight [C], bias [C] -> y [..., C]. Biased variance, as torch's LayerNorm2d. */
export function channelLayerNorm(backend: WasmBackend, x: TensorInfo, weight: TensorInfo, bias: TensorInfo, eps: number): TensorInfo {
  const C = x.shape[x.shape.length - 1]!;
  const out = backend.makeOutput(x.shape, "float32");
  const xs = backend.typedArrayFromHeap(x), w = backend.typedArrayFromHeap(weight), b = backend.typedArrayFromHeap(bias), y = backend.typedArrayFromHeap(out);
  const rows = xs.length / C;
  const k = C % 4 === 0 ? simdKernelsFor(backend) : null;
  if (k) {
    k.layerNorm(xs.byteOffset, w.byteOffset, b.byteOffset, y.byteOffset, rows, C / 4, eps, 1 / C);
    return out;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    rowStats(xs, base, C, eps);
    const mean = rowStat[0]!, inv = rowStat[1]!;
    for (let c = 0; c < C; c++) y[base + c] = (xs[base + c]! - mean) * inv * w[c]! + b[c]!;
  }
  return out;
}

/** Mean and 1/sqrt(var + eps) of one row of C channels (two-pass), into `rowStat` (no allocation per row). */
const rowStat = new Float64Array(2);
function rowStats(xs: Float32Array, base: number, C: number, eps: number): void {
  let s = 0;
  for (let c = 0; c < C; c++) s += xs[base + c]!;
  const mean = s / C;
  let v = 0;
  for (let c = 0; c < C; c++) {
    const d = xs[base + c]! - mean;
    v += d * d;
  }
  rowStat[0] = mean;
  rowStat[1] = 1 / Math.sqrt(v / C + eps);
}

/**
 * Gradients of channelLayerNorm: with xn = (x - mean) * inv and gw = dy * w,
 * dx = inv * (gw - mean_c(gw) - xn * mean_c(gw * xn)), dw = sum over pixels of dy * xn, db = sum of dy.
 */
export function channelLayerNormGrad(backend: WasmBackend, x: TensorInfo, weight: TensorInfo, dy: TensorInfo, eps: number): TensorInfo[] {
  const C = x.shape[x.shape.length - 1]!;
  const dxOut = backend.makeOutput(x.shape, "float32");
  const dwOut = backend.makeOutput([C], "float32");
  const dbOut = backend.makeOutput([C], "float32");
  const k = C % 4 === 0 ? simdKernelsFor(backend) : null;
  if (k) {
    // dw/db are summed in float32 over blocks of rows on the heap, then in float64 across blocks.
    const scratch = backend.makeOutput([2, C], "float32");
    const xs = backend.typedArrayFromHeap(x), w = backend.typedArrayFromHeap(weight), g = backend.typedArrayFromHeap(dy);
    const dx = backend.typedArrayFromHeap(dxOut), sc = backend.typedArrayFromHeap(scratch);
    const dw = new Float64Array(C), db = new Float64Array(C);
    const rows = xs.length / C;
    for (let r0 = 0; r0 < rows; r0 += LN_BLOCK_ROWS) {
      sc.fill(0);
      const off = 4 * r0 * C;
      k.layerNormGrad(xs.byteOffset + off, w.byteOffset, g.byteOffset + off, dx.byteOffset + off, sc.byteOffset, sc.byteOffset + 4 * C, Math.min(LN_BLOCK_ROWS, rows - r0), C / 4, eps, 1 / C);
      for (let c = 0; c < C; c++) {
        dw[c] += sc[c]!;
        db[c] += sc[C + c]!;
      }
    }
    backend.typedArrayFromHeap(dwOut).set(dw);
    backend.typedArrayFromHeap(dbOut).set(db);
    backend.disposeData(scratch.dataId);
    return [dxOut, dwOut, dbOut];
  }
  const xs = backend.typedArrayFromHeap(x), w = backend.typedArrayFromHeap(weight), g = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(dxOut);
  const dw = new Float64Array(C), db = new Float64Array(C), xn = new Float64Array(C);
  const rows = xs.length / C;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    rowStats(xs, base, C, eps);
    const mean = rowStat[0]!, inv = rowStat[1]!;
    let sg = 0, sgx = 0;
    for (let c = 0; c < C; c++) {
      const n = (xs[base + c]! - mean) * inv;
      xn[c] = n;
      const gv = g[base + c]!;
      const gw = gv * w[c]!;
      sg += gw;
      sgx += gw * n;
      dw[c] += gv * n;
      db[c] += gv;
    }
    const mg = sg / C, mgx = sgx / C;
    for (let c = 0; c < C; c++) dx[base + c] = inv * (g[base + c]! * w[c]! - mg - xn[c]! * mgx);
  }
  backend.typedArrayFromHeap(dwOut).set(dw);
  backend.typedArrayFromHeap(dbOut).set(db);
  return [dxOut, dwOut, dbOut];
}
