/**
 * The dataset interface the trainer consumes, and the transform layer shared by every reader.
 *
 *   const ds = await createDataset({ type: "HuggingFaceDataset", name: "out/my_ds", split: "train",
 *                                    transforms: { crop_random: { h: 256, w: 256 } } });
 *   ds.length;                       // number of samples in the split
 *   const s = await ds.get(17, epoch); // { index, gt, blur, meta }: ImageHWC float32 HWC each
 *   for await (const s of iterateDataset(ds, { epoch, shuffle: true, rng })) ...
 *
 * Random transforms draw from Rng(`${seed}/epoch:${epoch}/sample:${index}`): a different draw every
 * epoch, reproducible for a given (seed, epoch, index). With `frozen_transforms: true` the epoch is
 * ignored, which reproduces the original's behaviour (its `datasets.map` cache froze the draws).
 */
import { Rng } from "../../util/rng";
import type { BlurOperator } from "../blur";
import { TransformPipeline } from "../transforms/pipeline";
import type { PairSample, SampleMeta } from "../types";
import type { ImageHWC } from "../../array";

export interface PairDataset {
  /** registry name of the reader that made it */
  readonly type: string;
  /** column names of the sharp and the degraded image (the original's gt_key / lq_key) */
  readonly gtKey: string;
  readonly lqKey: string;
  readonly length: number;
  /** Sample `index` (0 ≤ index < length) as seen in `epoch` (transforms drawn per epoch). */
  get(index: number, epoch?: number): Promise<PairSample>;
  close?(): Promise<void> | void;
}

/** A reader's raw access: the stored images of row `index`, before transforms. */
export interface RawPairSource {
  readonly length: number;
  /** `blur` may be absent when the dataset renders it with `sv_convolution` (on-the-fly). */
  read(index: number): Promise<{ images: Record<string, ImageHWC>; meta: SampleMeta }>;
  close?(): Promise<void> | void;
}

export interface TransformedOptions {
  type: string;
  gtKey: string;
  lqKey: string;
  pipeline: TransformPipeline;
  seed: string | number;
  frozenTransforms: boolean;
  blur?: BlurOperator;
  /** [start%, end%) of the rows, and how often the selection repeats (the original's split_range/repeat) */
  rangePercent?: [number, number];
  repeat?: number;
}

export class TransformedDataset implements PairDataset {
  readonly type: string;
  readonly gtKey: string;
  readonly lqKey: string;
  readonly length: number;
  private readonly offset: number;
  private readonly count: number;

  constructor(
    private readonly source: RawPairSource,
    private readonly opts: TransformedOptions,
  ) {
    this.type = opts.type;
    this.gtKey = opts.gtKey;
    this.lqKey = opts.lqKey;
    const [a, b] = opts.rangePercent ?? [0, 100];
    this.offset = Math.floor((a / 100) * source.length);
    this.count = Math.max(0, Math.floor((b / 100) * source.length) - this.offset);
    this.length = this.count * (opts.repeat ?? 1);
  }

  /** The Rng of one sample in one epoch. */
  sampleRng(index: number, epoch: number): Rng {
    const e = this.opts.frozenTransforms ? "frozen" : `epoch:${epoch}`;
    return new Rng(this.opts.seed).fork(e).fork(`sample:${index}`);
  }

  async get(index: number, epoch = 0): Promise<PairSample> {
    if (!Number.isInteger(index) || index < 0 || index >= this.length)
      throw new RangeError(`sample index ${index} out of range [0, ${this.length}) of ${this.type}`);
    const row = this.offset + (index % this.count);
    const { images, meta } = await this.source.read(row);
    const call = { rng: this.sampleRng(index, epoch), meta: { ...meta, row }, blur: this.opts.blur };
    await this.opts.pipeline.run(images, call);
    const gt = images[this.gtKey];
    const blur = images[this.lqKey];
    if (!gt || !blur)
      throw new Error(`${this.type}: sample ${index} has no '${!gt ? this.gtKey : this.lqKey}' image after the transforms (columns: ${Object.keys(images).join(", ")})`);
    return { index, gt, blur, meta: call.meta };
  }

  async close(): Promise<void> {
    await this.source.close?.();
    this.opts.blur?.dispose?.();
  }
}

/** Visits every sample of one epoch, in order or shuffled by `rng`, `prefetch` reads ahead. */
export async function* iterateDataset(
  ds: PairDataset,
  opts: { epoch?: number; shuffle?: boolean; rng?: Rng; prefetch?: number } = {},
): AsyncGenerator<PairSample> {
  const order = Array.from({ length: ds.length }, (_, i) => i);
  if (opts.shuffle) (opts.rng ?? new Rng(`shuffle/${opts.epoch ?? 0}`)).shuffle(order);
  const ahead = Math.max(1, opts.prefetch ?? 2);
  const pending: Promise<PairSample>[] = [];
  let next = 0;
  while (next < order.length || pending.length > 0) {
    while (pending.length < ahead && next < order.length) pending.push(ds.get(order[next++] as number, opts.epoch ?? 0));
    yield await (pending.shift() as Promise<PairSample>);
  }
}
