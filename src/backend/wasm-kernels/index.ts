/**
 * Training kernels for tfjs's wasm backend. Stock wasm lacks Conv2DBackpropFilter and both depthwise
 * backprops, and its Conv2DBackpropInput and transposed BatchMatMul run ~10x slower than its forward
 * conv (measured in shared/notes/compute-backends.md). This module registers the missing kernels and
 * replaces the slow ones when the wasm backend becomes active (via onBackendReady).
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { onBackendReady } from "../select";
import { conv2dBackpropFilter, conv2dBackpropInput, type ConvAttrs } from "./conv2d";
import { adamwKernelName, adamwStep, type AdamWStepAttrs } from "./adamw";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./depthwise";
import { leadingAxesCount, sumLeading } from "./sum";
import * as fused from "./fused";
import { KernelTable, withOps, type TensorInfo, type WasmBackend } from "./ops";

type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };

/** Kernel names this module registers or replaces for 'wasm'. */
export const wasmTrainingKernels = [
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "DepthwiseConv2dNativeBackpropInput",
  "DepthwiseConv2dNativeBackpropFilter",
  "BatchMatMul",
  "Sum",
  "Identity",
  "Cast",
  adamwKernelName,
  fused.gateKernelName,
  fused.gateGradKernelName,
  fused.layerNormKernelName,
  fused.layerNormGradKernelName,
] as const;

export { adamwKernelName, type AdamWStepAttrs } from "./adamw";

let installed = false;

/** Registers the kernels (idempotent). Safe to call when wasm is not the active backend. */
export function installWasmTrainingKernels(tf: typeof tfTypes): void {
  if (installed) return;
  if (!tf.getKernelsForBackend("wasm").length) return; // wasm backend not loaded
  installed = true;
  const table = new KernelTable(tf);
  for (const name of ["Conv2DBackpropInput", "BatchMatMul", "Sum", "Identity", "Cast"]) table.capture(name);

  const register = (name: string, fn: (a: Args) => TensorInfo) => {
    if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: fn as unknown as tfTypes.KernelFunc });
  };

  register("Conv2DBackpropInput", ({ inputs, backend, attrs }) =>
    withOps(table, backend, (ops) =>
      conv2dBackpropInput(tf, ops, inputs.dy!, inputs.filter!, (attrs as { inputShape: number[] }).inputShape, attrs as unknown as ConvAttrs, () =>
        ops.run("Conv2DBackpropInput", inputs, attrs),
      ),
    ),
  );
  register("Conv2DBackpropFilter", ({ inputs, backend, attrs }) =>
    withOps(table, backend, (ops) => conv2dBackpropFilter(tf, ops, inputs.x!, inputs.dy!, (attrs as { filterShape: number[] }).filterShape, attrs as unknown as ConvAttrs)),
  );
  register("DepthwiseConv2dNativeBackpropInput", ({ inputs, backend, attrs }) =>
    withOps(table, backend, (ops) => depthwiseBackpropInput(tf, ops, inputs.dy!, inputs.filter!, (attrs as { inputShape: number[] }).inputShape, attrs as unknown as ConvAttrs)),
  );
  register("DepthwiseConv2dNativeBackpropFilter", ({ inputs, backend, attrs }) =>
    withOps(table, backend, (ops) => depthwiseBackpropFilter(tf, ops, inputs.x!, inputs.dy!, (attrs as { filterShape: number[] }).filterShape, attrs as unknown as ConvAttrs)),
  );
  // The engine clones every tensor a gradient saves (an Identity kernel, and a Cast on the way back);
  // stock wasm copies the bytes each time (~2000 copies per NAFNet step). Tensors are immutable and
  // the wasm backend counts references (as its Reshape does), so the clone can share the data.
  const share = (backend: unknown, x: TensorInfo): TensorInfo => {
    (backend as { incRef(id: unknown): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  register("Identity", ({ inputs, backend, attrs }) =>
    inputs.x!.dtype === "string" ? withOps(table, backend, (ops) => ops.run("Identity", inputs, attrs)) : share(backend, inputs.x!),
  );
  register("Cast", ({ inputs, backend, attrs }) =>
    (attrs as { dtype: string }).dtype === inputs.x!.dtype && inputs.x!.dtype !== "string"
      ? share(backend, inputs.x!)
      : withOps(table, backend, (ops) => ops.run("Cast", inputs, attrs)),
  );
  register("Sum", ({ inputs, backend, attrs }) => {
    const x = inputs.x!;
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const lead = leadingAxesCount(x.shape.length, axis);
    if (x.dtype === "float32" && lead > 0 && lead < x.shape.length) return sumLeading(backend as WasmBackend, x, lead, keepDims);
    return withOps(table, backend, (ops) => ops.run("Sum", inputs, attrs));
  });
  const raw = (name: string, fn: (inputs: Record<string, TensorInfo>, backend: WasmBackend, attrs: Record<string, unknown>) => TensorInfo | TensorInfo[]) =>
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: ((a: Args) => fn(a.inputs, a.backend as WasmBackend, a.attrs ?? {})) as unknown as tfTypes.KernelFunc });
  raw(fused.gateKernelName, (i, b) => fused.simpleGate(b, i.x!));
  raw(fused.gateGradKernelName, (i, b) => fused.simpleGateGrad(b, i.x!, i.dy!));
  raw(fused.layerNormKernelName, (i, b, a) => fused.channelLayerNorm(b, i.x!, i.weight!, i.bias!, a.eps as number));
  raw(fused.layerNormGradKernelName, (i, b, a) => fused.channelLayerNormGrad(b, i.x!, i.weight!, i.dy!, a.eps as number));
  tf.registerKernel({
    kernelName: adamwKernelName,
    backendName: "wasm",
    kernelFunc: (({ inputs, backend, attrs }: Args) =>
      adamwStep(backend as WasmBackend, inputs as { param: TensorInfo; m: TensorInfo; v: TensorInfo; grad: TensorInfo }, attrs as unknown as AdamWStepAttrs)) as unknown as tfTypes.KernelFunc,
  });
  // Transposed operands are materialised once, then a plain GEMM runs (~6x faster than the flags).
  register("BatchMatMul", ({ inputs, backend, attrs }) =>
    withOps(table, backend, (ops) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const swapLast = (t: TensorInfo) => {
        const r = t.shape.length;
        const perm = [...Array(r).keys()];
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        return ops.transpose(t, perm);
      };
      const a = transposeA ? swapLast(inputs.a!) : inputs.a!;
      const b = transposeB ? swapLast(inputs.b!) : inputs.b!;
      return ops.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
    }),
  );
}

onBackendReady((tf, backend) => {
  if (backend === "wasm") installWasmTrainingKernels(tf);
});
