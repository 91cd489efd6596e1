/**
 * AdamW with PyTorch's semantics (decoupled weight decay: p <- p - lr*wd*p, then the Adam update with
 * bias correction). The state (moments and step count) is exposed by parameter name so checkpoints
 * can save it and a resumed run continues bit-for-bit.
 */
import type * as tfTypes from "@tensorflow/tfjs";

/** Kernel name of the fused update (registered by src/backend/wasm-kernels; same literal, no import cycle). */
const fusedAdamWKernel = "SvdAdamWStep";

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class AdamW {
  /** Number of steps taken (bias correction uses it). */
  step = 0;
  private readonly m = new Map<string, tfTypes.Variable>();
  private readonly v = new Map<string, tfTypes.Variable>();

  constructor(
    private readonly tf: typeof tfTypes,
    private readonly params: Array<{ name: string; variable: tfTypes.Variable }>,
    readonly opts: AdamWOptions,
  ) {
    for (const p of params) {
      this.m.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
      this.v.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
    }
  }

  /** One update with gradients keyed by parameter name (missing names are skipped). */
  apply(grads: Record<string, tfTypes.Tensor>, lr: number): void {
    const tf = this.tf;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this.opts;
    this.step += 1;
    const c1 = 1 - b1 ** this.step, c2 = 1 - b2 ** this.step;
    const stepSize = lr / c1;
    const sqrtC2 = Math.sqrt(c2);
    // One fused pass per parameter where the backend has the kernel (wasm: src/backend/wasm-kernels/adamw.ts).
    const fused = !!tf.getKernel(fusedAdamWKernel, tf.getBackend());
    for (const p of this.params) {
      const g = grads[p.name];
      if (!g) continue;
      if (fused) {
        const m = this.m.get(p.name)!, v = this.v.get(p.name)!;
        const attrs = { beta1: b1, beta2: b2, eps, decay: 1 - lr * wd, stepSize, sqrtC2 };
        const [pNew, mNew, vNew] = tf.engine().runKernel(fusedAdamWKernel, { param: p.variable, m, v, grad: g }, attrs as unknown as tfTypes.NamedAttrMap) as tfTypes.Tensor[];
        m.assign(mNew!);
        v.assign(vNew!);
        p.variable.assign(pNew!);
        tf.dispose([pNew!, mNew!, vNew!]);
        continue;
      }
      tf.tidy(() => {
        const m = this.m.get(p.name)!, v = this.v.get(p.name)!;
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(mNew);
        v.assign(vNew);
        const decayed = wd ? tf.mul(p.variable, 1 - lr * wd) : p.variable;
        // torch: p -= (lr / c1) * m / (sqrt(v)/sqrt(c2) + eps)
        const denom = tf.add(tf.div(tf.sqrt(vNew), sqrtC2), eps);
        p.variable.assign(tf.sub(decayed, tf.mul(tf.div(mNew, denom), stepSize)));
      });
    }
  }

  /** Moments by name ("exp_avg.<name>", "exp_avg_sq.<name>") for checkpoints. */
  state(): Array<[string, tfTypes.Variable]> {
    const out: Array<[string, tfTypes.Variable]> = [];
    for (const p of this.params) {
      out.push([`exp_avg.${p.name}`, this.m.get(p.name)!]);
      out.push([`exp_avg_sq.${p.name}`, this.v.get(p.name)!]);
    }
    return out;
  }

  /**
   * Restores moments; entries whose shape no longer matches are dropped (kept at zero), as the
   * original does on resume. Returns the names that were dropped.
   */
  loadState(tensors: Map<string, { shape: number[]; data: Float32Array }>, step: number): string[] {
    const dropped: string[] = [];
    this.step = step;
    for (const [key, variable] of this.state()) {
      const t = tensors.get(key);
      if (!t || t.data.length !== variable.size) {
        dropped.push(key);
        continue;
      }
      const value = this.tf.tensor(t.data, variable.shape);
      variable.assign(value);
      value.dispose();
    }
    return dropped;
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
  }
}
