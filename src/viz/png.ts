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

const PX_PER_UNIT: Record<string, number> = { "": 1, px: 1, pt: 96 / 72, in: 96, mm: 96 / 25.4, cm: 96 / 2.54 };

/**
 * Rasterises an SVG at `dpi` pixels per inch of its size (96 = CSS pixels, 300 = print). sharp
 * scales unitless sizes by density/72 but physical ones (pt, in) by density^2/72, so the root
 * size is restated in CSS px first and the density chosen for that.
 */
export async function svgToPngAtDpi(svg: string, dpi: number): Promise<Buffer> {
  if (!(dpi > 0)) throw new RangeError(`viz: dpi must be positive, found ${dpi}`);
  const unitless = svg.replace(/^(<svg\b[^>]*?)\swidth="([\d.]+)(px|pt|in|mm|cm)?"\s+height="([\d.]+)(px|pt|in|mm|cm)?"/, (_m, pre: string, w: string, wu = "", h: string, hu = "") => {
      const px = (v: string, u: string): string => String(Number(v) * (PX_PER_UNIT[u] as number));
      return `${pre} width="${px(w, wu)}" height="${px(h, hu)}"`;
    },
  );
  return svgToPng(unitless, (dpi * 72) / 96);
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}
