export * from "./select";
export * from "./doctor";
export * from "../util/thread-usage";
export { probeWebGPU, type AdapterReport, type WebGPUProbe } from "./webgpu";
// Registers the wasm training kernels as a backend-ready hook.
export { installWasmTrainingKernels } from "./wasm-kernels";
