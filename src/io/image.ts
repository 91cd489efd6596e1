/**
 * Image files <-> float arrays, through sharp (libvips).
 *
 * In memory an image is `ImageHWC` (src/array): Float32Array in HWC order (row-major, channels interleaved),
 * values in [0, 1] for integer files (8-bit / 255, 16-bit / 65535); float TIFFs keep their values.
 * No colour management and no EXIF rotation: pixel values are read as stored (research data).
 *
 * Supported: PNG, TIFF, JPEG (and whatever else libvips decodes, e.g. WebP) at 8 or 16 bits,
 * 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels; 32-bit float TIFF for reading.
 * Writing: PNG (8/16 bit), TIFF (8/16 bit, deflate), JPEG (8 bit), atomically.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { InputFileError, ArgumentError } from "../util/errors";
import { withAtomicOutput } from "../util/atomic";
import type { ImageHWC } from "../array";

export interface LoadedImage extends ImageHWC {
  file: string;
  /** Sample depth of the file: 8, 16 or 32 (float). */
  bitDepth: 8 | 16 | 32;
  /** Container format as reported by libvips (png, tiff, jpeg, ...). */
  format: string;
}

/** How to shape the channels on reading. */
export type ChannelMode =
  /** as stored (1, 2, 3 or 4 channels) */
  | "keep"
  /** 3 channels: grey is replicated, alpha dropped */
  | "rgb"
  /** 1 channel: RGB is converted with Rec.601 luma weights (as Pillow's convert("L")), alpha dropped */
  | "gray";

export const IMAGE_EXTENSIONS = [".png", ".tif", ".tiff", ".jpg", ".jpeg"] as const;

/** True when the file name has an image extension this module reads (case-insensitive). */
export function isImageFile(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}

/** Reads an image file into a float HWC array. Fails with InputFileError naming the file. */
export async function readImage(file: string, opts: { channels?: ChannelMode } = {}): Promise<LoadedImage> {
  if (!fs.existsSync(file)) throw new InputFileError(file, "image file not found");
  if (fs.statSync(file).isDirectory()) throw new InputFileError(file, "expected an image file, found a directory");
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (err) {
    throw new InputFileError(file, `not a readable image (expected PNG/TIFF/JPEG): ${(err as Error).message}`);
  }
  const stored = meta.channels ?? 3;
  // Palette images decode to RGB(A); libvips reports them as 3/4 channels already.
  const grey = stored <= 2;
  const depth = meta.depth === "ushort" || meta.depth === "short" ? 16 : meta.depth === "float" || meta.depth === "double" ? 32 : 8;
  if (meta.depth && !["uchar", "char", "ushort", "short", "float", "double"].includes(meta.depth)) {
    throw new InputFileError(file, `unsupported sample type '${meta.depth}' (expected 8/16-bit integer or float)`);
  }
  // Ask libvips for the stored interpretation so it neither adds nor drops channels.
  // (8-bit "b-w" would drop an alpha channel, so 8-bit grey+alpha is decoded as RGBA and picked apart.)
  const greyAlpha8 = depth === 8 && stored === 2;
  const space = depth === 16 ? (grey ? "grey16" : "rgb16") : depth === 32 ? (grey ? "b-w" : "scrgb") : grey ? "b-w" : "srgb";
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = sharp(file);
    if (!greyAlpha8) pipeline = pipeline.toColourspace(space);
    raw = await pipeline
      .raw({ depth: depth === 16 ? "ushort" : depth === 32 ? "float" : "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new InputFileError(file, `could not decode image: ${(err as Error).message}`);
  }
  const { width, height } = raw.info;
  const decodedC = raw.info.channels;
  const channels = greyAlpha8 ? 2 : decodedC;
  if (greyAlpha8 && decodedC !== 4) throw new InputFileError(file, `grey+alpha image decoded to ${decodedC} channels, expected 4`);
  const n = width * height * channels;
  const out = new Float32Array(n);
  // Typed views need an aligned offset; copy the (rare) unaligned buffer.
  const buf = raw.data.byteOffset % 4 === 0 ? raw.data : Buffer.from(raw.data);
  if (greyAlpha8) {
    for (let p = 0; p < width * height; p++) {
      out[2 * p] = buf[4 * p]! / 255;
      out[2 * p + 1] = buf[4 * p + 3]! / 255;
    }
  } else if (depth === 8) {
    for (let i = 0; i < n; i++) out[i] = buf[i]! / 255;
  } else if (depth === 16) {
    const u16 = new Uint16Array(buf.buffer, buf.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = u16[i]! / 65535;
  } else {
    out.set(new Float32Array(buf.buffer, buf.byteOffset, n));
  }
  const img: ImageHWC = { data: out, height, width, channels };
  const shaped = convertChannels(img, opts.channels ?? "keep");
  return { ...shaped, file, bitDepth: depth as 8 | 16 | 32, format: meta.format ?? "unknown" };
}

/** Channel conversion on float images (see ChannelMode). */
export function convertChannels(img: ImageHWC, mode: ChannelMode): ImageHWC {
  const { height: h, width: w, channels: c } = img;
  if (mode === "keep") return img;
  const colour = c >= 3;
  const outC = mode === "rgb" ? 3 : 1;
  if ((mode === "rgb" && c === 3) || (mode === "gray" && c === 1)) return img;
  const out = new Float32Array(h * w * outC);
  const src = img.data;
  for (let p = 0; p < h * w; p++) {
    const s = p * c;
    if (mode === "rgb") {
      if (colour) {
        out[3 * p] = src[s]!;
        out[3 * p + 1] = src[s + 1]!;
        out[3 * p + 2] = src[s + 2]!;
      } else {
        out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = src[s]!;
      }
    } else {
      out[p] = colour ? 0.299 * src[s]! + 0.587 * src[s + 1]! + 0.114 * src[s + 2]! : src[s]!;
    }
  }
  return { data: out, height: h, width: w, channels: outC };
}

export interface WriteImageOptions {
  /** 8 or 16 (PNG, TIFF); JPEG is always 8. Default 8. */
  bitDepth?: 8 | 16;
  /** Default: from the extension (.png, .tif/.tiff, .jpg/.jpeg). */
  format?: "png" | "tiff" | "jpeg";
  /** JPEG quality 1-100 (default 95). */
  quality?: number;
}

function formatFromName(file: string): "png" | "tiff" | "jpeg" | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".png") return "png";
  if (ext === ".tif" || ext === ".tiff") return "tiff";
  if (ext === ".jpg" || ext === ".jpeg") return "jpeg";
  return null;
}

