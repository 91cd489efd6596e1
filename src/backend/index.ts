export {
  requestedBackend,
  initBackend,
  webgpuVerdict,
  onBackendReady,
  backendInfo,
  backendNames,
  type BackendName,
  type ThreadReport,
  type BackendCandidate,
  type BackendInfo,
} from "./select";
export { measureBackendThreads, runDoctor, formatDoctor, type DoctorReport } from "./doctor";
export { threadCpuTicks, meterCpu, measureThreadUsage, type ThreadUsage, type CpuMeter } from "../util/thread-usage";
export { probeWebGPU, type AdapterReport, type WebGPUProbe } from "./webgpu";
// Registers the wasm training kernels as a backend-ready hook.
export { installWasmTrainingKernels } from "./wasm-kernels";
// oneDNN kernels over the wasm ones where the native addon is built (after the wasm kernels' hook).
export { installNativeKernels, nativeStatus, setNativeThreads, type NativeStatus } from "./native";
