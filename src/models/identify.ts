/**
 * Which of our architectures a state dict fits, from its names and shapes alone: the constructor
 * options are read off the tensors (widths, block counts, heads, ...), the network is built with
 * those options (names and shapes only, nothing allocated) and accepted when every name maps under
 * one naming convention (./naming) and every shape agrees.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { NamedTensor } from "../io/safetensors";
import { Rng } from "../util/rng";
import { matchNaming, namingConventions, wrapperPrefixes, type NamingMatch } from "./naming";
import { createNetwork } from "./registry";

export interface ArchitectureMatch {
  /** `network.type` of a config. */
  type: string;
  /** Constructor options read off the weights (a `network:` block without `type`). */
  options: Record<string, unknown>;
  /** Options the weights do not determine: the values in `options` are assumptions. */
  notRecorded: string[];
  naming: NamingMatch;
  parameterCount: number;
}

export interface Identification {
  match: ArchitectureMatch | null;
  /** Why each candidate that looked plausible did not fit. */
  rejected: string[];
}

/** Names and shapes below one prefix, with the lookups the option readers need. */
class Names {
  constructor(
    private readonly tensors: Map<string, NamedTensor>,
    private readonly prefix: string,
  ) {}
  shape(name: string): number[] | undefined {
    return this.tensors.get(this.prefix + name)?.shape;
  }
  has(name: string): boolean {
    return this.tensors.has(this.prefix + name);
  }
  hasUnder(path: string): boolean {
    const p = this.prefix + path + ".";
    for (const k of this.tensors.keys()) if (k.startsWith(p)) return true;
    return false;
  }
  /** Number of consecutive integer children `path.0`, `path.1`, ... that hold tensors. */
  count(path: string): number {
    let n = 0;
    while (this.hasUnder(`${path}.${n}`)) n++;
    return n;
  }
}

type Reader = (n: Names) => { options: Record<string, unknown>; notRecorded: string[] } | string;

const dim = (s: number[] | undefined, i: number): number => s?.[i] ?? NaN;

const readNAFNet: Reader = (n) => {
  const intro = n.shape("intro.weight"), ending = n.shape("ending.weight");
  if (!intro || !ending) return "no intro.weight/ending.weight";
  const levels = n.count("downs");
  const enc = Array.from({ length: levels }, (_, l) => n.count(`encoders.${l}`));
  const dec = Array.from({ length: n.count("ups") }, (_, l) => n.count(`decoders.${l}`));
  return { options: { in_channels: dim(intro, 1), out_channels: dim(ending, 0), width: dim(intro, 0), middle_blk_num: n.count("middle_blks"), enc_blk_nums: enc, dec_blk_nums: dec }, notRecorded: [] };
};

/** The shortest decimal f with trunc(c·f) = h for every (c, h) pair (Restormer's ffn_expansion_factor). */
function expansionFactor(pairs: Array<[c: number, h: number]>): number | null {
  const fits = (f: number) => pairs.every(([c, h]) => Math.trunc(c * f) === h);
  if (fits(2.66)) return 2.66;
  const lo = Math.max(...pairs.map(([c, h]) => h / c)), hi = Math.min(...pairs.map(([c, h]) => (h + 1) / c));
  for (let d = 0; d <= 6; d++) {
    const f = Math.ceil(lo * 10 ** d) / 10 ** d;
    if (f < hi && fits(f)) return f;
  }
  return null;
}

const readRestormer: Reader = (n) => {
  const embed = n.shape("patch_embed.proj.weight"), output = n.shape("output.weight");
  if (!embed || !output) return "no patch_embed.proj.weight/output.weight";
  const d = dim(embed, 0);
  const stacks = ["encoder_level1", "encoder_level2", "encoder_level3", "latent"];
  const widths = [d, 2 * d, 4 * d, 8 * d];
  const num_blocks = stacks.map((s) => n.count(s));
  const heads = stacks.map((s, l) => dim(n.shape(`${s}.0.attn.temperature`), 0) || [1, 2, 4, 8][l]!);
  const ffn: Array<[number, number]> = [];
  stacks.forEach((s, l) => {
    const pin = n.shape(`${s}.0.ffn.project_in.weight`);
    if (pin) ffn.push([widths[l]!, dim(pin, 0) / 2]);
  });
  const factor = ffn.length ? expansionFactor(ffn) : 2.66;
  if (factor === null) return `no ffn_expansion_factor gives the hidden widths ${ffn.map(([c, h]) => `${h} of ${c}`).join(", ")}`;
  const first = stacks.find((s, l) => num_blocks[l]! > 0) ?? "refinement";
  return {
    options: {
      in_channels: dim(embed, 1),
      out_channels: dim(output, 0),
      dim: d,
      num_blocks,
      num_refinement_blocks: n.count("refinement"),
      heads,
      ffn_expansion_factor: factor,
      bias: n.has(`${first}.0.attn.qkv.bias`),
      LayerNorm_type: n.has(`${first}.0.norm1.body.bias`) ? "WithBias" : "BiasFree",
    },
    notRecorded: ffn.length ? [] : ["ffn_expansion_factor"],
  };
};

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}

