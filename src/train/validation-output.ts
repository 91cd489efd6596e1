/**
 * What validation leaves on disk (spec §6, the original's layout): `images/{out,gt,lq}_<index>_<k>k.png`
 * (index and thousands of steps zero-padded to 4) and `metrics.csv` in the experiment folder.
 */
import * as path from "node:path";
import type { ImageHWC } from "../array";
import { writeImage } from "../io/image";
import { writeFileAtomic } from "../util/atomic";
import type { ValidationMetrics } from "./evaluation";

/** Maps values from data_range [lo, hi] to [0, 1] (the range PNGs store). */
export function toUnitRange(img: ImageHWC, [lo, hi]: readonly [number, number]): ImageHWC {
  return { ...img, data: img.data.map((x) => (x - lo) / (hi - lo)) };
}

/** images/<kind>_<index>_<k>k.png, k = thousands of optimiser steps. */
export function validationImagePath(experimentsRoot: string, kind: "out" | "gt" | "lq", index: number, step: number): string {
  const k = String(Math.floor(step / 1000)).padStart(4, "0");
  return path.join(experimentsRoot, "images", `${kind}_${String(index).padStart(4, "0")}_${k}k.png`);
}

/** Writes the given images of one validation sample (values in [0, 1]) as 8-bit PNGs, in the order out, gt, lq. */
export async function writeValidationImages(experimentsRoot: string, index: number, step: number, images: Partial<Record<"out" | "gt" | "lq", ImageHWC>>): Promise<void> {
  for (const kind of ["out", "gt", "lq"] as const) {
    const img = images[kind];
    if (img) await writeImage(validationImagePath(experimentsRoot, kind, index, step), img);
  }
}

/** <experimentsRoot>/metrics.csv, written atomically. */
export function writeMetricsCsv(experimentsRoot: string, metrics: ValidationMetrics): string {
  const file = path.join(experimentsRoot, "metrics.csv");
  writeFileAtomic(file, metrics.csv());
  return file;
}
