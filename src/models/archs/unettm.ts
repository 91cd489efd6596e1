/**
 * UnetTM (spec training-framework.md §9.4, `type: UnetTM`; the original's
 * models/archs/related/Unet/UnetTM_arch.py with blocks RDB, CAB, common), NHWC, with the original's
 * state-dict names (`encoder.conv.weight`, `encoder.enc_l2.dense_layers.1.conv.weight`,
 * `decoder.uph.weight`, `decoder.fusion3.body.0.weight`, `decoder.fusion3.CA.conv_du.2.weight`,
 * `decoder.output.1.bias`, ...), so its checkpoints load by name.
 *
 * n = n_features:
 * - encoder: e1 = RDB(n, growth n)(Conv5(in → n)); e2 = RDB(2n, growth ⌊1.5n⌋)(Conv5 s2(n → 2n));
 *   e3 = RDB(4n, growth 2n)(Conv5 s2(2n → 4n)); h = RDB(8n, growth 2n)(Conv5 s2(4n → 8n)).
 *   Convs have bias; "same" padding (2 for 5×5, 1 for 3×3) also with stride 2.
 * - RDB(c, g): 3 dense layers [x ← concat(x, ReLU(Conv3(x → g)))], Conv1(c + 3g → c), + input.
 * - decoder: x3 = CAB(8n)(concat(ConvT(8n → 4n)(h), e3)); x2 = CAB(4n)(concat(ConvT(8n → 2n)(x3), e2));
 *   x1 = CAB(2n)(concat(ConvT(4n → n)(x2), e1)); out = Conv3(n → out)(Conv3(2n → n)(x1)).
 *   ConvT: 3×3, stride 2, padding 1, output_padding 1 (exact ×2), with bias.
 * - CAB(c) (kernels [1, 3]): r = Conv3(GELU(Conv1(x))) (bias), r ← r · σ(Conv1(ReLU(Conv1(avgpool r))))
 *   (channel attention c → c/16 → c, no bias), out = r + x. No global residual.
 * Init: the original wrapper never calls the Hugging Face init, so every layer keeps PyTorch's default
 * U(−1/√fan_in, 1/√fan_in) (fan_in of a ConvTranspose2d: out channels · k²).
 * Difference: the original needs H and W divisible by 8 (the skips must match); other sizes are
 * zero-padded on the right/bottom and cropped back (as NAFNet does here).
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { conv2d, gelu, torchDefaultInit, type Tf } from "../layers";
import type { Network } from "../network";
import { ParamStore } from "../params";

type T4 = tfTypes.Tensor4D;

export interface UnetTMOptions {
  in_channels: number;
  out_channels: number;
  n_features: number;
}

export const unetTMDefaults: UnetTMOptions = { in_channels: 3, out_channels: 3, n_features: 16 };

/** The channel attention's reduction (CALayer default). */
const reduction = 16;

/** nn.Conv2d(cin, cout, k, stride, padding k//2, bias) with PyTorch's default init. */
function conv(tf: Tf, p: ParamStore, name: string, cin: number, cout: number, k: number, o: { stride?: number; bias?: boolean } = {}): (x: T4) => T4 {
  const init = torchDefaultInit(cin * k * k);
  const stride = o.stride ?? 1;
  if (stride === 1) return conv2d(tf, p, name, cin, cout, k, { init, biasInit: init, bias: o.bias });
  // torch padding k//2 with stride 2 pads both sides equally (tf "same" would pad the bottom/right more).
  const c = conv2d(tf, p, name, cin, cout, k, { stride, pad: "valid", init, biasInit: init, bias: o.bias });
  const pad = Math.floor(k / 2);
  return (x) => c(tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as T4);
}

/** nn.ConvTranspose2d(cin, cout, 3, stride 2, padding 1, output_padding 1): H×W -> 2H×2W. */
function convTranspose2x(tf: Tf, p: ParamStore, name: string, cin: number, cout: number): (x: T4) => T4 {
  const init = torchDefaultInit(cout * 9);
  // ours [k, k, cout, cin] <-> torch [cin, cout, k, k] (the "conv" layout swaps the channel axes).
  const w = p.add(`${name}.weight`, [3, 3, cout, cin], init, "conv");
  const b = p.add(`${name}.bias`, [cout], init, "vector");
  return (x) => {
    const [B, H, W] = x.shape;
    // The full transposed conv is (2H+1)×(2W+1); padding 1 drops the first row/column, output_padding 1 keeps the last.
    const full = tf.conv2dTranspose(x, w as tfTypes.Tensor4D, [B, 2 * H + 1, 2 * W + 1, cout], 2, "valid");
    return tf.add(tf.slice(full, [0, 1, 1, 0], [B, 2 * H, 2 * W, cout]), b) as T4;
  };
}

