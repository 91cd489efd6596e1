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
export * from "./types";
export * from "./blur";
export { decodeImage, dequantize, encodePng, quantize, readImageFile, type BitDepth, type DecodedImage } from "../io/image";
export * from "./color";
export * from "./noise";
export * as scenes from "./scenes";
export * from "./sources";
export * from "./transforms";
export * from "./readers/dataset";
export * from "./readers/registry";
export { SyntheticBlurDataset, randomScene, type SyntheticBlurOptions } from "./readers/synthetic";
export { findParquetFiles, ParquetPairSource } from "./readers/parquet";
export { FolderPairSource } from "./readers/pairs";
export { createBasisBlur } from "./basis-blur";
export * from "./hub";
export * from "./generate";
export { datasetCard } from "./writers/card";
export { encodeShard, shardFileName, hfFeatures, type GeneratedRow } from "./writers/parquet";
export { writeDemoBasis, type DemoBasisOptions } from "./demo-basis";
