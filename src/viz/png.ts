/** PNG encoding through sharp (libvips, shipped as npm binaries; no canvas, no browser). */
import sharp from "sharp";
import type { Raster } from "./raster";

export async function rasterToPng(r: Raster): Promise<Buffer> {
  return sharp(Buffer.from(r.rgb.buffer, r.rgb.byteOffset, r.rgb.byteLength), {
    raw: { width: r.width, height: r.height, channels: 3 },
  })
    .png()
    .toBuffer();
}

/** Rasterises an SVG document (figures, Vega output). density 144 = 2x the SVG's CSS pixels. */
export async function svgToPng(svg: string, density = 144): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}
