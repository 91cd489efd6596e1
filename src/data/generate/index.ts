export * from "./config";
export * from "./plan";
export * from "./sample";
export * from "./run";
export * from "./slurm";
export { WorkerPool } from "./pool";
