/**
 * Loads published or saved weights into a network: either file format (src/io/weights), the
 * architecture's naming conventions detected (./naming), and a report of what was found.
 */
import { readWeights, type WeightsFile } from "../io/weights";
import type { Network } from "./network";
import { describeMatch, namingConventions, type NamingMatch } from "./naming";

export interface LoadedWeights {
  file: string;
  format: WeightsFile["format"];
  stateDictKey: string | null;
  match: NamingMatch;
  /** One line: "<file>: PyTorch checkpoint (state dict under 'params'), upstream megvii NAFNet names (beta/gamma), no prefix; 100 tensors". */
  summary: string;
}

export function loadWeightsInto(net: Network, weights: WeightsFile): LoadedWeights {
  const match = net.params.loadTorchStateDict(weights.tensors, weights.file, { conventions: namingConventions(net.className) });
  const where = weights.format === "pytorch" ? `PyTorch checkpoint${weights.stateDictKey ? ` (state dict under '${weights.stateDictKey}')` : ""}` : "safetensors";
  return { file: weights.file, format: weights.format, stateDictKey: weights.stateDictKey, match, summary: `${weights.file}: ${where}, ${describeMatch(match)}; ${match.mapping.size} tensors` };
}

/** Reads `file` (.safetensors or PyTorch .pth/.pt/.bin) and loads it into `net`. */
export function loadNetworkWeights(net: Network, file: string, opts: { key?: string } = {}): LoadedWeights {
  return loadWeightsInto(net, readWeights(file, opts));
}
