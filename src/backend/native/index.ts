/**
 * oneDNN kernels for the wasm backend (issue 12): when the addon (native/) is built and loads, its
 * multi-threaded conv and matmul kernels replace the wasm ones once the wasm backend is ready;
 * otherwise the wasm kernels stay and nativeStatus() says why.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { onBackendReady } from "../select";
import { installWasmTrainingKernels } from "../wasm-kernels";
import { loadAddon, markInstalled, nativeStatus } from "./addon";
import { registerNativeKernels } from "./kernels";

export { nativeStatus, setNativeThreads, type NativeStatus } from "./addon";
export { denseBackwardKernelName, denseKernelName, nativeKernelNames } from "./kernels";

let uninstall: (() => void) | null = null;
let warned = false;

/** Registers the native kernels over the wasm ones (idempotent); returns whether they are in use. */
export function installNativeKernels(tf: typeof tfTypes): boolean {
  if (uninstall) return true;
  if (!tf.getKernelsForBackend("wasm").length) return false;
  const addon = loadAddon();
  if (!addon) {
    const reason = nativeStatus().reason;
    if (!warned && process.env.SVD_NATIVE !== "0") console.warn(`svd: native oneDNN kernels not in use (${reason}); using the wasm kernels`);
    warned = true;
    return false;
  }
  installWasmTrainingKernels(tf); // the native kernels fall back to these, so they go first
  uninstall = registerNativeKernels(tf, addon);
  markInstalled(null);
  return true;
}

/** Restores the wasm kernels (tests compare both paths in one process). */
export function uninstallNativeKernels(): void {
  if (!uninstall) return;
  uninstall();
  uninstall = null;
  markInstalled("the wasm kernels were put back (uninstallNativeKernels)");
}

onBackendReady((tf, backend) => {
  if (backend === "wasm") installNativeKernels(tf);
});
