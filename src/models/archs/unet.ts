/**
 * U-Net (spec training-framework.md §9.3, `type: Unet`): the original wraps diffusers 0.35
 * `UNet2DModel` and calls it as `model(x, timestep=1).sample`. This is a re-implementation, NHWC,
 * with diffusers' state-dict names (`conv_in.weight`, `time_embedding.linear_1.weight`,
 * `down_blocks.1.resnets.0.norm1.weight`, `down_blocks.1.attentions.0.to_q.weight`,
 * `down_blocks.0.downsamplers.0.conv.weight`, `mid_block.attentions.0.group_norm.weight`,
 * `up_blocks.0.upsamplers.0.conv.weight`, `conv_norm_out.weight`, `conv_out.weight`, ...), so
 * diffusers checkpoints load by name.
 *
 * Structure (diffusers defaults: positional time embedding with flip_sin_to_cos, freq_shift 0,
 * SiLU, GroupNorm, conv down/up-sampling, mid-block attention):
 * - temb = Linear(4·c0) ∘ SiLU ∘ Linear(c0 → 4·c0) of the sinusoidal embedding of t = 1 ([cos, sin]).
 * - ResnetBlock2D(cin → cout): h = Conv3(SiLU(GN(x))) + Linear(SiLU(temb)); h = Conv3(SiLU(GN(h)));
 *   out = shortcut(x) + h (1×1 conv shortcut when cin ≠ cout).
 * - Attention (residual): GN, q/k/v Linear over channels, heads = c / attention_head_dim of
 *   attention_head_dim channels each, softmax(q·kᵀ/√d)·v over pixels, Linear out, + input.
 * - Down block i (c = block_out_channels[i]): layers_per_block × (resnet [+ attention]), each output
 *   kept as a skip; a stride-2 Conv3 (padding 1) except on the last level, also kept.
 * - Mid: resnet, attention (add_attention), resnet at the deepest width.
 * - Up block i (deepest first): (layers_per_block + 1) × (concat(skip) → resnet [+ attention]),
 *   nearest ×2 + Conv3 except on the last level.
 * - Out: Conv3(SiLU(GN(x))). No global residual.
 * Difference: the original needs H and W divisible by 2^(levels−1); other sizes are zero-padded on
 * the right/bottom and cropped back (as NAFNet does here); identical results for divisible sizes.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { conv2d, groupNorm, linear, silu, upsampleNearest2x, type Tf } from "../layers";
import { ParamStore } from "../params";
import type { Network } from "../network";

type T4 = tfTypes.Tensor4D;
type T2 = tfTypes.Tensor2D;

export interface UnetOptions {
  in_channels: number;
  out_channels: number;
  down_block_types: string[];
  up_block_types: string[];
  block_out_channels: number[];
  layers_per_block: number;
  attention_head_dim: number;
  norm_num_groups: number;
  norm_eps: number;
  add_attention: boolean;
}

/** diffusers 0.35 `UNet2DModel` defaults (the repo's Unet.yml sets channels and attention_head_dim 8). */
export const unetDefaults: UnetOptions = {
  in_channels: 3,
  out_channels: 3,
  down_block_types: ["DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"],
  up_block_types: ["AttnUpBlock2D", "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D"],
  block_out_channels: [224, 448, 672, 896],
  layers_per_block: 2,
  attention_head_dim: 8,
  norm_num_groups: 32,
  norm_eps: 1e-5,
  add_attention: true,
};

const downTypes = ["DownBlock2D", "AttnDownBlock2D"];
const upTypes = ["UpBlock2D", "AttnUpBlock2D"];

/**
 * diffusers `get_timestep_embedding(t, dim, flip_sin_to_cos=True, downscale_freq_shift=0)`:
 * [cos(t·f_k), sin(t·f_k)] with f_k = exp(−ln(10000)·k/half), k < half; a zero appended for odd dim.
 * Computed in float32 as torch does.
 */
export function timestepEmbedding(t: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  for (let k = 0; k < half; k++) {
    const exponent = Math.fround(Math.fround(-Math.log(10000) * k) / half);
    const arg = Math.fround(t * Math.fround(Math.exp(exponent)));
    out[k] = Math.cos(arg);
    out[half + k] = Math.sin(arg);
  }
  return out;
}

