/**
 * Static export of figures, without a browser: Vega-Lite -> SVG through vega's own SVG renderer
 * (paths and <text>, nothing rasterised), panel figures as their vector document (PNG pixels in
 * <image>s, text and axes as vector marks), SVG -> PNG through sharp. Files are written atomically.
 */
import * as path from "node:path";
import { writeFileAtomic } from "../util/atomic";
import { ArgumentError } from "../util/errors";
import { MIME, type MimeBundle } from "./mime";
import { svgToPngAtDpi } from "./png";
import { CSS_PX_PER_INCH, POINTS_PER_INCH } from "./style";
import { vegaLiteToSvg, type VegaLiteSpec } from "./vegalite";

/** Print resolution of exported PNGs (dots per inch). */
export const EXPORT_DPI = 300;

/**
 * Vega writes its size in CSS pixels without a unit; restating it in points fixes the print size
 * (96 px = 72 pt = 1 in) for every program that opens the file.
 */
function withPrintSize(svg: string): string {
  return svg.replace(/^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)"/, (_m, pre: string, w: string, h: string) => {
    const pt = (px: string): string => String(Math.round(((Number(px) * POINTS_PER_INCH) / CSS_PX_PER_INCH) * 100) / 100);
    return `<svg${pre} width="${pt(w)}pt" height="${pt(h)}pt"`;
  });
}

/** The figure as an SVG document: Vega-Lite natively, panel figures as vector text around their pixels. */
export async function figureToSvg(bundle: MimeBundle): Promise<string> {
  const d = bundle.data;
  if (d[MIME.vegaLite]) return withPrintSize(await vegaLiteToSvg(d[MIME.vegaLite] as VegaLiteSpec));
  if (typeof bundle.vectorSvg === "string") return bundle.vectorSvg;
  if (typeof d[MIME.svg] === "string") return d[MIME.svg] as string;
  if (typeof d[MIME.png] === "string") {
    // A PNG from elsewhere (not a src/viz panel figure): all that can be done is to wrap it.
    const meta = (bundle.metadata?.[MIME.png] ?? {}) as { width?: number; height?: number };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sharp = require("sharp") as typeof import("sharp");
    const info = await sharp(Buffer.from(d[MIME.png] as string, "base64")).metadata();
    const w = meta.width ?? info.width;
    const h = meta.height ?? info.height;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><image width="${w}" height="${h}" href="data:image/png;base64,${d[MIME.png]}"/></svg>`;
  }
  throw new ArgumentError(
    "bundle",
    "a Vega-Lite, SVG or PNG figure (Plotly needs a browser: use a Vega-Lite or image figure for reports)",
    Object.keys(d).join(", "),
  );
}

/** The figure as a PNG at `density` dots per inch of its print size (default EXPORT_DPI). */
export async function figureToPng(bundle: MimeBundle, density = EXPORT_DPI): Promise<Buffer> {
  if (typeof bundle.vectorSvg !== "string" && !bundle.data[MIME.vegaLite] && typeof bundle.data[MIME.png] === "string") {
    return Buffer.from(bundle.data[MIME.png] as string, "base64");
  }
  return svgToPngAtDpi(await figureToSvg(bundle), density);
}

/** Writes a figure by extension: .svg, .png, .json (the Vega-Lite/Plotly spec), .html / .md / .txt (tables). */
export async function saveFigure(bundle: MimeBundle | Promise<MimeBundle>, file: string): Promise<string> {
  const b = await bundle;
  const ext = path.extname(file).toLowerCase();
  const pick = (mime: string): unknown => {
    const v = b.data[mime];
    if (v === undefined) throw new ArgumentError("file", `a format this figure has (${mime} is missing for ${file})`, Object.keys(b.data).join(", "));
    return v;
  };
  switch (ext) {
    case ".svg":
      writeFileAtomic(file, await figureToSvg(b));
      break;
    case ".png":
      writeFileAtomic(file, await figureToPng(b));
      break;
    case ".json":
      writeFileAtomic(file, JSON.stringify(b.data[MIME.vegaLite] ?? pick(MIME.plotly), null, 1) + "\n");
      break;
    case ".html":
      writeFileAtomic(file, String(pick(MIME.html)));
      break;
    case ".md":
      writeFileAtomic(file, String(pick(MIME.markdown)) + "\n");
      break;
    case ".txt":
      writeFileAtomic(file, String(pick(MIME.plain)) + "\n");
      break;
    default:
      throw new ArgumentError("file", `${file} to end in .svg, .png, .json, .html, .md or .txt`, ext || "(no extension)");
  }
  return file;
}
