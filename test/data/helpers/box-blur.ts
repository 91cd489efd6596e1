/**
 * TEST DOUBLE (tests only): a shift-invariant circular box blur of radius `radius` standing in for
 * the spatially varying renderer, so generation can be tested without a basis file's numerics.
 * `createBlur` has the BlurFactory signature; the basis file must exist but is not read.
 */
import * as fs from "node:fs";
import type { BlurFactory, BlurOperator } from "../../../src/data";
import type { ImageHWC } from "../../../src/array";

export function boxBlur(height: number, width: number, channels: number, radius: number): BlurOperator {
  return {
    height,
    width,
    channels,
    description: { kind: "test-box", radius },
    apply(img: ImageHWC): ImageHWC {
      const out = new Float32Array(img.data.length);
      const n = (2 * radius + 1) ** 2;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          for (let c = 0; c < channels; c++) {
            let acc = 0;
            for (let dy = -radius; dy <= radius; dy++)
              for (let dx = -radius; dx <= radius; dx++) {
                const sy = (y + dy + height) % height;
                const sx = (x + dx + width) % width;
                acc += img.data[(sy * width + sx) * channels + c] as number;
              }
            out[(y * width + x) * channels + c] = acc / n;
          }
      return { data: out, height, width, channels };
    },
  };
}

export const createBlur: BlurFactory = async (basisFile, options) => {
  if (!fs.existsSync(basisFile)) throw new Error(`${basisFile}: basis file not found`);
  const o = options as { height?: number; width?: number; channels?: number; radius?: number };
  return boxBlur(o.height ?? 32, o.width ?? 32, o.channels ?? 3, o.radius ?? 1);
};
