export {
  loadGenerationConfig,
  sourceSchema,
  type SourceConfig,
  noiseSchema,
  generationSchema,
  type GenerationConfig,
} from "./config";
export { parseShard, makePlan, unitsOfShard, splitOf, type Unit, type Plan, type ShardSpec } from "./plan";
export { sampleSeed, sampleCount, makeSource, renderSample, generateSample, type SampleImages } from "./sample";
export { generateDataset, type GenerateOptions, type GenerateResult } from "./run";
export { slurmScript, type SlurmOptions } from "./slurm";
export { WorkerPool } from "./pool";
