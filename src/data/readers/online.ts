/**
 * On-the-fly dataset: sharp images from a source (folder or synthetic scenes), blurred while
 * training by the spatially varying renderer over a basis file (the original's SVBDataset /
 * online datasets, without its frozen cache). Without `transforms` the pipeline is
 * `crop` (centre, to the basis size) → `sv_convolution` (gt → blur).
 */
import type { Rng } from "../../util/rng";
import { Rng as RngClass } from "../../util/rng";
import type { ImageSource } from "../sources";
import type { SampleMeta } from "../types";
import type { ImageHWC } from "../../array";
import type { RawPairSource } from "./dataset";

export class SourcePairSource implements RawPairSource {
  readonly length: number;

  constructor(
    private readonly source: ImageSource,
    private readonly gtKey: string,
    private readonly seed: string | number,
  ) {
    this.length = source.length;
  }

  /** Source item i is the same in every epoch (its own Rng stream); transforms then draw per epoch. */
  async read(index: number): Promise<{ images: Record<string, ImageHWC>; meta: SampleMeta }> {
    const rng: Rng = new RngClass(this.seed).fork(`source:${index}`);
    const { image, meta } = await this.source.load(index, rng);
    return { images: { [this.gtKey]: image }, meta };
  }
}

/** The default on-the-fly pipeline spec for a basis of size (h, w). */
export function defaultOnlineTransforms(h: number, w: number): Record<string, unknown> {
  return {
    crop: { keys: ["gt_key"], h, w },
    sv_convolution: { keys: ["gt_key"], keys_new: ["lq_key"] },
  };
}