/**
 * Writes a float HWC image (values clipped to [0, 1], rounded to the nearest code) atomically.
 * 1-4 channels: grey, grey+alpha, RGB, RGBA.
 */
export async function writeImage(file: string, img: ImageHWC, opts: WriteImageOptions = {}): Promise<void> {
  const { height: h, width: w, channels: c } = img;
  if (!(c >= 1 && c <= 4)) throw new ArgumentError("image channels", "1, 2, 3 or 4", c);
  if (img.data.length !== h * w * c) {
    throw new ArgumentError("image data length", `${h}*${w}*${c} = ${h * w * c}`, img.data.length);
  }
  const format = opts.format ?? formatFromName(file);
  if (!format) throw new ArgumentError("output file", "a name ending in .png, .tif, .tiff, .jpg or .jpeg", file);
  const bitDepth = format === "jpeg" ? 8 : (opts.bitDepth ?? 8);
  if (bitDepth !== 8 && bitDepth !== 16) throw new ArgumentError("bitDepth", "8 or 16", bitDepth);
  const n = h * w * c;
  const maxCode = bitDepth === 16 ? 65535 : 255;
  const codes = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  const src = img.data;
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    codes[i] = v > 0 ? (v < 1 ? Math.round(v * maxCode) : maxCode) : 0; // NaN -> 0
  }
  const grey = c <= 2;
  let pipeline = sharp(codes, { raw: { width: w, height: h, channels: c as 1 | 2 | 3 | 4 } }).toColourspace(
    bitDepth === 16 ? (grey ? "grey16" : "rgb16") : grey ? "b-w" : "srgb",
  );
  if (format === "png") pipeline = pipeline.png({ compressionLevel: 6 });
  else if (format === "tiff") pipeline = pipeline.tiff({ compression: "deflate" }); // sharp's default is lossy JPEG
  else pipeline = pipeline.jpeg({ quality: opts.quality ?? 95 });
  const encoded = await pipeline.toBuffer();
  await withAtomicOutput(file, (tmp) => fs.writeFileSync(tmp, encoded));
}
