/** Training, inference and evaluation (spec training-framework.md §3-§8). */
export { train, type StepRecord, type TrainOptions, type TrainResult, Trainer, listCheckpoints } from "./trainer";
export { loadTrainConfig, trainConfigSchema, type TrainConfig } from "./config";
export { knownLosses, parseLoss, evalLoss, type LossFn, losses, type LossTerm } from "./losses";
export { lrMultiplier, scheduleTypes, type ScheduleType, type ScheduleOptions } from "./schedule";
export { type AdamWOptions, AdamW } from "./adamw";
export { saveCheckpoint, resolveCheckpoint, loadCheckpoint, type TrainerState } from "./checkpoint";
// SyntheticBlurDataset now lives with the other readers (data/readers/synthetic.ts); re-exported for notebooks.
export { SyntheticBlurDataset, type SyntheticBlurOptions } from "../data/readers/synthetic";
export { patchedInference, type PatchOptions } from "./patched";
export { restoreImage, scoreRestorations, meanScores, type RestorationScore } from "./infer";
export {
  metricBarsSpec,
  renderTrainingReport,
  writeTrainingReport,
  type ReportComparison,
  type TrainingReport,
} from "./report";
export { runNonBlind } from "./nonblind-run";
