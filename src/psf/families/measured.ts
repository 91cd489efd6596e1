/**
 * `measured`: PSFs extracted from a captured image of a point-source grid (spec §9.2; see
 * src/psf/measured.ts for the steps).
 *
 * Parameters:
 *   capture      image file (PNG/TIFF/JPEG, 8/16-bit or float TIFF), relative to the config file
 *   background   optional dark/backlight frame of the same size; default: per-channel median
 *   spots        [rows, cols] of the point-source grid in the capture
 *   threshold    spot detection threshold as a fraction of the brightest spot; default 0.1
 *   normalize    each crop to sum 1 per channel (default true)
 * Channels: a grey capture serves every channel; a colour capture must have one channel per
 * wavelength (channel i of the image <-> wavelengths_nm[i]).
 * Grid: when the config's grid names no shape, the spot grid is used, with H_img fitted (affine,
 * least squares) to the spot centroids. Otherwise each grid point takes the spot nearest to it.
 * Metadata per position: [spot_row, spot_col] (the centroid in capture pixels).
 */
import * as path from "node:path";
import { array, boolean, integer, number, object, optional, string, withDefault } from "../../config/schema";
import { readImage } from "../../io/image";
import { ConfigError } from "../../util/errors";
import { extractSpotGrid, type SpotGrid } from "../measured";
import type { FieldPoint, PsfSample, PsfSource } from "../source";
import { commonFields, type PsfFamily } from "./family";

export class MeasuredSource implements PsfSource {
  readonly family = "measured";
  readonly metadataKeys = ["spot_row", "spot_col"] as const;
  readonly preferredGrid: { rows: number; cols: number; hImg: Float64Array };
  constructor(
    readonly kernelSize: number,
    readonly spots: SpotGrid,
  ) {
    this.preferredGrid = { rows: spots.rows, cols: spots.cols, hImg: spots.hImg };
  }

  /** The spot nearest to image position (xImg, yImg). */
  nearest(xImg: number, yImg: number): number {
    let best = 0;
    let bestD = Infinity;
    const c = this.spots.centres;
    for (let s = 0; s < this.spots.rows * this.spots.cols; s++) {
      const d = ((c[2 * s] as number) - yImg) ** 2 + ((c[2 * s + 1] as number) - xImg) ** 2;
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    }
    return best;
  }

  psfAt(p: FieldPoint): PsfSample {
    const s = this.nearest(p.xImg, p.yImg);
    const C = this.spots.channels;
    const kk = this.kernelSize * this.kernelSize;
    const ch = C === 1 ? 0 : p.channel;
    const kernel = this.spots.psfs.slice((s * C + ch) * kk, (s * C + ch + 1) * kk);
    return { kernel, metadata: [this.spots.centres[2 * s] as number, this.spots.centres[2 * s + 1] as number] };
  }
}

const schema = object({
  ...commonFields,
  capture: string(),
  background: optional(string()),
  spots: array(integer({ min: 1 }), { length: 2 }),
  threshold: withDefault(number({ min: 0, max: 1 }), 0.1),
  normalize: withDefault(boolean(), true),
});

export const measuredFamily: PsfFamily<ReturnType<typeof schema.parse>> = {
  name: "measured",
  description: "PSFs cropped from a captured image of a point-source grid (background-subtracted, normalised)",
  schema,
  async create(p, ctx) {
    const dir = path.dirname(ctx.configFile);
    const capture = await readImage(path.resolve(dir, p.capture), { channels: "keep" });
    const channels = capture.channels === 1 ? 1 : ctx.wavelengthsNm.length;
    const img = capture.channels === 1 ? capture : { data: pickChannels(capture.data, capture.channels, channels), height: capture.height, width: capture.width, channels };
    if (capture.channels !== 1 && capture.channels < channels)
      throw new ConfigError(ctx.configFile, `${ctx.keyPath}.capture`, `a grey image or one with ${channels} channels (one per wavelength)`, p.capture, `it has ${capture.channels}`);
    const background = p.background ? await readImage(path.resolve(dir, p.background), { channels: "keep" }) : undefined;
    try {
      const spots = extractSpotGrid(img, { rows: p.spots[0] as number, cols: p.spots[1] as number, kernelSize: ctx.kernelSize, background, threshold: p.threshold, normalize: p.normalize });
      return new MeasuredSource(ctx.kernelSize, spots);
    } catch (err) {
      throw new ConfigError(ctx.configFile, `${ctx.keyPath}.spots`, `a spot grid that ${p.capture} contains`, p.spots, (err as Error).message);
    }
  },
};

/** Keeps the first `n` of `C` interleaved channels (drops alpha). */
function pickChannels(data: Float32Array, C: number, n: number): Float32Array {
  if (C === n) return data;
  const px = data.length / C;
  const out = new Float32Array(px * n);
  for (let p = 0; p < px; p++) for (let c = 0; c < n; c++) out[p * n + c] = data[p * C + c] as number;
  return out;
}
