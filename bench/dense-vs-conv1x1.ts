/**
 * The 1x1 convs of the NAFNet train step two ways with the native kernels, interleaved in one
 * process: as a oneDNN matmul over pixels with the bias inside it (layers.dense: SvdDense /
 * SvdDenseBackward, what src/models/layers.ts uses), as the same matmul with a separate bias Add (the
 * path without the fused kernels), and as a oneDNN 1x1 convolution (tf.conv2d NHWC, then the bias add). Forward and both gradients per call; median ms per shape.
 *
 *   npx tsx bench/dense-vs-conv1x1.ts [--rounds 15] [--threads 2]
 */
import * as os from "node:os";
import type * as tfTypes from "@tensorflow/tfjs";
import { initBackend, installNativeKernels, setNativeThreads } from "../src/backend";
import { dense } from "../src/models/layers";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : def;
}
const rounds = Number(arg("rounds", "15"));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
// [B, H, W, Cin, Cout]: the middle blocks (28 of them at 8x8, conv1/conv4 and conv3/conv5) and the top level.
const shapes: Array<[number, number, number, number, number]> = [[4, 8, 8, 256, 512], [4, 8, 8, 256, 256], [4, 64, 64, 32, 64]];

(async () => {
  const { tf } = await initBackend("wasm");
  if (!installNativeKernels(tf)) throw new Error("dense-vs-conv1x1: native kernels not in use (npm run build:native)");
  setNativeThreads(Number(arg("threads", "2")));
  console.log(`1x1 conv forward + both gradients, native kernels on ${arg("threads", "2")} thread(s), median of ${rounds}; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const [B, H, W, ci, co] of shapes) {
    const x = tf.randomNormal([B, H, W, ci]) as tfTypes.Tensor4D, w = tf.randomNormal([1, 1, ci, co]) as tfTypes.Tensor4D, b = tf.randomNormal([co]);
    const dy = tf.randomNormal([B, H, W, co]);
    const asDense = (xx: tfTypes.Tensor, ww: tfTypes.Tensor, bb: tfTypes.Tensor) =>
      tf.reshape(dense(tf, tf.reshape(xx, [B * H * W, ci]) as tfTypes.Tensor2D, tf.reshape(ww, [ci, co]) as tfTypes.Tensor2D, bb), [B, H, W, co]);
    const asMatmulAdd = (xx: tfTypes.Tensor, ww: tfTypes.Tensor, bb: tfTypes.Tensor) =>
      tf.reshape(tf.add(tf.matMul(tf.reshape(xx, [B * H * W, ci]) as tfTypes.Tensor2D, tf.reshape(ww, [ci, co]) as tfTypes.Tensor2D), bb), [B, H, W, co]);
    const asConv = (xx: tfTypes.Tensor, ww: tfTypes.Tensor, bb: tfTypes.Tensor) => tf.add(tf.conv2d(xx as tfTypes.Tensor4D, ww as tfTypes.Tensor4D, 1, "valid"), bb);
    const time = (f: typeof asDense) => {
      const t0 = performance.now();
      tf.tidy(() => {
        const y = f(x, w, b);
        const g = tf.grads(f)([x, w, b], dy);
        for (const t of [y, ...g]) t.dataSync();
      });
      return performance.now() - t0;
    };
    time(asDense), time(asMatmulAdd), time(asConv); // primitives built
    const td: number[] = [], tm: number[] = [], tc: number[] = [];
    for (let r = 0; r < rounds; r++) (td.push(time(asDense)), tm.push(time(asMatmulAdd)), tc.push(time(asConv)));
    console.log(`  [${B},${H},${W},${ci}] -> ${co}: matmul + fused bias ${median(td).toFixed(2)} ms, matmul then Add ${median(tm).toFixed(2)} ms, 1x1 convolution + Add ${median(tc).toFixed(2)} ms`);
    tf.dispose([x, w, b, dy]);
  }
})();
