/** Shared data types of src/data (images are `ImageHWC` from src/array). */
import type { ImageHWC } from "../array";
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
