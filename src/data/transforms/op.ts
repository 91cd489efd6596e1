/**
 * What a transform is, shared by the catalogue (the transforms by name) and the pipeline (which
 * runs them on the images named by `keys`). Kept apart so neither module imports the other's types.
 */
import type { Configurable, ConfigWhere } from "../../config/registry";
import type { Rng } from "../../util/rng";
import type { BlurOperator } from "../blur";
import type { SampleMeta } from "../types";
import type { ImageHWC } from "../../array";

export interface TransformCall {
  rng: Rng;
  /** where transforms record what they drew: meta[`${transformName}`] = {...} */
  meta: SampleMeta;
  blur?: BlurOperator;
}

export interface TransformOp {
  /** Draws what is shared by all keys of one call (random crop offset, flip decision). */
  begin?(first: ImageHWC | undefined, call: TransformCall): unknown;
  apply(img: ImageHWC, call: TransformCall, shared: unknown, label: string): Promise<ImageHWC> | ImageHWC;
}

/** A catalogue entry: its options (the mapping under the transform's name, less keys/keys_new) and the factory. */
export interface TransformEntry<O = unknown> extends Configurable<O> {
  create(options: O, where: ConfigWhere): TransformOp;
}
