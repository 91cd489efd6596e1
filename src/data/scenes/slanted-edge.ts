/**
 * Slanted-edge scene: the metrics module's ISO 12233 edge target (src/metrics/targets, reused so
 * the slanted-edge MTF analysis reads the edges this dataset makes), anti-aliased by supersampling,
 * repeated to `channels`.
 */
import { slantedEdgeTarget } from "../../metrics/targets";
import { toChannels } from "../transforms/geometry";
import type { ImageHWC } from "../../array";

export interface SlantedEdgeOptions {
  angleDeg?: number;
  dark?: number;
  bright?: number;
}

export function slantedEdge(height: number, width: number, channels: number, o: SlantedEdgeOptions = {}): ImageHWC {
  const t = slantedEdgeTarget({ height: Math.max(8, height), width: Math.max(8, width), angleDeg: o.angleDeg ?? 5, low: o.dark, high: o.bright, supersample: 8 });
  return toChannels(t, channels);
}