/** Residual dense block: 3 dense layers of `growth` channels (ReLU), a 1×1 back to c, + input. */
function rdb(tf: Tf, p: ParamStore, name: string, c: number, growth: number): (x: T4) => T4 {
  const layers: Array<(x: T4) => T4> = [];
  let width = c;
  for (let i = 0; i < 3; i++) {
    layers.push(conv(tf, p, `${name}.dense_layers.${i}.conv`, width, growth, 3));
    width += growth;
  }
  const fuse = conv(tf, p, `${name}.conv1x1`, width, c, 1);
  return (x) => {
    let d = x;
    for (const l of layers) d = tf.concat([d, tf.relu(l(d))], 3) as T4;
    return tf.add(fuse(d), x) as T4;
  };
}

/** Channel attention block with kernels [1, 3]. */
function cab(tf: Tf, p: ParamStore, name: string, c: number): (x: T4) => T4 {
  const body0 = conv(tf, p, `${name}.body.0`, c, c, 1);
  const body2 = conv(tf, p, `${name}.body.2`, c, c, 3);
  const cr = Math.floor(c / reduction);
  const du0 = conv(tf, p, `${name}.CA.conv_du.0`, c, cr, 1, { bias: false });
  const du2 = conv(tf, p, `${name}.CA.conv_du.2`, cr, c, 1, { bias: false });
  return (x) => {
    const r = body2(gelu(tf, body0(x)));
    const att = tf.sigmoid(du2(tf.relu(du0(tf.mean(r, [1, 2], true) as T4))));
    return tf.add(tf.mul(r, att), x) as T4;
  };
}

export function createUnetTM(tf: Tf, p: ParamStore, o: UnetTMOptions): Network {
  const n = o.n_features;
  if (2 * n < reduction) throw new RangeError(`n_features must be at least ${reduction / 2} (the channel attention reduces 2·n_features channels by ${reduction}), found ${n}`);
  const encConv = conv(tf, p, "encoder.conv", o.in_channels, n, 5);
  const down1 = conv(tf, p, "encoder.down1", n, 2 * n, 5, { stride: 2 });
  const down2 = conv(tf, p, "encoder.down2", 2 * n, 4 * n, 5, { stride: 2 });
  const down3 = conv(tf, p, "encoder.down3", 4 * n, 8 * n, 5, { stride: 2 });
  const l1 = rdb(tf, p, "encoder.enc_l1", n, n);
  const l2 = rdb(tf, p, "encoder.enc_l2", 2 * n, Math.floor((n * 3) / 2));
  const l3 = rdb(tf, p, "encoder.enc_l3", 4 * n, 2 * n);
  const lh = rdb(tf, p, "encoder.enc_h", 8 * n, 2 * n);
  const uph = convTranspose2x(tf, p, "decoder.uph", 8 * n, 4 * n);
  const fusion3 = cab(tf, p, "decoder.fusion3", 8 * n);
  const up3 = convTranspose2x(tf, p, "decoder.up3", 8 * n, 2 * n);
  const fusion2 = cab(tf, p, "decoder.fusion2", 4 * n);
  const up2 = convTranspose2x(tf, p, "decoder.up2", 4 * n, n);
  const fusion1 = cab(tf, p, "decoder.fusion1", 2 * n);
  const out0 = conv(tf, p, "decoder.output.0", 2 * n, n, 3);
  const out1 = conv(tf, p, "decoder.output.1", n, o.out_channels, 3);
  const multiple = 8;

  const apply = (inp: T4): T4 => {
    const [, H, W] = inp.shape;
    const ph = (multiple - (H % multiple)) % multiple, pw = (multiple - (W % multiple)) % multiple;
    const xin = ph || pw ? (tf.pad(inp, [[0, 0], [0, ph], [0, pw], [0, 0]]) as T4) : inp;
    const e1 = l1(encConv(xin));
    const e2 = l2(down1(e1));
    const e3 = l3(down2(e2));
    const h = lh(down3(e3));
    const x3 = fusion3(tf.concat([uph(h), e3], 3) as T4);
    const x2 = fusion2(tf.concat([up3(x3), e2], 3) as T4);
    const x1 = fusion1(tf.concat([up2(x2), e1], 3) as T4);
    const y = out1(out0(x1));
    return ph || pw ? (tf.slice(y, [0, 0, 0, 0], [-1, H, W, -1]) as T4) : y;
  };
  return { params: p, apply, className: "UnetTM_arch" };
}
