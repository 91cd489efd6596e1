/**
 * Architectures by name (`network.type` in the configs; a trailing `_arch` is accepted as in the
 * original). Options are the original's constructor keys; unknown keys and wrong types are
 * ConfigErrors naming the file and key; an unknown type lists the known ones.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { ConfigError } from "../util/errors";
import { Rng } from "../util/rng";
import { createNAFNet, nafnetDefaults, type NAFNetOptions } from "./archs/nafnet";
import { createRestormer, restormerDefaults, type RestormerOptions } from "./archs/restormer";
import { createUnet, unetDefaults, type UnetOptions } from "./archs/unet";
import { createWienerDeconv, wienerDeconvDefaults, type WienerDeconvOptions } from "./archs/wiener-deconv";
import type { Network } from "./network";
import { ParamStore } from "./params";

type Kind = "int" | "int[]" | "number" | "bool" | "string" | "string[]" | "any";

interface ArchEntry {
  defaults: Record<string, unknown>;
  kinds: Record<string, Kind>;
  /** Keys the original accepts and ignores (or rejects with a reason). */
  ignored?: string[];
  rejected?: Record<string, (v: unknown) => string | null>;
  create(tf: typeof tfTypes, p: ParamStore, opts: Record<string, unknown>): Network;
}

const archs = new Map<string, ArchEntry>();

export function registerArch(name: string, entry: ArchEntry): void {
  archs.set(name, entry);
}

export function knownArchs(): string[] {
  return [...archs.keys()].sort();
}

registerArch("NAFNet", {
  defaults: nafnetDefaults as unknown as Record<string, unknown>,
  kinds: { in_channels: "int", out_channels: "int", width: "int", middle_blk_num: "int", enc_blk_nums: "int[]", dec_blk_nums: "int[]" },
  rejected: {
    img_channel: (v) => (v === -1 || v === undefined ? null : "img_channel is deprecated in the original (it raises); use in_channels and out_channels"),
  },
  create: (tf, p, o) => {
    const opts = o as unknown as NAFNetOptions;
    if (opts.enc_blk_nums.length !== opts.dec_blk_nums.length) throw new RangeError(`enc_blk_nums has ${opts.enc_blk_nums.length} levels but dec_blk_nums has ${opts.dec_blk_nums.length}`);
    return createNAFNet(tf, p, opts);
  },
});

registerArch("Restormer", {
  defaults: restormerDefaults as unknown as Record<string, unknown>,
  kinds: {
    in_channels: "int",
    out_channels: "int",
    dim: "int",
    num_blocks: "int[]",
    num_refinement_blocks: "int",
    heads: "int[]",
    ffn_expansion_factor: "number",
    bias: "bool",
    LayerNorm_type: "string",
  },
  // The original accepts and ignores these (inp_channels: RestormerColor.yml's typo, silently dropped).
  ignored: ["inp_channels", "use_checkpoint", "return_features"],
  rejected: {
    dual_pixel_task: (v) => (v === false || v === undefined ? null : "the dual-pixel variant is not ported"),
  },
  create: (tf, p, o) => createRestormer(tf, p, o as unknown as RestormerOptions),
});

// diffusers UNet2DModel (spec §9.3). The original passes in/out channels, attention_head_dim, the block
// types and block_out_channels; layers_per_block, norm_num_groups, norm_eps and add_attention are the
// diffusers constructor keys at their defaults unless set here. sample_size only informs diffusers.
registerArch("Unet", {
  defaults: unetDefaults as unknown as Record<string, unknown>,
  kinds: {
    in_channels: "int",
    out_channels: "int",
    attention_head_dim: "int",
    down_block_types: "string[]",
    up_block_types: "string[]",
    block_out_channels: "int[]",
    layers_per_block: "int",
    norm_num_groups: "int",
    norm_eps: "number",
    add_attention: "bool",
  },
  ignored: ["sample_size"],
  create: (tf, p, o) => createUnet(tf, p, o as unknown as UnetOptions),
});

// Learnable Wiener deconvolution (spec §9.6; WienerDeconv_arch.py, unused by the original's configs).
const wienerDeconv: ArchEntry = {
  defaults: wienerDeconvDefaults as unknown as Record<string, unknown>,
  kinds: { psfs: "any", noise_weight: "number", do_pad: "bool", do_clip: "bool", is_trainable_psf: "bool" },
  ignored: ["max_trainable"],
  rejected: {
    return_frequency: (v) => (v === false || v === undefined || v === null ? null : "returning the frequency-domain result is not ported"),
  },
  create: (tf, p, o) => createWienerDeconv(tf, p, o as unknown as WienerDeconvOptions),
};
registerArch("WienerDeconvolution", wienerDeconv);
registerArch("WienerDeconv", wienerDeconv);

function checkKind(v: unknown, kind: Kind): string | null {
  switch (kind) {
    case "int":
      return Number.isInteger(v) && (v as number) >= 0 ? null : "a non-negative integer";
    case "int[]":
      return Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0) ? null : "a list of non-negative integers";
    case "number":
      return typeof v === "number" && Number.isFinite(v) ? null : "a number";
    case "bool":
      return typeof v === "boolean" ? null : "a boolean";
    case "string":
      return typeof v === "string" ? null : "a string";
    case "string[]":
      return Array.isArray(v) && v.every((x) => typeof x === "string") ? null : "a list of strings";
    case "any":
      return null;
  }
}

/**
 * Builds `network` (the config block: `type` + options). `file` and `keyPath` name the config
 * location in errors. Parameters are initialised from `rng` (the original's HF init).
 */
export function createNetwork(tf: typeof tfTypes, network: Record<string, unknown>, rng: Rng, file = "<config>", keyPath = "network"): Network {
  const rawType = network.type;
  if (typeof rawType !== "string") throw new ConfigError(file, `${keyPath}.type`, `an architecture name (one of ${knownArchs().join(", ")})`, rawType);
  const type = rawType.replace(/_arch$/, "");
  const entry = archs.get(type);
  if (!entry) throw new ConfigError(file, `${keyPath}.type`, `one of ${knownArchs().join(", ")}`, rawType);
  const opts: Record<string, unknown> = { ...structuredClone(entry.defaults) };
  for (const [k, v] of Object.entries(network)) {
    if (k === "type") continue;
    const reject = entry.rejected?.[k];
    if (reject) {
      const why = reject(v);
      if (why) throw new ConfigError(file, `${keyPath}.${k}`, "no such key", v, why);
      continue;
    }
    if (entry.ignored?.includes(k)) continue;
    const kind = entry.kinds[k];
    if (!kind) throw new ConfigError(file, `${keyPath}.${k}`, `one of the ${type} options (${Object.keys(entry.kinds).join(", ")})`, v);
    const bad = checkKind(v, kind);
    if (bad) throw new ConfigError(file, `${keyPath}.${k}`, bad, v);
    opts[k] = v;
  }
  const p = new ParamStore(tf, rng);
  try {
    return entry.create(tf, p, opts);
  } catch (err) {
    p.dispose();
    if (err instanceof RangeError) throw new ConfigError(file, keyPath, `consistent ${type} options`, network, err.message);
    throw err;
  }
}
