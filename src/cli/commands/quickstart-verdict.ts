/**
 * The quickstart's verdict on its training: did the NAFNet learn (beat the blurred input by a margin
 * on held-out pairs), and where it stands against the non-blind baselines, which are given the true
 * PSF and so solve an easier problem. The sentences are derived from the numbers only.
 */
import type { RestorationScore } from "../../train";

export interface LearningVerdict {
  /** PSNR of the network minus PSNR of the blurred input (dB). */
  gainOverBlurredDb: number;
  /** PSNR of the network minus PSNR of each baseline (dB), by method name. */
  vsBaselinesDb: Record<string, number>;
  minGainDb: number;
  learned: boolean;
  /** Human-readable lines: the threshold check and the interpretation. */
  lines: string[];
}

function psnrOf(scores: RestorationScore[], method: string): number {
  const s = scores.find((x) => x.method === method);
  if (!s) throw new Error(`quickstart verdict: no score for '${method}' among ${scores.map((x) => x.method).join(", ")}`);
  return s.psnr;
}

const signed = (db: number) => `${db >= 0 ? "+" : "-"}${Math.abs(db).toFixed(2)} dB`;

export function learningVerdict(scores: RestorationScore[], opts: { network: string; blurred: string; baselines: string[]; minGainDb: number }): LearningVerdict {
  const net = psnrOf(scores, opts.network);
  const gain = net - psnrOf(scores, opts.blurred);
  const vs: Record<string, number> = {};
  for (const b of opts.baselines) vs[b] = net - psnrOf(scores, b);
  const learned = gain >= opts.minGainDb;
  const lines = [
    `${opts.network} vs ${opts.blurred}: ${signed(gain)} PSNR (required >= +${opts.minGainDb.toFixed(2)} dB): ${learned ? "PASS, the network learned to deblur" : "FAIL, the network did not learn enough"}`,
    ...opts.baselines.map((b) => `${opts.network} vs ${b} (true PSF): ${signed(vs[b]!)} PSNR`),
  ];
  const beaten = opts.baselines.filter((b) => vs[b]! > 0);
  const behind = opts.baselines.filter((b) => vs[b]! <= 0);
  if (!behind.length) lines.push(`Interpretation: without being told the PSF, the network beats every non-blind baseline that knows it (${beaten.join(", ")}).`);
  else if (!beaten.length)
    lines.push(
      `Interpretation: the network ${gain > 0 ? `recovers ${gain.toFixed(2)} dB of the ${(gain - Math.min(...behind.map((b) => vs[b]!))).toFixed(2)} dB that the best non-blind baseline gains` : "does not improve on the blurred input, while the baselines do"}; the baselines are given the true PSF, the network has to infer the blur from the image, so in this short run learning ${gain > 0 ? "pays against no restoration but not yet against a deconvolution with known PSF" : "does not pay"}.`,
    );
  else lines.push(`Interpretation: without being told the PSF, the network beats ${beaten.join(", ")} but stays behind ${behind.join(", ")}, which know it.`);
  return { gainOverBlurredDb: gain, vsBaselinesDb: vs, minGainDb: opts.minGainDb, learned, lines };
}
