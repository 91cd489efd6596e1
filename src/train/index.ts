/** Training, inference and evaluation (spec training-framework.md §3-§8). */
export * from "./trainer";
export * from "./config";
export * from "./losses";
export * from "./schedule";
export * from "./adamw";
export * from "./checkpoint";
// SyntheticBlurDataset now lives with the other readers (data/readers/synthetic.ts); re-exported for notebooks.
export { SyntheticBlurDataset, type SyntheticBlurOptions } from "../data/readers/synthetic";
export * from "./patched";
export * from "./infer";
export * from "./report";
export * from "./nonblind-run";