const readUnet: Reader = (n) => {
  const convIn = n.shape("conv_in.weight"), convOut = n.shape("conv_out.weight");
  if (!convIn || !convOut || !n.has("time_embedding.linear_1.weight")) return "no conv_in.weight/conv_out.weight/time_embedding.linear_1.weight";
  const levels = n.count("down_blocks");
  const boc = Array.from({ length: levels }, (_, i) => dim(n.shape(`down_blocks.${i}.resnets.0.conv1.weight`), 0));
  const attnDown = Array.from({ length: levels }, (_, i) => n.hasUnder(`down_blocks.${i}.attentions`));
  const attnUp = Array.from({ length: n.count("up_blocks") }, (_, i) => n.hasUnder(`up_blocks.${i}.attentions`));
  // Group count and head width leave no trace in the shapes: pick values the widths allow.
  const g = boc.reduce(gcd, 0);
  const groups = [32, 16, 8, 4, 2, 1].find((k) => g % k === 0)!;
  const attnWidths = [...boc.filter((_, i) => attnDown[i]), ...[...boc].reverse().filter((_, i) => attnUp[i]), boc[levels - 1]!].reduce(gcd, 0);
  const headDim = [8, 4, 2, 1].find((k) => attnWidths % k === 0)!;
  return {
    options: {
      in_channels: dim(convIn, 1),
      out_channels: dim(convOut, 0),
      block_out_channels: boc,
      down_block_types: attnDown.map((a) => (a ? "AttnDownBlock2D" : "DownBlock2D")),
      up_block_types: attnUp.map((a) => (a ? "AttnUpBlock2D" : "UpBlock2D")),
      layers_per_block: n.count("down_blocks.0.resnets"),
      add_attention: n.hasUnder("mid_block.attentions"),
      norm_num_groups: groups,
      attention_head_dim: headDim,
    },
    notRecorded: ["norm_num_groups", "attention_head_dim"],
  };
};

const readers: Array<[type: string, read: Reader]> = [
  ["NAFNet", readNAFNet],
  ["Restormer", readRestormer],
  ["Unet", readUnet],
];

export function identifyArchitecture(tf: typeof tfTypes, tensors: Map<string, NamedTensor>): Identification {
  const names = [...tensors.keys()];
  const rejected: string[] = [];
  const prefixes = wrapperPrefixes.map((w) => w.prefix).filter((p) => p === "" || names.some((n) => n.startsWith(p)));
  for (const [type, read] of readers) {
    for (const prefix of prefixes) {
      const found = read(new Names(tensors, prefix));
      if (typeof found === "string") continue;
      let net;
      try {
        net = createNetwork(tf, { type, ...found.options }, new Rng(0), "<weights>", "network", { allocate: false });
      } catch (err) {
        rejected.push(`${type} (prefix '${prefix}'): ${(err as Error).message}`);
        continue;
      }
      const specs = new Map(net.params.entries().map((e) => [e.name, e]));
      const naming = matchNaming(names, [...specs.keys()], namingConventions(net.className), prefix);
      const badShape = [...naming.mapping].find(([file, ours]) => tensors.get(file)!.shape.join(",") !== specs.get(ours)!.torchShape.join(","));
      if (naming.missing.length || naming.unexpected.length || badShape) {
        const why = badShape ? `'${badShape[0]}' has shape [${tensors.get(badShape[0])!.shape}], expected [${specs.get(badShape[1])!.torchShape}]` : `${naming.missing.length} missing, ${naming.unexpected.length} unexpected names (e.g. ${[...naming.missing, ...naming.unexpected].slice(0, 3).join(", ")})`;
        rejected.push(`${type} (prefix '${prefix}'): ${why}`);
        continue;
      }
      return { match: { type, options: found.options, notRecorded: found.notRecorded, naming, parameterCount: net.params.count() }, rejected };
    }
  }
  return { match: null, rejected };
}
