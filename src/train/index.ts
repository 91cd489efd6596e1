/** Training, inference and evaluation (spec training-framework.md §3-§8). */
export * from "./trainer";
export * from "./config";
export * from "./losses";
export * from "./schedule";
export * from "./adamw";
export * from "./checkpoint";
export * from "./synthetic";
export * from "./patched";
export * from "./infer";
export * from "./report";
export * from "./nonblind-run";
