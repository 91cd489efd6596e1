/**
 * Architectures by name (`network.type` in the configs; a trailing `_arch` is accepted as in the
 * original). Options are the original's constructor keys; unknown keys and wrong types are
 * ConfigErrors naming the file and key; an unknown type lists the known ones.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { parseOptions, Registry } from "../config/registry";
import { anything, object, satisfies, withDefault, type Schema } from "../config/schema";
import { ConfigError } from "../util/errors";
import { Rng } from "../util/rng";
import { createNAFNet, nafnetDefaults, type NAFNetOptions } from "./archs/nafnet";
import { createRestormer, restormerDefaults, type RestormerOptions } from "./archs/restormer";
import { createUnet, unetDefaults, type UnetOptions } from "./archs/unet";
import { createUnetTM, unetTMDefaults, type UnetTMOptions } from "./archs/unettm";
import { createWienerDeconv, wienerDeconvDefaults, type WienerDeconvOptions } from "./archs/wiener-deconv";
import type { Network } from "./network";
import { namingConventions } from "./naming";
import { ParamStore } from "./params";

export interface ArchEntry<O> {
  /** Schema of the `network` mapping (its `type` included); parsing gives the constructor options. */
  readonly schema: Schema<O>;
  create(tf: typeof tfTypes, p: ParamStore, opts: O): Network;
}

export const architectures = new Registry<ArchEntry<any>>("architecture"); // eslint-disable-line @typescript-eslint/no-explicit-any

export function registerArch<O>(name: string, entry: ArchEntry<O>, aliases: readonly string[] = []): void {
  architectures.register(name, entry, aliases);
}

export function knownArchs(): string[] {
  return architectures.names().sort();
}

// The value kinds of constructor options (strict: the original's configs write these as YAML numbers and lists).
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const kind = {
  int: satisfies<number>("a non-negative integer", isCount),
  ints: satisfies<number[]>("a list of non-negative integers", (v) => Array.isArray(v) && v.every(isCount)),
  number: satisfies<number>("a number", (v) => typeof v === "number" && Number.isFinite(v)),
  bool: satisfies<boolean>("a boolean", (v) => typeof v === "boolean"),
  string: satisfies<string>("a string", (v) => typeof v === "string"),
  strings: satisfies<string[]>("a list of strings", (v) => Array.isArray(v) && v.every((x) => typeof x === "string")),
};

interface ArchOptionsSpec<O> {
  defaults: O;
  /** The schema of each option (every option has a default). */
  kinds: { [K in keyof O]: Schema<O[K]> };
  /** Keys the original accepts and ignores. */
  ignored?: string[];
  /** Keys the original accepts but this port does not support for some values: why, or null when the value is fine. */
  rejected?: Record<string, (v: unknown) => string | null>;
}

/** The schema of a `network` mapping: `type`, the options with their defaults, ignored and rejected keys; anything else is an error. */
function archOptions<O extends object>(spec: ArchOptionsSpec<O>): Schema<O> {
  const fields: Record<string, Schema<unknown>> = { type: anything() };
  for (const k of Object.keys(spec.kinds) as Array<keyof O & string>) fields[k] = withDefault(spec.kinds[k] as Schema<unknown>, spec.defaults[k]);
  for (const k of spec.ignored ?? []) fields[k] = anything();
  for (const [k, why] of Object.entries(spec.rejected ?? {}))
    fields[k] = {
      expected: "no such key",
      parse(v, path, ctx) {
        const reason = why(v);
        if (reason) throw new ConfigError(ctx.file, path, "no such key", v, reason);
        return undefined;
      },
      fallback: () => undefined,
    };
  const mapping = object(fields);
  return {
    expected: mapping.expected,
    parse(v, path, ctx) {
      const parsed = mapping.parse(v, path, ctx);
      return Object.fromEntries(Object.keys(spec.kinds).map((k) => [k, parsed[k]])) as O;
    },
  };
}

registerArch<NAFNetOptions>("NAFNet", {
  schema: archOptions({
    defaults: nafnetDefaults,
    kinds: { in_channels: kind.int, out_channels: kind.int, width: kind.int, middle_blk_num: kind.int, enc_blk_nums: kind.ints, dec_blk_nums: kind.ints },
    rejected: {
      img_channel: (v) => (v === -1 || v === undefined ? null : "img_channel is deprecated in the original (it raises); use in_channels and out_channels"),
    },
  }),
  create: (tf, p, opts) => {
    if (opts.enc_blk_nums.length !== opts.dec_blk_nums.length) throw new RangeError(`enc_blk_nums has ${opts.enc_blk_nums.length} levels but dec_blk_nums has ${opts.dec_blk_nums.length}`);
    return createNAFNet(tf, p, opts);
  },
});

