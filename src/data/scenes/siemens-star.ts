/**
 * Siemens star scene: the metrics module's ISO 12233 star target (src/metrics/targets, reused so
 * the dataset's stars are the ones the star-MTF analysis expects), square of side min(H, W), centred
 * on an (H, W) canvas of the mean grey and repeated to `channels`.
 */
import { siemensStarTarget } from "../../metrics/targets";
import { cropCenter, toChannels } from "../transforms/geometry";
import { makeImage, type ImageHWC } from "../../array";

export interface SiemensStarOptions {
  spokes?: number;
  profile?: "sine" | "bar";
  contrast?: number;
}

export function siemensStar(height: number, width: number, channels: number, o: SiemensStarOptions = {}): ImageHWC {
  const side = Math.max(16, Math.min(height, width));
  const t = siemensStarTarget({ size: side, spokes: o.spokes, profile: o.profile ?? "bar", contrast: o.contrast });
  const star = makeImage(side, side, 1, t.data);
  return toChannels(cropCenter(star, height, width, "constant", 0.5), channels);
}