function resnetBlock(tf: Tf, p: ParamStore, name: string, cin: number, cout: number, tembC: number, o: UnetOptions): (x: T4, temb: T2) => T4 {
  const norm1 = groupNorm(tf, p, `${name}.norm1`, o.norm_num_groups, cin, o.norm_eps);
  const conv1 = conv2d(tf, p, `${name}.conv1`, cin, cout, 3);
  const tproj = linear(tf, p, `${name}.time_emb_proj`, tembC, cout);
  const norm2 = groupNorm(tf, p, `${name}.norm2`, o.norm_num_groups, cout, o.norm_eps);
  const conv2 = conv2d(tf, p, `${name}.conv2`, cout, cout, 3);
  const shortcut = cin === cout ? null : conv2d(tf, p, `${name}.conv_shortcut`, cin, cout, 1);
  return (x, temb) => {
    let h = conv1(silu(tf, norm1(x)));
    const t = tproj(silu(tf, temb)); // [B or 1, cout], broadcast over pixels
    h = tf.add(h, tf.reshape(t, [t.shape[0], 1, 1, cout])) as T4;
    h = conv2(silu(tf, norm2(h)));
    return tf.add(shortcut ? shortcut(x) : x, h) as T4;
  };
}

function attention(tf: Tf, p: ParamStore, name: string, c: number, o: UnetOptions): (x: T4) => T4 {
  const headDim = o.attention_head_dim;
  const heads = Math.floor(c / headDim);
  if (heads < 1) throw new RangeError(`${name}: ${c} channels give no head of attention_head_dim ${headDim}`);
  const inner = heads * headDim;
  const norm = groupNorm(tf, p, `${name}.group_norm`, o.norm_num_groups, c, o.norm_eps);
  const toQ = linear(tf, p, `${name}.to_q`, c, inner);
  const toK = linear(tf, p, `${name}.to_k`, c, inner);
  const toV = linear(tf, p, `${name}.to_v`, c, inner);
  const toOut = linear(tf, p, `${name}.to_out.0`, inner, c);
  const scale = 1 / Math.sqrt(headDim);
  return (x) => {
    const [B, H, W] = x.shape;
    const n = H * W;
    const h = tf.reshape(norm(x), [B * n, c]) as T2;
    // '(b n) (head d) -> b head n d'
    const split = (t: T2) => tf.transpose(tf.reshape(t, [B, n, heads, headDim]), [0, 2, 1, 3]) as tfTypes.Tensor4D;
    const q = split(toQ(h)), k = split(toK(h)), v = split(toV(h));
    const attn = tf.softmax(tf.mul(tf.matMul(tf.reshape(q, [B * heads, n, headDim]) as tfTypes.Tensor3D, tf.reshape(k, [B * heads, n, headDim]) as tfTypes.Tensor3D, false, true), scale));
    const out = tf.matMul(attn as tfTypes.Tensor3D, tf.reshape(v, [B * heads, n, headDim]) as tfTypes.Tensor3D); // [B·heads, n, d]
    const merged = tf.reshape(tf.transpose(tf.reshape(out, [B, heads, n, headDim]), [0, 2, 1, 3]), [B * n, inner]) as T2;
    return tf.add(x, tf.reshape(toOut(merged), [B, H, W, c])) as T4;
  };
}

type Layer = (x: T4, temb: T2) => T4;

/** resnet followed by an attention block when `withAttn` (diffusers' Attn*Block2D pairing). */
function layer(tf: Tf, p: ParamStore, block: string, i: number, cin: number, cout: number, tembC: number, withAttn: boolean, o: UnetOptions): Layer {
  const res = resnetBlock(tf, p, `${block}.resnets.${i}`, cin, cout, tembC, o);
  const attn = withAttn ? attention(tf, p, `${block}.attentions.${i}`, cout, o) : null;
  return (x, temb) => {
    const h = res(x, temb);
    return attn ? attn(h) : h;
  };
}

