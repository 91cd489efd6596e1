/**
 * Separable filtering of an HWC image: one symmetric 1D kernel along rows, then along columns, with
 * symmetric borders (util/border "symmetric", scipy.ndimage "reflect": d c b a | a b c d). The one
 * loop behind metrics' gaussianBlur and the SyntheticBlur dataset's degradation.
 *
 * Each sum runs in float64; `intermediate` says where the row pass is stored before the column pass.
 * The two callers differ here on purpose and each keeps its own numbers: the synthetic dataset stores
 * float32 (its seeded pixels are what earlier runs produced), metrics store float64 (scipy's
 * precision). The result is float32 either way.
 */
import type { ImageHWC, NumericArray } from "../array";
import { symmetricIndex } from "./border";

export type IntermediatePrecision = "float32" | "float64";

/** Convolves `img` with `taps` (odd length 2r+1, applied as given) along x, then y; keeps img's other fields. */
export function separableFilter(img: ImageHWC, taps: NumericArray, intermediate: IntermediatePrecision): ImageHWC {
  const { height: H, width: W, channels: C } = img;
  if (taps.length % 2 !== 1) throw new RangeError(`separableFilter: taps must have odd length 2r+1, found ${taps.length}`);
  const r = (taps.length - 1) / 2;
  const tmp = intermediate === "float32" ? new Float32Array(H * W * C) : new Float64Array(H * W * C);
  const out = new Float32Array(H * W * C);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let t = -r; t <= r; t++) s += taps[t + r]! * img.data[(y * W + symmetricIndex(x + t, W)) * C + c]!;
        tmp[(y * W + x) * C + c] = s;
      }
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let t = -r; t <= r; t++) s += taps[t + r]! * tmp[(symmetricIndex(y + t, H) * W + x) * C + c]!;
        out[(y * W + x) * C + c] = s;
      }
  return { ...img, data: out };
}
