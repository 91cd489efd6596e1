/**
 * Test helper: runs the same tf function on tfjs's cpu backend (the reference) and on wasm with the
 * same inputs, and returns the largest error relative to each output's largest magnitude.
 */
import { strict as assert } from "node:assert";
import type * as tfTypes from "@tensorflow/tfjs";
import { AdamW } from "../../src/train/adamw";
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

/**
 * Three AdamW steps (src/train/adamw) over parameters of the given shapes, the same random inits and
 * gradients on cpu (the tf-op update) and on wasm (SvdAdamWStep, native or wasm); asserts every
 * parameter and moment agrees within 1e-6 relative.
 */
export function assertAdamWMatchesCpu(tf: typeof tfTypes, rng: Rng, shapes: number[][]): void {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const init = shapes.map((s) => randArray(rng, size(s)));
  const grads = [0, 1, 2].map(() => shapes.map((s) => randArray(rng, size(s))));
  const run = (backend: string) => {
    tf.setBackend(backend);
    assert.equal(!!tf.getKernel("SvdAdamWStep", backend), backend === "wasm", `SvdAdamWStep is registered on wasm only (checked on ${backend})`);
    const params = shapes.map((s, i) => ({ name: `p${i}`, variable: tf.variable(tf.tensor(init[i]!, s)) }));
    const opt = new AdamW(tf, params, { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.05 });
    grads.forEach((gs, step) => {
      const g = Object.fromEntries(gs.map((d, i) => [`p${i}`, tf.tensor(d, shapes[i])]));
      opt.apply(g, 0.01 * (step + 1));
      tf.dispose(Object.values(g));
    });
    const out = [...params.map((p) => p.variable), ...opt.state().map(([, v]) => v)].map((t) => t.dataSync().slice());
    opt.dispose();
    params.forEach((p) => p.variable.dispose());
    return out;
  };
  const ref = run("cpu"), got = run("wasm");
  ref.forEach((r, k) => r.forEach((x, i) => assert.ok(Math.abs(got[k]![i]! - x) <= 1e-6 * Math.max(1, Math.abs(x)), `tensor ${k}[${i}]: ${got[k]![i]} vs ${x}`)));
}
