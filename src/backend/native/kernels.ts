/**
 * Registers the oneDNN addon's conv and matmul kernels for tfjs's wasm backend, its threaded
 * memory-bound kernels (Sum over a block of axes, the fused AdamW step) and
 * the fused dense kernels (1x1 conv with bias, and its whole backward in one call). Each kernel reads
 * its inputs and writes its output straight in the wasm heap (views from typedArrayFromHeap, taken
 * after makeOutput because allocating may grow the heap). Cases the addon does not cover (NCHW,
 * other dtypes, empty tensors, batch shapes that do not broadcast by flattening) go to the kernel
 * that was registered before (stock wasm or src/backend/wasm-kernels).
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { KernelFunc, TensorInfo, WasmBackend } from "../wasm-kernels/ops";
import type { DnnlAddon } from "./addon";
import { adamwKernelName, type AdamWStepAttrs } from "../wasm-kernels";
import { addonConvGeometry, type ConvAttrs } from "./geometry";
import { normalizeAxes, reducedBlock } from "./layout";

type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };

/** Kernel names this module replaces for 'wasm'. */
export const nativeKernelNames = [
  "Conv2D",
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
  "DepthwiseConv2dNative",
  "DepthwiseConv2dNativeBackpropInput",
  "DepthwiseConv2dNativeBackpropFilter",
  "BatchMatMul",
  "Sum",
  adamwKernelName,
] as const;

/**
 * Kernels only the addon provides: y = x w + b for x [M, K], w [K, N], b [N] (a 1x1 conv over
 * pixels with its bias in the matmul primitive), and its backward (dx, dw, db from x, w, dy).
 * src/models/layers.ts uses them when the active backend has them.
 */
export const denseKernelName = "SvdDense";
export const denseBackwardKernelName = "SvdDenseBackward";

const CONV_FORWARD = 0, CONV_BACKWARD_DATA = 1, CONV_BACKWARD_WEIGHTS = 2;

const f32 = (...ts: TensorInfo[]) => ts.every((t) => t.dtype === "float32");

