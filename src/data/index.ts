/**
 * Datasets: synthetic scenes, image sources, transforms, noise models, generation (parquet shards
 * in the Hugging Face layout or the original's folders), readers by registry name, and the Hub.
 *
 * Reader API (what the trainer uses):
 *   const ds: PairDataset = await createDataset({ type: "HuggingFaceDataset", name, split: "train",
 *                                                 transforms: {...}, seed: 0 }, { file, keyPath });
 *   ds.length; ds.gtKey; ds.lqKey;
 *   const { gt, blur, meta } = await ds.get(i, epoch);  // ImageHWC: {data: Float32Array HWC, height, width, channels}
 *   for await (const s of iterateDataset(ds, { epoch, shuffle: true, rng })) ...
 * Registry names: HuggingFaceDataset (hf, parquet), ImagePairDataset (image_pairs, folders),
 * OnlineBlurDataset (SVBDataset, online), DummyDataset (dummy); `registerDataset` adds more.
 */
export { normalizeSplit, type SampleMeta, type PairSample, type SplitName } from "./types";
export type { BlurOperator, BlurFactory } from "./blur";
export {
  decodeImage,
  dequantize,
  encodePng,
  quantize,
  readImageFile,
  type BitDepth,
  type DecodedImage,
} from "../io/image";
export { srgbToLinear, linearToSrgb } from "./color";
export {
  addGaussianNoise,
  addPoissonGaussianNoise,
  addNoise,
  qisGain,
  qisPhotonsPerPixel,
  simulateQis,
  type NoiseModel,
  type QisParams,
  defaultQisParams,
} from "./noise";
export * as scenes from "./scenes";
export {
  type ImageSource,
  type FolderSourceOptions,
  FolderSource,
  type SyntheticSourceOptions,
  SyntheticSource,
} from "./sources";
export {
  window,
  cropCenter,
  resizeBicubic,
  flip,
  selectChannels,
  toChannels,
  type PadMode,
  type TransformStep,
  type PipelineOptions,
  TransformPipeline,
  transforms,
  type TransformCall,
  type TransformEntry,
  type TransformOp,
} from "./transforms";
export {
  iterateDataset,
  type PairDataset,
  type RawPairSource,
  type TransformedOptions,
  TransformedDataset,
} from "./readers/dataset";
export {
  registerDataset,
  datasetTypes,
  createDataset,
  checkDataset,
  type DatasetContext,
  type DatasetEntry,
  datasets,
} from "./readers/registry";
export { SyntheticBlurDataset, randomScene, type SyntheticBlurOptions } from "./readers/synthetic";
export { findParquetFiles, ParquetPairSource } from "./readers/parquet";
export { FolderPairSource } from "./readers/pairs";
export { createBasisBlur } from "./basis-blur";
export {
  hubEndpoint,
  defaultCacheDir,
  downloadHubDataset,
  planPush,
  pushDataset,
  type HubOptions,
  type PushOptions,
  type PushPlan,
} from "./hub";
export {
  loadGenerationConfig,
  type SourceConfig,
  generationSchema,
  type GenerationConfig,
  parseShard,
  makePlan,
  type Unit,
  type Plan,
  type ShardSpec,
  makeSource,
  renderSample,
  generateSample,
  type SampleImages,
  generateDataset,
  type GenerateOptions,
  type GenerateResult,
  slurmScript,
  type SlurmOptions,
} from "./generate";
export { datasetCard } from "./writers/card";
export { encodeShard, shardFileName, hfFeatures, type GeneratedRow } from "./writers/parquet";
export { writeDemoBasis, type DemoBasisOptions } from "./demo-basis";
