/**
 * Non-blind baselines: Wiener with zero noise inverts a circular blur exactly; Richardson-Lucy keeps
 * the flux, raises the Poisson likelihood and lowers the error at every iteration on noiseless data;
 * FISTA-TV's objective never rises and it beats the blurred input in PSNR; golden values from an
 * independent NumPy implementation (test/fixtures/nonblind/make_fixture.py, command in its
 * docstring); the model_type registry.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as fs from "node:fs";
import type { ImageHWC, NumericArray } from "../../src/array";
import { createNonBlindModel, knownModelTypes, modelTypeEntry } from "../../src/models/model-types";
import {
  blurImage,
  deconvolveImage,
  fistaPlanes,
  gaussianPsf,
  proxTv,
  richardsonLucyPlanes,
  totalVariation,
  wienerDeconvolve,
} from "../../src/models/nonblind";
import { randomScene, SyntheticBlurDataset } from "../../src/data/readers/synthetic";
import { Trainer } from "../../src/train/trainer";
import { ConfigError } from "../../src/util/errors";
import * as os from "node:os";
import { Rng } from "../../src/util/rng";

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "../fixtures/nonblind/golden.json"), "utf8")) as {
  H: number;
  W: number;
  kernel: number[][];
  x: number[];
  y: number[];
  rl10: number[];
  wiener005: number[];
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
function psnr(a: ImageHWC, b: ImageHWC, crop = 0): number {
  let s = 0, n = 0;
  for (let y = crop; y < a.height - crop; y++)
    for (let x = crop; x < a.width - crop; x++)
      for (let c = 0; c < a.channels; c++) {
        const i = (y * a.width + x) * a.channels + c;
        s += (a.data[i]! - b.data[i]!) ** 2;
        n++;
      }
  return 10 * Math.log10(1 / (s / n));
}

/** Direct circular convolution (the independent reference for the FFT operator). */
function circularConvolve(img: ImageHWC, psf: ImageHWC<NumericArray>): Float32Array {
  const { height: H, width: W, channels: C } = img;
  const out = new Float32Array(img.data.length);
  const cy = Math.floor(psf.height / 2), cx = Math.floor(psf.width / 2);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let i = 0; i < psf.height; i++)
          for (let j = 0; j < psf.width; j++) s += psf.data[i * psf.width + j]! * img.data[((((y - i + cy) % H) + H) % H * W + ((((x - j + cx) % W) + W) % W)) * C + c]!;
        out[(y * W + x) * C + c] = s;
      }
  return out;
}

const goldenPsf: ImageHWC<NumericArray> = { data: Float64Array.from(golden.kernel.flat()), height: 3, width: 5, channels: 1 };
const goldenImage = (v: number[]): ImageHWC => ({ data: Float32Array.from(v), height: golden.H, width: golden.W, channels: 1 });