/** Returns a function that unregisters the native kernels and restores the previous ones. */
export function registerNativeKernels(tf: typeof tfTypes, addon: DnnlAddon): () => void {
  const previous = new Map<string, KernelFunc>();
  for (const name of nativeKernelNames) {
    const cfg = tf.getKernel(name, "wasm");
    if (!cfg) throw new Error(`native kernels: wasm kernel '${name}' is not registered to fall back to`);
    previous.set(name, cfg.kernelFunc as unknown as KernelFunc);
  }
  const fallback = (name: string, a: Args) => previous.get(name)!({ inputs: a.inputs, backend: a.backend, attrs: a.attrs });
  const register = (name: (typeof nativeKernelNames)[number], fn: (a: Args, b: WasmBackend) => TensorInfo | TensorInfo[] | null) => {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      kernelFunc: ((a: Args) => fn(a, a.backend as WasmBackend) ?? fallback(name, a)) as unknown as tfTypes.KernelFunc,
    });
  };

  /** A conv into a new tensor of `outShape` (released again if oneDNN throws). */
  const conv = (b: WasmBackend, outShape: number[], mode: 0 | 1 | 2, a: TensorInfo, w: TensorInfo, geom: number[]): TensorInfo => {
    const out = b.makeOutput(outShape, "float32");
    try {
      addon.conv(mode, b.typedArrayFromHeap(a), b.typedArrayFromHeap(w), b.typedArrayFromHeap(out), geom);
    } catch (err) {
      b.disposeData(out.dataId);
      throw err;
    }
    return out;
  };

  for (const depthwise of [false, true]) {
    const prefix = depthwise ? "DepthwiseConv2dNative" : "Conv2D";
    register(prefix as "Conv2D", ({ inputs, attrs }, b) => {
      const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
      if (!f32(x, filter)) return null;
      const g = addonConvGeometry(tf, x.shape, filter.shape, attrs as unknown as ConvAttrs, depthwise);
      return g && conv(b, g.outShape, CONV_FORWARD, x, filter, g.geom);
    });
    register(`${prefix}BackpropInput` as "Conv2DBackpropInput", ({ inputs, attrs }, b) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const inputShape = (attrs as { inputShape: number[] }).inputShape;
      if (!f32(dy, filter)) return null;
      const g = addonConvGeometry(tf, inputShape, filter.shape, attrs as unknown as ConvAttrs, depthwise);
      return g && conv(b, inputShape, CONV_BACKWARD_DATA, dy, filter, g.geom);
    });
    register(`${prefix}BackpropFilter` as "Conv2DBackpropFilter", ({ inputs, attrs }, b) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const filterShape = (attrs as { filterShape: number[] }).filterShape;
      if (!f32(x, dy)) return null;
      const g = addonConvGeometry(tf, x.shape, filterShape, attrs as unknown as ConvAttrs, depthwise);
      return g && conv(b, filterShape, CONV_BACKWARD_WEIGHTS, x, dy, g.geom);
    });
  }

  register("BatchMatMul", ({ inputs, attrs }, b) => {
    const { a, b: bT } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!f32(a, bT) || a.shape.length < 2 || bT.shape.length < 2) return null;
    const ra = a.shape.length, rb = bT.shape.length;
    const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const K2 = transposeB ? bT.shape[rb - 1]! : bT.shape[rb - 2]!;
    const N = transposeB ? bT.shape[rb - 2]! : bT.shape[rb - 1]!;
    if (K !== K2 || M * K * N === 0) return null; // the previous kernel reports the mismatch
    const batchShapeA = a.shape.slice(0, -2), batchShapeB = bT.shape.slice(0, -2);
    const prod = (s: number[]) => s.reduce((p, d) => p * d, 1);
    const bA = prod(batchShapeA), bB = prod(batchShapeB);
    let batchShape: number[];
    try {
      batchShape = tf.backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
    } catch {
      return null; // the previous kernel reports the mismatch
    }
    // Flattened batches: equal, or one side a single matrix broadcast to all.
    if (prod(batchShape) !== Math.max(bA, bB) || (bA !== bB && Math.min(bA, bB) !== 1)) return null;
    const outShape = [...batchShape, M, N];
    const out = b.makeOutput(outShape, "float32");
    try {
      addon.matmul(b.typedArrayFromHeap(a), b.typedArrayFromHeap(bT), b.typedArrayFromHeap(out), [bA, bB, M, K, N, transposeA ? 1 : 0, transposeB ? 1 : 0]);
    } catch (err) {
      b.disposeData(out.dataId);
      throw err;
    }
    return out;
  });

  /** New float32 tensors for `shapes`, and a call filling them that releases them if it throws. */
  const outputs = (b: WasmBackend, shapes: number[][], fill: (views: Float32Array[]) => void): TensorInfo[] => {
    const outs = shapes.map((s) => b.makeOutput(s, "float32"));
    try {
      fill(outs.map((o) => b.typedArrayFromHeap(o)));
    } catch (err) {
      for (const o of outs) b.disposeData(o.dataId);
      throw err;
    }
    return outs;
  };

  register("Sum", ({ inputs, attrs }, b) => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[] | null; keepDims: boolean };
    const block = f32(x) ? reducedBlock(x.shape, axis) : null;
    if (!block) return null;
    const reduced = new Set(normalizeAxes(x.shape.length, axis));
    const outShape = keepDims ? x.shape.map((d, i) => (reduced.has(i) ? 1 : d)) : x.shape.filter((_, i) => !reduced.has(i));
    return outputs(b, [outShape], ([o]) => addon.sumMiddle(b.typedArrayFromHeap(x), o!, block))[0]!;
  });
  register(adamwKernelName, ({ inputs, attrs }, b) => {
    const { param, m, v, grad } = inputs as { param: TensorInfo; m: TensorInfo; v: TensorInfo; grad: TensorInfo };
    if (!f32(param, m, v, grad)) return null;
    const h = attrs as unknown as AdamWStepAttrs;
    const hyper = [h.beta1, h.beta2, h.eps, h.decay, h.stepSize, h.sqrtC2];
    const heap = (t: TensorInfo) => b.typedArrayFromHeap(t);
    return outputs(b, [param.shape, param.shape, param.shape], ([p2, m2, v2]) => addon.adamw(heap(param), heap(m), heap(v), heap(grad), p2!, m2!, v2!, hyper));
  });

  const denseShapes = (x: TensorInfo, w: TensorInfo) => {
    if (x.shape.length !== 2 || w.shape.length !== 2 || x.shape[1] !== w.shape[0]) {
      throw new Error(`${denseKernelName}: expected x [M, K] and w [K, N], found x [${x.shape}] and w [${w.shape}]`);
    }
    return { M: x.shape[0]!, K: x.shape[1]!, N: w.shape[1]! };
  };
  tf.registerKernel({
    kernelName: denseKernelName,
    backendName: "wasm",
    kernelFunc: (({ inputs, backend }: Args) => {
      const b = backend as WasmBackend;
      const { x, w, bias } = inputs as { x: TensorInfo; w: TensorInfo; bias: TensorInfo };
      const { M, K, N } = denseShapes(x, w);
      if (bias.shape.length !== 1 || bias.shape[0] !== N) throw new Error(`${denseKernelName}: bias must be [${N}], found [${bias.shape}]`);
      const heap = (t: TensorInfo) => b.typedArrayFromHeap(t);
      return outputs(b, [[M, N]], ([o]) => addon.matmul(heap(x), heap(w), o!, [1, 1, M, K, N, 0, 0], heap(bias)))[0]!;
    }) as unknown as tfTypes.KernelFunc,
  });
  tf.registerKernel({
    kernelName: denseBackwardKernelName,
    backendName: "wasm",
    kernelFunc: (({ inputs, backend }: Args) => {
      const b = backend as WasmBackend;
      const { x, w, dy } = inputs as { x: TensorInfo; w: TensorInfo; dy: TensorInfo };
      const { M, K, N } = denseShapes(x, w);
      if (dy.shape.length !== 2 || dy.shape[0] !== M || dy.shape[1] !== N) throw new Error(`${denseBackwardKernelName}: dy must be [${M}, ${N}], found [${dy.shape}]`);
      const heap = (t: TensorInfo) => b.typedArrayFromHeap(t);
      return outputs(b, [x.shape, w.shape, [N]], ([dx, dw, db]) => addon.denseBackward(heap(x), heap(w), heap(dy), dx!, dw!, db!, [M, K, N]));
    }) as unknown as tfTypes.KernelFunc,
  });

  return () => {
    for (const name of [denseKernelName, denseBackwardKernelName]) tf.unregisterKernel(name, "wasm");
    for (const [name, fn] of previous) {
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: fn as unknown as tfTypes.KernelFunc });
    }
  };
}