registerArch<RestormerOptions>("Restormer", {
  schema: archOptions({
    defaults: restormerDefaults,
    kinds: {
      in_channels: kind.int,
      out_channels: kind.int,
      dim: kind.int,
      num_blocks: kind.ints,
      num_refinement_blocks: kind.int,
      heads: kind.ints,
      ffn_expansion_factor: kind.number,
      bias: kind.bool,
      LayerNorm_type: kind.string as Schema<RestormerOptions["LayerNorm_type"]>,
    },
    // The original accepts and ignores these (inp_channels: RestormerColor.yml's typo, silently dropped).
    ignored: ["inp_channels", "use_checkpoint", "return_features"],
    rejected: {
      dual_pixel_task: (v) => (v === false || v === undefined ? null : "the dual-pixel variant is not ported"),
    },
  }),
  create: (tf, p, o) => createRestormer(tf, p, o),
});

// diffusers UNet2DModel (spec §9.3). The original passes in/out channels, attention_head_dim, the block
// types and block_out_channels; layers_per_block, norm_num_groups, norm_eps and add_attention are the
// diffusers constructor keys at their defaults unless set here. sample_size only informs diffusers.
registerArch<UnetOptions>("Unet", {
  schema: archOptions({
    defaults: unetDefaults,
    kinds: {
      in_channels: kind.int,
      out_channels: kind.int,
      attention_head_dim: kind.int,
      down_block_types: kind.strings,
      up_block_types: kind.strings,
      block_out_channels: kind.ints,
      layers_per_block: kind.int,
      norm_num_groups: kind.int,
      norm_eps: kind.number,
      add_attention: kind.bool,
    },
    ignored: ["sample_size"],
  }),
  create: (tf, p, o) => createUnet(tf, p, o),
});

// The original's UnetTM (spec §9.4): RDB encoder, channel-attention decoder.
registerArch<UnetTMOptions>("UnetTM", {
  schema: archOptions({ defaults: unetTMDefaults, kinds: { in_channels: kind.int, out_channels: kind.int, n_features: kind.int } }),
  create: (tf, p, o) => createUnetTM(tf, p, o),
});

// Learnable Wiener deconvolution (spec §9.6; WienerDeconv_arch.py, unused by the original's configs): learnable Ks, and PSFs with is_trainable_psf.
registerArch<WienerDeconvOptions>(
  "WienerDeconvolution",
  {
    schema: archOptions({
      defaults: wienerDeconvDefaults,
      // psfs: checked by createWienerDeconv (shape and values).
      kinds: {
        psfs: anything() as Schema<WienerDeconvOptions["psfs"]>,
        noise_weight: kind.number,
        do_pad: kind.bool,
        do_clip: kind.bool,
        is_trainable_psf: kind.bool,
        max_trainable: satisfies<number[] | null>("null or [h, w] (positive integers)", (v) => v === null || (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x) && x >= 1))),
      },
      rejected: {
        return_frequency: (v) => (v === false || v === undefined || v === null ? null : "returning the frequency-domain result is not ported"),
      },
    }),
    create: (tf, p, o) => createWienerDeconv(tf, p, o),
  },
  ["WienerDeconv"],
);

/**
 * Builds `network` (the config block: `type` + options). `file` and `keyPath` name the config
 * location in errors. Parameters are initialised from `rng` (the original's HF init); with
 * `allocate: false` only their names and shapes are recorded (see ParamStore).
 */
export function createNetwork(tf: typeof tfTypes, network: Record<string, unknown>, rng: Rng, file = "<config>", keyPath = "network", store: { allocate?: boolean } = {}): Network {
  const rawType = network.type;
  const arch = architectures.get(typeof rawType === "string" ? rawType.replace(/_arch$/, "") : rawType, { file, keyPath: `${keyPath}.type` }, rawType);
  const opts = parseOptions(arch, network, { file, keyPath });
  const p = new ParamStore(tf, rng, store);
  try {
    const net = arch.create(tf, p, opts);
    p.namingConventions = namingConventions(net.className);
    return net;
  } catch (err) {
    p.dispose();
    if (err instanceof RangeError) throw new ConfigError(file, keyPath, `consistent ${String(rawType).replace(/_arch$/, "")} options`, network, err.message);
    throw err;
  }
}