describe("models/nonblind", function () {
  this.timeout(60000);

  it("blurs by circular convolution (FFT operator vs a direct sum, asymmetric kernel, odd sizes)", () => {
    const img = randomScene(new Rng("op"), 21, 18, 3);
    const got = blurImage(img, goldenPsf, "circular");
    assert.ok(maxAbsDiff(got.data, circularConvolve(img, goldenPsf)) < 1e-6);
    assert.ok(maxAbsDiff(blurImage(goldenImage(golden.x), goldenPsf, "circular").data, golden.y) < 1e-6);
  });

  it("Wiener with zero noise inverts a circular blur exactly (OTF without zeros)", () => {
    const img = randomScene(new Rng("wiener"), 32, 40, 3);
    const psf = gaussianPsf(0.8, 7); // |OTF| >= ~0.008 at the corner frequency
    const y = blurImage(img, psf, "circular");
    const x = wienerDeconvolve(y, psf, { nsr: 0, boundary: "circular" });
    const err = maxAbsDiff(x.data, img.data);
    assert.ok(err < 2e-4, `max error ${err}`);
    assert.ok(maxAbsDiff(y.data, img.data) > 0.05, "the blur must change the image for the test to mean anything");
  });

  it("Wiener matches NumPy (nsr 0.05, asymmetric kernel)", () => {
    const x = wienerDeconvolve(goldenImage(golden.y), goldenPsf, { nsr: 0.05, boundary: "circular" });
    assert.ok(maxAbsDiff(x.data, golden.wiener005) < 1e-6);
  });

  it("Richardson-Lucy matches NumPy after 10 iterations", () => {
    const y = goldenImage(golden.y);
    const x = deconvolveImage(y, goldenPsf, "circular", (op, p) => richardsonLucyPlanes(op, p, { iterations: 10 }));
    assert.ok(maxAbsDiff(x.data, golden.rl10) < 1e-5, `max diff ${maxAbsDiff(x.data, golden.rl10)}`);
  });

  it("Richardson-Lucy keeps the flux, raises the likelihood and lowers the error every iteration (noiseless)", () => {
    const gt = randomScene(new Rng("rl"), 48, 48, 1);
    for (let i = 0; i < gt.data.length; i++) gt.data[i] = 0.05 + gt.data[i]!; // strictly positive
    const psf = gaussianPsf(1.5);
    const y = blurImage(gt, psf, "circular");
    const flux = y.data.reduce((a, b) => a + b, 0);
    const lik: number[] = [], err: number[] = [], fluxes: number[] = [];
    deconvolveImage(y, psf, "circular", (op, planes) =>
      richardsonLucyPlanes(op, planes, {
        iterations: 40,
        onIteration: (_it, x) => {
          const est = [new Float64Array(x[0]!.length)];
          op.forward(x, est);
          let l = 0, e = 0, f = 0;
          for (let i = 0; i < est[0]!.length; i++) {
            l += planes[0]![i]! * Math.log(est[0]![i]!) - est[0]![i]!;
            e += (x[0]![i]! - gt.data[i]!) ** 2;
            f += x[0]![i]!;
          }
          lik.push(l);
          err.push(Math.sqrt(e / gt.data.length));
          fluxes.push(f);
        },
      }),
    );
    for (const f of fluxes) assert.ok(Math.abs(f - flux) / flux < 1e-6, `flux ${f} vs ${flux}`);
    for (let i = 1; i < lik.length; i++) assert.ok(lik[i]! >= lik[i - 1]! - 1e-9 * Math.abs(lik[i - 1]!), `likelihood fell at iteration ${i + 1}`);
    for (let i = 1; i < err.length; i++) assert.ok(err[i]! < err[i - 1]!, `error rose at iteration ${i + 1}: ${err[i - 1]} -> ${err[i]}`);
    console.log(`      RL rmse ${err[0]!.toFixed(4)} -> ${err[err.length - 1]!.toFixed(4)} in 40 iterations`);
  });

  it("TV proximal step: decreases ½‖x−b‖² + λTV below b's value and keeps constants", () => {
    const rows = 20, cols = 17, rng = new Rng("tv");
    const b = Float64Array.from({ length: rows * cols }, () => rng.uniform(0, 1));
    const out = proxTv(b, rows, cols, 0.1, { iterations: 50 }, new Float64Array(b.length));
    const f = (x: Float64Array) => 0.5 * x.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) + 0.1 * totalVariation(x, rows, cols);
    assert.ok(f(out) < 0.7 * f(b), `${f(out)} vs ${f(b)}`);
    // Near-optimal: small random perturbations do not lower the objective (beyond FGP's tolerance).
    for (let k = 0; k < 5; k++) {
      const d = out.map((v) => v + 1e-2 * rng.normal(0, 1));
      assert.ok(f(d) > f(out) - 1e-4, `perturbation ${k} lowered the objective`);
    }
    const flat = new Float64Array(rows * cols).fill(0.3);
    assert.ok(maxAbsDiff(proxTv(flat, rows, cols, 0.5, { iterations: 20 }, new Float64Array(flat.length)), flat) < 1e-12);
  });

  it("FISTA-TV: the objective never rises and the result beats the blurred input in PSNR", () => {
    const ds = new SyntheticBlurDataset({ size: 1, h: 64, w: 64, channels: 3, sigma: [1.6, 1.6], noiseStd: 0.01, seed: "fista", gtKey: "gt", lqKey: "blur" });
    const s = ds.sample(0);
    const psf = gaussianPsf(1.6);
    let objective: number[] = [];
    const x = deconvolveImage(s.blur, psf, "reflect", (op, y) => {
      const r = fistaPlanes(op, y, { iterations: 40, lambda: 0.01 });
      objective = r.objective;
      return r.x;
    });
    for (let i = 1; i < objective.length; i++) assert.ok(objective[i]! <= objective[i - 1]! + 1e-12, `objective rose at ${i}`);
    console.log(`      FISTA-TV objective ${objective[0]!.toFixed(4)} -> ${objective[objective.length - 1]!.toFixed(4)}`);
    assert.ok(objective[objective.length - 1]! < 0.9 * objective[0]!);
    const pIn = psnr(s.blur, s.gt, 4), pOut = psnr(x, s.gt, 4);
    console.log(`      FISTA-TV PSNR ${pIn.toFixed(2)} -> ${pOut.toFixed(2)} dB`);
    assert.ok(pOut > pIn + 1, `${pIn} -> ${pOut}`);
  });

  it("model_type registry: the baselines restore SyntheticBlur pairs better than the input; unknown names list the known ones", () => {
    assert.deepEqual(knownModelTypes(), ["FISTA_model", "RL_model", "Simple_model", "Wiener_model"]);
    const ds = new SyntheticBlurDataset({ size: 1, h: 64, w: 64, channels: 3, sigma: [1.5, 1.5], noiseStd: 0.005, seed: "reg", gtKey: "gt", lqKey: "blur" });
    const s = ds.sample(0);
    const psf = gaussianPsf(1.5);
    const pIn = psnr(s.blur, s.gt, 4);
    const gains: string[] = [];
    for (const [name, opts] of [
      ["Wiener_model", { noise_level: 0.003 }],
      ["RL_model", { iterations: 30 }],
      ["FISTA_model", { iterations: 30, lambda_val: 0.005 }],
    ] as const) {
      const m = createNonBlindModel(name, opts);
      const p = psnr(m.restore(s.blur, psf), s.gt, 4);
      gains.push(`${name} ${(p - pIn).toFixed(2)} dB`);
      assert.ok(p > pIn + 1, `${name}: ${pIn} -> ${p}`);
    }
    console.log(`      PSNR gains over the blurred input (${pIn.toFixed(2)} dB): ${gains.join(", ")}`);
    assert.throws(() => modelTypeEntry("Nope_model", "c.yml"), (e: unknown) => e instanceof ConfigError && /FISTA_model, RL_model, Simple_model, Wiener_model/.test(e.message) && /c\.yml/.test(e.message));
    assert.throws(() => createNonBlindModel("RL_model", { iterations: 2.5 }, "c.yml"), (e: unknown) => e instanceof ConfigError && /iterations/.test(e.message));
    assert.throws(() => createNonBlindModel("Wiener_model", { boundary: "zero" }, "c.yml"), (e: unknown) => e instanceof ConfigError && /circular, reflect/.test(e.message));
    assert.throws(() => createNonBlindModel("Simple_model", {}, "c.yml"), ConfigError);
  });

  it("svd train runs a non-blind model_type over the validation set (metrics.csv, images)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-nonblind-"));
    try {
      process.env.SVD_QUIET = "1";
      const cfg = path.join(__dirname, "../../configs/train/wiener_synthetic.yml");
      const means: Record<string, number> = {};
      for (const m of ["Wiener_model", "RL_model"]) {
        const r = await new Trainer(cfg, { overrides: [`model_type=${m}`, `path.root=${dir}`, "datasets.val.size=2", `experiment_key=${m}`] }).run();
        assert.equal(r.steps.length, 0);
        means[m] = r.validation[0]!.psnr!;
        const csv = fs.readFileSync(path.join(r.experimentsRoot, "metrics.csv"), "utf8").trim().split("\n");
        assert.equal(csv.length, 4);
        assert.ok(fs.existsSync(path.join(r.experimentsRoot, "images", "out_0001_0000k.png")));
      }
      assert.ok(means.Wiener_model! > 25 && means.RL_model! > 25, JSON.stringify(means));
      assert.throws(() => new Trainer(cfg, { overrides: ["model_type=Foo_model"] }), (e: unknown) => e instanceof ConfigError && /Wiener_model/.test(e.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
