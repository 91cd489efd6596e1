import { strict as assert } from "node:assert";
import { defaultQisParams, qisGain, simulateQis, type QisParams } from "../../src/data/noise";
import { siemensStar } from "../../src/data/scenes/siemens-star";
import { makeImage, type ImageHWC } from "../../src/array";
import { logGamma, Rng } from "../../src/util/rng";

/**
 * The QIS forward model checked against its photon statistics (spec dataset-generation.md §3.6):
 * per pixel θ = gray·PPP/(mean(gray) + 1e−4) and per frame λ = (QE·θ + θ_dark·t)/N; a frame reads
 * clamp(round((min(K, fwc) + R)·gain·L/fwc), 0, L) with K ~ Poisson(λ), R ~ N(0, σ_read²), L = 2^bits − 1;
 * the output averages the N frames and divides by L. The expected values below are computed from
 * those distributions (Poisson pmf, normal cdf by quadrature), not from the simulator.
 */

const poissonPmf = (k: number, lambda: number) => Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));

/** Standard normal cdf by Simpson quadrature of the density (error far below the test tolerances). */
function normalCdf(z: number): number {
  if (z < -12) return 0;
  if (z > 12) return 1;
  const steps = 4000, h = z / steps;
  let s = 0;
  for (let i = 0; i <= steps; i++) s += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * Math.exp((-0.5 * (i * h) ** 2));
  return 0.5 + (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** Per-frame λ of every pixel, from the spec's formula. */
function frameLambdas(gray: ImageHWC, p: QisParams): Float64Array {
  const ppp = p.ppp ?? 65 * p.pixelSizeUm * p.lux * 60 * p.exposureS;
  const mean = gray.data.reduce((s, v) => s + v, 0) / gray.data.length;
  return Float64Array.from(gray.data, (g) => (p.qe * ((g * ppp) / (mean + 1e-4)) + p.thetaDark * p.exposureS) / p.frames);
}

/** P(a 1-bit frame reads 1) = P((min(K, fwc) + R)·gain/fwc ≥ 1/2), K ~ Poisson(λ), R ~ N(0, σ²). */
function binaryFrameP(lambda: number, gain: number, p: QisParams): number {
  const threshold = p.fullWell / (2 * gain); // electrons for half a level
  let prob = 0;
  const kMax = Math.ceil(lambda + 20 * Math.sqrt(lambda) + 30);
  for (let k = 0; k <= kMax; k++) {
    const e = Math.min(k, p.fullWell);
    const hit = p.sigmaRead > 0 ? 1 - normalCdf((threshold - e) / p.sigmaRead) : e >= threshold ? 1 : 0;
    prob += poissonPmf(k, lambda) * hit;
  }
  return prob;
}

/**
 * z-scores of the image mean and of the summed squared deviations, for pixels that each average N
 * independent binary frames with probabilities `probs` (x = B/N, B ~ Binomial(N, p)).
 */
function binomialZ(x: Float32Array, probs: ArrayLike<number>, N: number): { zMean: number; zVar: number } {
  let dev = 0, varSum = 0, sq = 0, sqExpected = 0, sqVar = 0;
  for (let i = 0; i < x.length; i++) {
    const p = probs[i] as number, q = 1 - p;
    const v = (p * q) / N;
    const mu4 = (N * p * q * (1 + 3 * (N - 2) * p * q)) / N ** 4; // 4th central moment of B/N
    dev += (x[i] as number) - p;
    varSum += v;
    sq += ((x[i] as number) - p) ** 2;
    sqExpected += v;
    sqVar += mu4 - v * v;
  }
  return { zMean: dev / Math.sqrt(varSum), zVar: (sq - sqExpected) / Math.sqrt(sqVar) };
}

describe("data: QIS sensor model (simulateQis)", () => {
  const star = siemensStar(64, 64, 1);

  it("16 averaged 1-bit frames: mean 1 − e^(−λ) per pixel with binomial variance (no read noise)", () => {
    const p: QisParams = { ...defaultQisParams, ppp: 20, frames: 16, bits: 1, sigmaRead: 0 };
    const flat = makeImage(64, 64, 1, new Float32Array(64 * 64).fill(0.5));
    const { image, gain } = simulateQis(flat, p, new Rng("qis-flat"));
    assert.equal(gain, p.fullWell, "multi-frame 1-bit readout counts photo-electrons (one level each)");
    const lambda = frameLambdas(flat, p)[0]!;
    const prob = 1 - Math.exp(-lambda);
    assert.ok(Math.abs(lambda - 0.9998) < 1e-3, `λ ${lambda}`);
    assert.ok(image.data.every((v) => Number.isInteger(v * 16)), "an average of 16 binary frames is a multiple of 1/16");
    const { zMean, zVar } = binomialZ(image.data, new Float64Array(image.data.length).fill(prob), 16);
    assert.ok(Math.abs(zMean) < 4, `mean z-score ${zMean}`);
    assert.ok(Math.abs(zVar) < 4, `variance z-score ${zVar}`);
  });

  it("the issue-14 star (lux 2, 16 frames, 1 bit, default read noise) follows the per-pixel binomial statistics", () => {
    const p: QisParams = { ...defaultQisParams, lux: 2, frames: 16, bits: 1 };
    const { image, gain, ppp } = simulateQis(star, p, new Rng(14));
    assert.ok(Math.abs(ppp - 78) < 1e-9);
    const probs = Float64Array.from(frameLambdas(star, p), (l) => binaryFrameP(l, gain, p));
    const mean = image.data.reduce((s, v) => s + v, 0) / image.data.length;
    const expectedMean = probs.reduce((s, v) => s + v, 0) / probs.length;
    assert.ok(mean > 0.5, `mean ${mean} (was 0: every frame rounded to 0)`);
    const { zMean, zVar } = binomialZ(image.data, probs, 16);
    assert.ok(Math.abs(zMean) < 4, `mean ${mean} vs expected ${expectedMean}: z ${zMean}`);
    assert.ok(Math.abs(zVar) < 4, `variance z-score ${zVar}`);
  });

  it("multi-bit frames count photo-electrons up to 2^bits − 1: mean E[min(K, 3)]/3", () => {
    const p: QisParams = { ...defaultQisParams, ppp: 40, frames: 8, bits: 2, sigmaRead: 0 };
    const flat = makeImage(48, 48, 1, new Float32Array(48 * 48).fill(0.3));
    const { image } = simulateQis(flat, p, new Rng("qis-2bit"));
    const lambda = frameLambdas(flat, p)[0]!;
    let m = 0, m2 = 0;
    for (let k = 0; k < 60; k++) {
      const v = Math.min(k, 3) / 3;
      m += poissonPmf(k, lambda) * v;
      m2 += poissonPmf(k, lambda) * v * v;
    }
    const sd = Math.sqrt((m2 - m * m) / 8 / image.data.length);
    const mean = image.data.reduce((s, v) => s + v, 0) / image.data.length;
    assert.ok(Math.abs(mean - m) < 4 * sd, `mean ${mean} vs ${m} (sd ${sd})`);
  });

  it("a single frame keeps the original's ISO gain G(PPP) (spec §3.6)", () => {
    const p: QisParams = { ...defaultQisParams, lux: 2, frames: 1, bits: 1 };
    const { image, gain } = simulateQis(star, p, new Rng(1));
    assert.equal(gain, qisGain(78));
    assert.ok(Math.abs(gain - 1.3308) < 1e-3, `G(78) = ${gain}`); // 1.5 − 0.2·11/13 (piecewise linear inside the table)
    const probs = Float64Array.from(frameLambdas(star, p), (l) => binaryFrameP(l, gain, p));
    const { zMean } = binomialZ(image.data, probs, 1);
    assert.ok(Math.abs(zMean) < 4, `mean z-score ${zMean}`);
  });

  it("bad frames or bits name the argument and what was found", () => {
    assert.throws(() => simulateQis(star, { ...defaultQisParams, frames: 0 }, new Rng(1)), /frames must be an integer >= 1, found 0/);
    assert.throws(() => simulateQis(star, { ...defaultQisParams, bits: 1.5 }, new Rng(1)), /bits must be an integer >= 1, found 1.5/);
  });
});
