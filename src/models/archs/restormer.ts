/**
 * Restormer (spec training-framework.md §9.2), NHWC, with the upstream state-dict names
 * (`patch_embed.proj.weight`, `encoder_level1.0.attn.qkv_dwconv.weight`, `down1_2.body.0.weight`,
 * `reduce_chan_level3.weight`, `output.weight`, ...), so published checkpoints load by name.
 *
 * Transformer block: x += MDTA(LN(x)); x += GDFN(LN(x)).
 * - MDTA: qkv = DWConv3x3(Conv1x1(x -> 3C)); per head, q and k L2-normalised over pixels,
 *   attn = softmax(q·kᵀ · temperature) (channel x channel), out = Conv1x1(attn·v).
 * - GDFN: Conv1x1(C -> 2h), DWConv3x3, GELU(x1)·x2, Conv1x1(h -> C), h = int(C·ffn_expansion_factor).
 * Difference: the original needs H and W divisible by 8; here other sizes are zero-padded on the
 * right/bottom and cropped back (as NAFNet does), identical results for divisible sizes.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { channelLayerNorm, conv2d, gelu, pixelShuffle, pixelUnshuffle, type Tf } from "../layers";
import { ParamStore } from "../params";
import type { Network } from "../network";

type T4 = tfTypes.Tensor4D;

export interface RestormerOptions {
  in_channels: number;
  out_channels: number;
  dim: number;
  num_blocks: number[];
  num_refinement_blocks: number;
  heads: number[];
  ffn_expansion_factor: number;
  bias: boolean;
  LayerNorm_type: string;
}

export const restormerDefaults: RestormerOptions = {
  in_channels: 3,
  out_channels: 3,
  dim: 48,
  num_blocks: [4, 6, 6, 8],
  num_refinement_blocks: 4,
  heads: [1, 2, 4, 8],
  ffn_expansion_factor: 2.66,
  bias: false,
  LayerNorm_type: "WithBias",
};


/** x / max(‖x‖₂ over the last axis, 1e-12) (torch F.normalize). */
function l2normalize(tf: Tf, x: tfTypes.Tensor): tfTypes.Tensor {
  const norm = tf.sqrt(tf.sum(tf.square(x), -1, true));
  return tf.div(x, tf.maximum(norm, 1e-12));
}

function transformerBlock(tf: Tf, p: ParamStore, name: string, c: number, heads: number, o: RestormerOptions): (x: T4) => T4 {
  const withBias = o.LayerNorm_type !== "BiasFree";
  const bias = { bias: o.bias };
  const norm1 = channelLayerNorm(tf, p, `${name}.norm1.body`, c, 1e-5, withBias);
  const temperature = p.add(`${name}.attn.temperature`, [heads, 1, 1], { kind: "constant", value: 1 }, "same");
  const qkv = conv2d(tf, p, `${name}.attn.qkv`, c, 3 * c, 1, bias);
  const qkvDw = conv2d(tf, p, `${name}.attn.qkv_dwconv`, 3 * c, 3 * c, 3, { ...bias, depthwise: true });
  const projOut = conv2d(tf, p, `${name}.attn.project_out`, c, c, 1, bias);
  const norm2 = channelLayerNorm(tf, p, `${name}.norm2.body`, c, 1e-5, withBias);
  const hidden = Math.trunc(c * o.ffn_expansion_factor);
  const projIn = conv2d(tf, p, `${name}.ffn.project_in`, c, 2 * hidden, 1, bias);
  const ffnDw = conv2d(tf, p, `${name}.ffn.dwconv`, 2 * hidden, 2 * hidden, 3, { ...bias, depthwise: true });
  const ffnOut = conv2d(tf, p, `${name}.ffn.project_out`, hidden, c, 1, bias);
  const ch = c / heads;

  const attention = (x: T4): T4 => {
    const [B, H, W] = x.shape;
    const [q, k, v] = tf.split(qkvDw(qkv(x)), 3, 3) as [T4, T4, T4];
    // 'b h w (head c) -> b head c (h w)'
    const toHeads = (t: T4) => tf.transpose(tf.reshape(t, [B, H * W, heads, ch]), [0, 2, 3, 1]);
    const qn = l2normalize(tf, toHeads(q)), kn = l2normalize(tf, toHeads(k));
    const attn = tf.softmax(tf.mul(tf.matMul(qn as tfTypes.Tensor3D, kn as tfTypes.Tensor3D, false, true), temperature));
    const out = tf.matMul(attn as tfTypes.Tensor3D, toHeads(v) as tfTypes.Tensor3D); // [B, heads, ch, HW]
    return projOut(tf.reshape(tf.transpose(out, [0, 3, 1, 2]), [B, H, W, c]) as T4);
  };
  const ffn = (x: T4): T4 => {
    const [x1, x2] = tf.split(ffnDw(projIn(x)), 2, 3) as [T4, T4];
    return ffnOut(tf.mul(gelu(tf, x1), x2) as T4);
  };
  return (x) => {
    const y = tf.add(x, attention(norm1(x))) as T4;
    return tf.add(y, ffn(norm2(y))) as T4;
  };
}