export function createUnet(tf: Tf, p: ParamStore, o: UnetOptions): Network {
  const boc = o.block_out_channels;
  const levels = boc.length;
  if (levels < 1) throw new RangeError("block_out_channels needs at least one level");
  if (o.down_block_types.length !== levels || o.up_block_types.length !== levels)
    throw new RangeError(`block_out_channels has ${levels} levels but down_block_types has ${o.down_block_types.length} and up_block_types ${o.up_block_types.length}`);
  for (const t of o.down_block_types) if (!downTypes.includes(t)) throw new RangeError(`down block type ${t} is not ported (known: ${downTypes.join(", ")})`);
  for (const t of o.up_block_types) if (!upTypes.includes(t)) throw new RangeError(`up block type ${t} is not ported (known: ${upTypes.join(", ")})`);
  if (o.layers_per_block < 1) throw new RangeError("layers_per_block must be at least 1");
  if (o.attention_head_dim < 1) throw new RangeError("attention_head_dim must be at least 1");
  const tembC = 4 * boc[0]!;

  const lin1 = linear(tf, p, "time_embedding.linear_1", boc[0]!, tembC);
  const lin2 = linear(tf, p, "time_embedding.linear_2", tembC, tembC);
  const sinusoid = timestepEmbedding(1, boc[0]!);
  const convIn = conv2d(tf, p, "conv_in", o.in_channels, boc[0]!, 3);

  interface Down {
    layers: Layer[];
    down: ((x: T4) => T4) | null;
  }
  const downs: Down[] = [];
  let cout = boc[0]!;
  o.down_block_types.forEach((type, i) => {
    const cin = cout;
    cout = boc[i]!;
    const name = `down_blocks.${i}`;
    const layers = Array.from({ length: o.layers_per_block }, (_, j) => layer(tf, p, name, j, j === 0 ? cin : cout, cout, tembC, type === "AttnDownBlock2D", o));
    const down = i < levels - 1 ? conv2d(tf, p, `${name}.downsamplers.0.conv`, cout, cout, 3, { stride: 2, pad: "valid" }) : null;
    // torch padding=1 with stride 2: pad one pixel on every side, then a valid conv.
    downs.push({ layers, down: down ? (x) => down(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]) as T4) : null });
  });

  const cMid = boc[levels - 1]!;
  const mid1 = resnetBlock(tf, p, "mid_block.resnets.0", cMid, cMid, tembC, o);
  const midAttn = o.add_attention ? attention(tf, p, "mid_block.attentions.0", cMid, o) : null;
  const mid2 = resnetBlock(tf, p, "mid_block.resnets.1", cMid, cMid, tembC, o);

  interface Up {
    layers: Layer[];
    up: ((x: T4) => T4) | null;
  }
  const ups: Up[] = [];
  const rev = [...boc].reverse();
  let out = rev[0]!;
  o.up_block_types.forEach((type, i) => {
    const prev = out;
    out = rev[i]!;
    const inC = rev[Math.min(i + 1, levels - 1)]!;
    const name = `up_blocks.${i}`;
    const n = o.layers_per_block + 1;
    const layers = Array.from({ length: n }, (_, j) => {
      const skipC = j === n - 1 ? inC : out;
      const resIn = j === 0 ? prev : out;
      return layer(tf, p, name, j, resIn + skipC, out, tembC, type === "AttnUpBlock2D", o);
    });
    const conv = i < levels - 1 ? conv2d(tf, p, `${name}.upsamplers.0.conv`, out, out, 3) : null;
    ups.push({ layers, up: conv ? (x) => conv(upsampleNearest2x(tf, x)) : null });
  });

  const normOut = groupNorm(tf, p, "conv_norm_out", o.norm_num_groups, boc[0]!, o.norm_eps);
  const convOut = conv2d(tf, p, "conv_out", boc[0]!, o.out_channels, 3);
  const multiple = 2 ** (levels - 1);

  const apply = (inp: T4): T4 => {
    const [, H, W] = inp.shape;
    const ph = (multiple - (H % multiple)) % multiple, pw = (multiple - (W % multiple)) % multiple;
    const xin = ph || pw ? (tf.pad(inp, [[0, 0], [0, ph], [0, pw], [0, 0]]) as T4) : inp;
    const temb = lin2(silu(tf, lin1(tf.tensor2d(sinusoid, [1, boc[0]!]))));
    let x = convIn(xin);
    const skips: T4[] = [x];
    for (const d of downs) {
      for (const l of d.layers) skips.push((x = l(x, temb)));
      if (d.down) skips.push((x = d.down(x)));
    }
    x = mid1(x, temb);
    if (midAttn) x = midAttn(x);
    x = mid2(x, temb);
    for (const u of ups) {
      for (const l of u.layers) x = l(tf.concat([x, skips.pop()!], 3), temb);
      if (u.up) x = u.up(x);
    }
    x = convOut(silu(tf, normOut(x)));
    return ph || pw ? (tf.slice(x, [0, 0, 0, 0], [-1, H, W, -1]) as T4) : x;
  };
  return { params: p, apply, className: "Unet_arch" };
}
