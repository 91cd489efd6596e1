/**
 * Geometric transforms on HWC float32 images, with the original's semantics (spec
 * dataset-generation.md §2.3): centre crop / symmetric pad (`crop_arr`), index crop, random crop,
 * bicubic resize (PyTorch `interpolate`, align_corners=False, no antialias), flips, channel selection.
 */
import { edgeIndex, reflectIndex } from "../../util/border";
import { makeImage, type ImageHWC } from "../../array";

export type PadMode = "constant" | "reflect" | "edge";

/** A pixel rectangle: rows [top, top + height), columns [left, left + width); may reach outside the image. */
export interface PixelRect {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** How positions outside the image are filled: constant `value`, reflect (NumPy 'reflect', no edge repeat) or edge replicate. */
export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/** The window `rect` of `img`; positions outside the image are filled per `pad` (default constant 0). */
export function window(img: ImageHWC, rect: PixelRect, pad: PadOptions = {}): ImageHWC {
  const { top, left, height: h, width: w } = rect;
  const mode = pad.mode ?? "constant";
  const value = pad.value ?? 0;
  const { width: W, height: H, channels: C } = img;
  const out = makeImage(h, w, C);
  for (let y = 0; y < h; y++) {
    let sy = top + y;
    const yInside = sy >= 0 && sy < H;
    if (!yInside) {
      if (mode === "constant") {
        out.data.fill(value, y * w * C, (y + 1) * w * C);
        continue;
      }
      sy = mode === "reflect" ? reflectIndex(sy, H) : edgeIndex(sy, H);
    }
    if (left >= 0 && left + w <= W) {
      // the whole row lies inside the source: one block copy
      out.data.set(img.data.subarray((sy * W + left) * C, (sy * W + left + w) * C), y * w * C);
      continue;
    }
    for (let x = 0; x < w; x++) {
      let sx = left + x;
      const o = (y * w + x) * C;
      if (sx < 0 || sx >= W) {
        if (mode === "constant") {
          for (let c = 0; c < C; c++) out.data[o + c] = value;
          continue;
        }
        sx = mode === "reflect" ? reflectIndex(sx, W) : edgeIndex(sx, W);
      }
      const s = (sy * W + sx) * C;
      for (let c = 0; c < C; c++) out.data[o + c] = img.data[s + c] as number;
    }
  }
  return out;
}

/**
 * `crop_arr`: centre crop when larger (top = H//2 − h//2), pad ceil(Δ/2) before and floor(Δ/2)
 * after when smaller, independently per axis.
 */
export function cropCenter(img: ImageHWC, h: number, w: number, mode: PadMode = "constant", value = 0): ImageHWC {
  const top = img.height >= h ? Math.floor(img.height / 2) - Math.floor(h / 2) : -Math.ceil((h - img.height) / 2);
  const left = img.width >= w ? Math.floor(img.width / 2) - Math.floor(w / 2) : -Math.ceil((w - img.width) / 2);
  return window(img, { top, left, height: h, width: w }, { mode, value });
}

/** Cubic convolution weights with A = −0.75 (PyTorch / OpenCV bicubic). */
function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const w0 = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
  const w1 = ((A + 2) * t - (A + 3)) * t * t + 1;
  const s = 1 - t;
  const w2 = ((A + 2) * s - (A + 3)) * s * s + 1;
  const w3 = 1 - w0 - w1 - w2;
  return [w0, w1, w2, w3];
}

/** 1-D resampling plan: for each output index, 4 source indices (clamped) and weights. */
function cubicPlan(inLen: number, outLen: number): { idx: Int32Array; wts: Float64Array } {
  const scale = inLen / outLen;
  const idx = new Int32Array(outLen * 4);
  const wts = new Float64Array(outLen * 4);
  for (let d = 0; d < outLen; d++) {
    const src = (d + 0.5) * scale - 0.5; // align_corners=False; not clamped for cubic (PyTorch)
    const x0 = Math.floor(src);
    const ws = cubicWeights(src - x0);
    for (let k = 0; k < 4; k++) {
      idx[d * 4 + k] = Math.min(inLen - 1, Math.max(0, x0 - 1 + k));
      wts[d * 4 + k] = ws[k] as number;
    }
  }
  return { idx, wts };
}

/** Bicubic resize to (h, w), separable, as `torch.nn.functional.interpolate(mode='bicubic', align_corners=False)`. */
export function resizeBicubic(img: ImageHWC, h: number, w: number): ImageHWC {
  if (h === img.height && w === img.width) return makeImage(h, w, img.channels, new Float32Array(img.data));
  const C = img.channels;
  const px = cubicPlan(img.width, w);
  const tmp = new Float32Array(img.height * w * C);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let k = 0; k < 4; k++) acc += (px.wts[x * 4 + k] as number) * (img.data[(y * img.width + (px.idx[x * 4 + k] as number)) * C + c] as number);
        tmp[(y * w + x) * C + c] = acc;
      }
  const py = cubicPlan(img.height, h);
  const out = makeImage(h, w, C);
  for (let y = 0; y < h; y++)
    for (let k = 0; k < 4; k++) {
      const wt = py.wts[y * 4 + k] as number;
      const row = (py.idx[y * 4 + k] as number) * w * C;
      const o = y * w * C;
      for (let i = 0; i < w * C; i++) out.data[o + i] = (out.data[o + i] as number) + wt * (tmp[row + i] as number);
    }
  return out;
}

export function flip(img: ImageHWC, horizontal: boolean, vertical: boolean): ImageHWC {
  const { height: H, width: W, channels: C } = img;
  const out = makeImage(H, W, C);
  for (let y = 0; y < H; y++) {
    const sy = vertical ? H - 1 - y : y;
    for (let x = 0; x < W; x++) {
      const sx = horizontal ? W - 1 - x : x;
      const s = (sy * W + sx) * C;
      const o = (y * W + x) * C;
      for (let c = 0; c < C; c++) out.data[o + c] = img.data[s + c] as number;
    }
  }
  return out;
}

/** Keeps the channels whose flag is true when C equals the number of flags; otherwise unchanged. */
export function selectChannels(img: ImageHWC, keep: readonly boolean[]): ImageHWC {
  if (img.channels !== keep.length) return img;
  const picks = keep.flatMap((k, i) => (k ? [i] : []));
  const n = img.height * img.width;
  const out = makeImage(img.height, img.width, picks.length);
  for (let p = 0; p < n; p++) for (let j = 0; j < picks.length; j++) out.data[p * picks.length + j] = img.data[p * img.channels + (picks[j] as number)] as number;
  return out;
}

/** Converts to `channels` (1 or 3): grey is repeated, RGBA/grey+alpha lose alpha, RGB→grey by Rec.709 luma. */
export function toChannels(img: ImageHWC, channels: number): ImageHWC {
  if (img.channels === channels) return img;
  const n = img.height * img.width;
  const out = makeImage(img.height, img.width, channels);
  for (let p = 0; p < n; p++) {
    const s = p * img.channels;
    let r: number, g: number, b: number;
    if (img.channels <= 2) r = g = b = img.data[s] as number;
    else [r, g, b] = [img.data[s] as number, img.data[s + 1] as number, img.data[s + 2] as number];
    if (channels === 1) out.data[p] = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    else {
      out.data[p * channels] = r;
      out.data[p * channels + 1] = g;
      out.data[p * channels + 2] = b;
      if (channels === 4) out.data[p * channels + 3] = 1;
    }
  }
  return out;
}
