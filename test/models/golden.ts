/**
 * Shared check for architectures with PyTorch golden fixtures: load the fixture's state dict, run
 * the NCHW input through the NHWC network, compare with the fixture's output (relative to its
 * largest magnitude), and check that saving the state dict gives back the same tensors.
 */
import { strict as assert } from "node:assert";
import type * as tfTypes from "@tensorflow/tfjs";
import type { Network } from "../../src/models/network";
import { parseSafetensors, readSafetensors, serializeSafetensors } from "../../src/io/safetensors";

export function checkTorchGolden(tf: typeof tfTypes, net: Network, weightsFile: string, ioFile: string, relTol = 1e-4): { maxErr: number; maxRef: number } {
  net.params.loadTorchStateDict(readSafetensors(weightsFile).tensors, weightsFile);
  const io = readSafetensors(ioFile).tensors;
  const x = io.get("input")!, want = io.get("output")!;
  const got = tf.tidy(() => {
    const nhwc = tf.transpose(tf.tensor(x.data, x.shape as [number, number, number, number]), [0, 2, 3, 1]) as tfTypes.Tensor4D;
    return tf.transpose(net.apply(nhwc), [0, 3, 1, 2]).dataSync() as Float32Array;
  });
  let maxErr = 0, maxRef = 0;
  for (let i = 0; i < got.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(got[i]! - want.data[i]!));
    maxRef = Math.max(maxRef, Math.abs(want.data[i]!));
  }
  assert.ok(maxErr / maxRef < relTol, `max abs error ${maxErr} (max |ref| ${maxRef})`);
  const saved = parseSafetensors(serializeSafetensors(net.params.toTorchStateDict())).tensors;
  const orig = readSafetensors(weightsFile).tensors;
  assert.deepEqual([...saved.keys()].sort(), [...orig.keys()].sort());
  for (const [k, t] of orig) assert.deepEqual(saved.get(k)!.data, t.data, k);
  return { maxErr, maxRef };
}
