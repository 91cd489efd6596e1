/**
 * NAFNet (spec training-framework.md §9.1), NHWC. Parameter names follow the original's state dict
 * (`intro.weight`, `encoders.0.0.conv1.weight`, `encoders.0.0.theta`, `ups.0.0.weight`, ...), so
 * its checkpoints load directly; upstream megvii names (`beta`/`gamma`) are detected in ../naming.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { channelLayerNorm, conv2d, pixelShuffle, simpleGate, type Tf } from "../layers";
import { ParamStore } from "../params";
import type { Network } from "../network";

type T4 = tfTypes.Tensor4D;

export interface NAFNetOptions {
  in_channels: number;
  out_channels: number;
  width: number;
  middle_blk_num: number;
  enc_blk_nums: number[];
  dec_blk_nums: number[];
}

export const nafnetDefaults: NAFNetOptions = { in_channels: 3, out_channels: 3, width: 16, middle_blk_num: 1, enc_blk_nums: [], dec_blk_nums: [] };

function nafBlock(tf: Tf, p: ParamStore, name: string, c: number): (x: T4) => T4 {
  const dw = 2 * c; // DW_Expand = 2
  const ffn = 2 * c; // FFN_Expand = 2
  const norm1 = channelLayerNorm(tf, p, `${name}.norm1`, c, 1e-6);
  const conv1 = conv2d(tf, p, `${name}.conv1`, c, dw, 1);
  const conv2 = conv2d(tf, p, `${name}.conv2`, dw, dw, 3, { depthwise: true });
  const sca = conv2d(tf, p, `${name}.sca.1`, dw / 2, dw / 2, 1);
  const conv3 = conv2d(tf, p, `${name}.conv3`, dw / 2, c, 1);
  const norm2 = channelLayerNorm(tf, p, `${name}.norm2`, c, 1e-6);
  const conv4 = conv2d(tf, p, `${name}.conv4`, c, ffn, 1);
  const conv5 = conv2d(tf, p, `${name}.conv5`, ffn / 2, c, 1);
  const theta = p.add(`${name}.theta`, [c], { kind: "constant", value: 0 }, "vector", [1, c, 1, 1]);
  const psi = p.add(`${name}.psi`, [c], { kind: "constant", value: 0 }, "vector", [1, c, 1, 1]);
  const gate = (x: T4): T4 => simpleGate(tf, x);
  return (inp) => {
    let x = gate(conv2(conv1(norm1(inp))));
    x = tf.mul(x, sca(tf.mean(x, [1, 2], true) as T4));
    x = conv3(x);
    const y = tf.add(inp, tf.mul(x, theta)) as T4;
    x = conv5(gate(conv4(norm2(y))));
    return tf.add(y, tf.mul(x, psi)) as T4;
  };
}

export function createNAFNet(tf: Tf, p: ParamStore, o: NAFNetOptions): Network {
  const intro = conv2d(tf, p, "intro", o.in_channels, o.width, 3);
  const encoders: Array<Array<(x: T4) => T4>> = [];
  const downs: Array<(x: T4) => T4> = [];
  let c = o.width;
  o.enc_blk_nums.forEach((n, l) => {
    encoders.push(Array.from({ length: n }, (_, i) => nafBlock(tf, p, `encoders.${l}.${i}`, c)));
    downs.push(conv2d(tf, p, `downs.${l}`, c, 2 * c, 2, { stride: 2, pad: "valid" }));
    c *= 2;
  });
  const middle = Array.from({ length: o.middle_blk_num }, (_, i) => nafBlock(tf, p, `middle_blks.${i}`, c));
  const ups: Array<(x: T4) => T4> = [];
  const decoders: Array<Array<(x: T4) => T4>> = [];
  o.dec_blk_nums.forEach((n, l) => {
    const up = conv2d(tf, p, `ups.${l}.0`, c, 2 * c, 1, { bias: false });
    ups.push((x) => pixelShuffle(tf, up(x), 2));
    c /= 2;
    decoders.push(Array.from({ length: n }, (_, i) => nafBlock(tf, p, `decoders.${l}.${i}`, c)));
  });
  const ending = conv2d(tf, p, "ending", o.width, o.out_channels, 3);
  const skip = o.in_channels === o.out_channels ? null : conv2d(tf, p, "skip", o.in_channels, o.out_channels, 3);
  const multiple = 2 ** o.enc_blk_nums.length;

  const apply = (inp: T4): T4 => {
    const [, H, W] = inp.shape;
    const ph = (multiple - (H % multiple)) % multiple, pw = (multiple - (W % multiple)) % multiple;
    const xin = ph || pw ? (tf.pad(inp, [[0, 0], [0, ph], [0, pw], [0, 0]]) as T4) : inp;
    let x = intro(xin);
    const skips: T4[] = [];
    encoders.forEach((blocks, l) => {
      for (const b of blocks) x = b(x);
      skips.push(x);
      x = downs[l]!(x);
    });
    for (const b of middle) x = b(x);
    decoders.forEach((blocks, l) => {
      x = tf.add(ups[l]!(x), skips[skips.length - 1 - l]!) as T4;
      for (const b of blocks) x = b(x);
    });
    x = tf.add(ending(x), skip ? skip(xin) : xin) as T4;
    return ph || pw ? (tf.slice(x, [0, 0, 0, 0], [-1, H, W, -1]) as T4) : x;
  };
  return { params: p, apply, className: "NAFNet_arch" };
}
