export * from "./select";
export * from "./doctor";
// Registers the wasm training kernels as a backend-ready hook.
export { installWasmTrainingKernels } from "./wasm-kernels";