function stack(tf: Tf, p: ParamStore, name: string, n: number, c: number, heads: number, o: RestormerOptions): (x: T4) => T4 {
  const blocks = Array.from({ length: n }, (_, i) => transformerBlock(tf, p, `${name}.${i}`, c, heads, o));
  return (x) => blocks.reduce((h, b) => b(h), x);
}

export function createRestormer(tf: Tf, p: ParamStore, o: RestormerOptions): Network {
  if (o.num_blocks.length !== 4 || o.heads.length !== 4) throw new RangeError(`num_blocks and heads need 4 levels, found ${o.num_blocks.length} and ${o.heads.length}`);
  if (o.LayerNorm_type !== "WithBias" && o.LayerNorm_type !== "BiasFree") throw new RangeError(`LayerNorm_type is WithBias or BiasFree, found ${o.LayerNorm_type}`);
  if (o.in_channels !== o.out_channels) throw new RangeError(`the global residual needs in_channels == out_channels (found ${o.in_channels} and ${o.out_channels})`);
  const d = o.dim, nb = o.num_blocks, hd = o.heads, nobias = { bias: o.bias };
  for (const [l, c] of [d, 2 * d, 4 * d, 8 * d].entries()) if (c % hd[l]! !== 0) throw new RangeError(`level ${l + 1}: ${c} channels are not divisible by ${hd[l]} heads`);
  const patchEmbed = conv2d(tf, p, "patch_embed.proj", o.in_channels, d, 3, nobias);
  const enc1 = stack(tf, p, "encoder_level1", nb[0]!, d, hd[0]!, o);
  const down = (name: string, c: number) => {
    const conv = conv2d(tf, p, `${name}.body.0`, c, c / 2, 3, { bias: false });
    return (x: T4) => pixelUnshuffle(tf, conv(x), 2);
  };
  const up = (name: string, c: number) => {
    const conv = conv2d(tf, p, `${name}.body.0`, c, 2 * c, 3, { bias: false });
    return (x: T4) => pixelShuffle(tf, conv(x), 2);
  };
  const down12 = down("down1_2", d);
  const enc2 = stack(tf, p, "encoder_level2", nb[1]!, 2 * d, hd[1]!, o);
  const down23 = down("down2_3", 2 * d);
  const enc3 = stack(tf, p, "encoder_level3", nb[2]!, 4 * d, hd[2]!, o);
  const down34 = down("down3_4", 4 * d);
  const latent = stack(tf, p, "latent", nb[3]!, 8 * d, hd[3]!, o);
  const up43 = up("up4_3", 8 * d);
  const reduce3 = conv2d(tf, p, "reduce_chan_level3", 8 * d, 4 * d, 1, nobias);
  const dec3 = stack(tf, p, "decoder_level3", nb[2]!, 4 * d, hd[2]!, o);
  const up32 = up("up3_2", 4 * d);
  const reduce2 = conv2d(tf, p, "reduce_chan_level2", 4 * d, 2 * d, 1, nobias);
  const dec2 = stack(tf, p, "decoder_level2", nb[1]!, 2 * d, hd[1]!, o);
  const up21 = up("up2_1", 2 * d);
  const dec1 = stack(tf, p, "decoder_level1", nb[0]!, 2 * d, hd[0]!, o);
  const refinement = stack(tf, p, "refinement", o.num_refinement_blocks, 2 * d, hd[0]!, o);
  const output = conv2d(tf, p, "output", 2 * d, o.out_channels, 3, nobias);

  const apply = (inp: T4): T4 => {
    const [, H, W] = inp.shape;
    const ph = (8 - (H % 8)) % 8, pw = (8 - (W % 8)) % 8;
    const x = ph || pw ? (tf.pad(inp, [[0, 0], [0, ph], [0, pw], [0, 0]]) as T4) : inp;
    const e1 = enc1(patchEmbed(x));
    const e2 = enc2(down12(e1));
    const e3 = enc3(down23(e2));
    const lat = latent(down34(e3));
    let h = dec3(reduce3(tf.concat([up43(lat), e3], 3)));
    h = dec2(reduce2(tf.concat([up32(h), e2], 3)));
    h = refinement(dec1(tf.concat([up21(h), e1], 3)));
    const out = tf.add(output(h), x) as T4;
    return ph || pw ? (tf.slice(out, [0, 0, 0, 0], [-1, H, W, -1]) as T4) : out;
  };
  return { params: p, apply, className: "Restormer_arch" };
}
