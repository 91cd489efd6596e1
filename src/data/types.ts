/**
 * Shared data types of src/data. Images on the CPU side are HWC float32 with an explicit shape:
 * `data[(y * width + x) * channels + c]`, values in [0, 1] (linear or sRGB as the producer says)
 * unless a transform such as `normalize` has mapped them elsewhere.
 */
export interface ImageHWC {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

export function makeImage(height: number, width: number, channels: number, data?: Float32Array): ImageHWC {
  const n = height * width * channels;
  if (data && data.length !== n) throw new Error(`image data has ${data.length} values, shape (${height}, ${width}, ${channels}) needs ${n}`);
  return { data: data ?? new Float32Array(n), height, width, channels };
}

export function cloneImage(img: ImageHWC): ImageHWC {
  return { ...img, data: new Float32Array(img.data) };
}

export function imageShape(img: ImageHWC): [number, number, number] {
  return [img.height, img.width, img.channels];
}

/** JSON-serialisable per-sample record: every parameter drawn and the seed that drew it. */
export type SampleMeta = Record<string, unknown>;

/**
 * One training pair as the readers hand it to the trainer. `gt` is the sharp image, `blur` the
 * degraded one (the original's `lq`); both HWC float32. `meta` carries the sample's recorded
 * parameters (source, seed, noise level...) where the dataset has them.
 */
export interface PairSample {
  index: number;
  gt: ImageHWC;
  blur: ImageHWC;
  meta: SampleMeta;
}

/** A split name as on the Hub; `val` (the original's folder name) is accepted as an alias. */
export type SplitName = "train" | "validation";

export function normalizeSplit(split: string): SplitName {
  if (split === "val" || split === "validation" || split === "valid") return "validation";
  if (split === "train") return "train";
  throw new Error(`unknown split '${split}' (expected train, validation or val)`);
}
