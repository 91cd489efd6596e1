/**
 * Test helper: runs the same tf function on tfjs's cpu backend (the reference) and on wasm with the
 * same inputs, and returns the largest error relative to each output's largest magnitude.
 */
import { strict as assert } from "node:assert";
import type * as tfTypes from "@tensorflow/tfjs";
import { Rng } from "../../src/util/rng";

export function randArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

export function compareWithCpu(
  tf: typeof tfTypes,
  f: (...xs: tfTypes.Tensor[]) => tfTypes.Tensor[],
  inputs: Array<{ data: Float32Array; shape: number[] }>,
): number {
  const run = (backend: string) => {
    tf.setBackend(backend);
    return tf.tidy(() => f(...inputs.map((i) => tf.tensor(i.data, i.shape))).map((t) => t.dataSync().slice() as Float32Array));
  };
  const ref = run("cpu");
  const got = run("wasm");
  let worst = 0;
  ref.forEach((r, k) => {
    const g = got[k]!;
    assert.equal(g.length, r.length, `output ${k}: ${g.length} values on wasm, ${r.length} on cpu`);
    let num = 0, den = 0;
    for (let i = 0; i < r.length; i++) {
      num = Math.max(num, Math.abs(g[i]! - r[i]!));
      den = Math.max(den, Math.abs(r[i]!));
    }
    worst = Math.max(worst, num / Math.max(den, 1e-12));
  });
  return worst;
}
