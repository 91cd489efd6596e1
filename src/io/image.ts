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
 *
 * The one image codec of the repo: files (readImage/writeImage, for the CLI and notebooks) and
 * in-memory bytes (decodeImage/encodePng, for dataset shards), on one quantizer and one
 * sample-to-float conversion. Quantization follows the original's OpenCV path:
 * `q = saturate(round(v · (2^bits − 1)))`, i.e. values outside [0, 1] are clipped only here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { makeImage, type ImageHWC } from "../array";
import { InputFileError, ArgumentError } from "../util/errors";
import { withAtomicOutput } from "../util/atomic";

// sharp's own thread pool would compete with our worker threads; one per process is enough.
sharp.concurrency(1);
sharp.cache(false);

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
  let out: Float32Array;
  if (greyAlpha8) {
    out = new Float32Array(n);
    const buf = raw.data;
    for (let p = 0; p < width * height; p++) {
      out[2 * p] = buf[4 * p]! / 255;
      out[2 * p + 1] = buf[4 * p + 3]! / 255;
    }
  } else out = samplesToFloat(raw.data, depth as 8 | 16 | 32, n);
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
  const codes = bitDepth === 16 ? quantize16(img.data) : quantize8(img.data);
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

/**
 * Float32 samples in [0, 1] from the raw buffer libvips decoded: 8-bit / 255, 16-bit / 65535,
 * 32-bit float as stored.
 */
function samplesToFloat(data: Buffer, depth: 8 | 16 | 32, n: number): Float32Array {
  const out = new Float32Array(n);
  if (depth === 8) {
    for (let i = 0; i < n; i++) out[i] = data[i]! / 255;
    return out;
  }
  // Typed views need an aligned offset; copy the (rare) unaligned buffer.
  const buf = data.byteOffset % 4 === 0 ? data : Buffer.from(data);
  if (depth === 16) {
    const u16 = new Uint16Array(buf.buffer, buf.byteOffset, n);
    for (let i = 0; i < n; i++) out[i] = u16[i]! / 65535;
  } else out.set(new Float32Array(buf.buffer, buf.byteOffset, n));
  return out;
}

// ---- in-memory codec: dataset shards store images as PNG bytes ----

export type BitDepth = 8 | 16;

export interface DecodedImage {
  image: ImageHWC;
  bitDepth: BitDepth;
  format: string;
}

/** Decodes image bytes (PNG, JPEG, TIFF, 8 or 16 bit, 1-4 channels). `what` names the file in errors. */
export async function decodeImage(bytes: Uint8Array, what = "<image bytes>"): Promise<DecodedImage> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new InputFileError(what, `cannot decode as PNG/JPEG/TIFF image (${(err as Error).message})`);
  }
  const is16 = meta.depth === "ushort" || meta.depth === "short";
  const bands = meta.channels ?? 3;
  const grey = bands <= 2;
  try {
    let pipe = sharp(bytes);
    if (is16) pipe = pipe.toColourspace(grey ? "grey16" : "rgb16");
    const { data, info } = await pipe.raw({ depth: is16 ? "ushort" : "uchar" }).toBuffer({ resolveWithObject: true });
    const out = samplesToFloat(data, is16 ? 16 : 8, info.width * info.height * info.channels);
    return { image: makeImage(info.height, info.width, info.channels, out), bitDepth: is16 ? 16 : 8, format: meta.format ?? "unknown" };
  } catch (err) {
    throw new InputFileError(what, `image is corrupt or truncated (${(err as Error).message})`);
  }
}

/** decodeImage of a file's bytes (the dataset readers' entry: an HWC image and its stored depth). */
export async function readImageFile(file: string): Promise<DecodedImage> {
  if (!fs.existsSync(file)) throw new InputFileError(file, "image file not found");
  return decodeImage(fs.readFileSync(file), file);
}

/** `saturate(round(v · (2^bits − 1)))` for every value: what a PNG of that depth stores. */
export function quantize(img: ImageHWC, bits: BitDepth): Uint8Array | Uint16Array {
  return bits === 16 ? quantize16(img.data) : quantize8(img.data);
}

// One loop per output type (a store into `Uint8Array | Uint16Array` in one loop is several times
// slower), and round(y) as truncate(y + 0.5) after the clamp (2.5x faster than Math.round here):
// equal to Math.round because y = float32 · max has ≤ 40 significant bits, so y + 0.5 is exact.
function quantize8(src: Float32Array): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const f = (src[i] as number) * 255 + 0.5;
    out[i] = f >= 1 ? (f < 256 ? f | 0 : 255) : 0; // NaN → 0, as the typed-array store of NaN
  }
  return out;
}

function quantize16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const f = (src[i] as number) * 65535 + 0.5;
    out[i] = f >= 1 ? (f < 65536 ? f | 0 : 65535) : 0;
  }
  return out;
}

/** The float image a quantized image decodes back to (what a reader of the PNG sees). */
export function dequantize(img: ImageHWC, bits: BitDepth): ImageHWC {
  const q = quantize(img, bits);
  const max = bits === 16 ? 65535 : 255;
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i] as number) / max;
  return makeImage(img.height, img.width, img.channels, out);
}

/** Quantizes and encodes as PNG (deterministic bytes for the same pixels). */
export async function encodePng(img: ImageHWC, bits: BitDepth = 8): Promise<Uint8Array> {
  if (img.channels < 1 || img.channels > 4) throw new Error(`cannot encode ${img.channels}-channel image as PNG`);
  const q = quantize(img, bits);
  let pipe = sharp(q, { raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 } });
  if (bits === 16) pipe = pipe.toColourspace(img.channels <= 2 ? "grey16" : "rgb16");
  const buf = await pipe.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
