/**
 * Image sources for generation and the on-the-fly dataset: a folder of PNG/JPEG/TIFF files (8 or
 * 16 bit, sorted by relative path) or built-in synthetic scenes. A source is indexable and its
 * item `i` is a pure function of (i, rng).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, InputFileError } from "../../util/errors";
import type { Rng } from "../../util/rng";
import { readImageFile } from "../../io/image";
import { isImageFile, listFilesRecursive } from "../readers/files";
import { sceneGenerators, sceneNames } from "../scenes";
import type { SampleMeta } from "../types";
import type { ImageHWC } from "../../array";

export interface ImageSource {
  readonly length: number;
  /** item i (rng: the sample's own generator) and what to record about where it came from */
  load(index: number, rng: Rng): Promise<{ image: ImageHWC; meta: SampleMeta }>;
}

export interface FolderSourceOptions {
  path: string;
  /** [start%, end%) of the sorted files (the original's data_percent) */
  dataPercent?: [number, number];
}

export class FolderSource implements ImageSource {
  readonly files: string[];
  readonly length: number;

  constructor(readonly options: FolderSourceOptions) {
    const root = options.path;
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new InputFileError(root, "image folder not found");
    const all = listFilesRecursive(root).filter(isImageFile);
    if (all.length === 0) throw new InputFileError(root, "no PNG/JPEG/TIFF images in the folder");
    const [a, b] = options.dataPercent ?? [0, 100];
    this.files = all.slice(Math.floor((a / 100) * all.length), Math.floor((b / 100) * all.length));
    this.length = this.files.length;
  }

  async load(index: number): Promise<{ image: ImageHWC; meta: SampleMeta }> {
    const rel = this.files[index % this.length] as string;
    const decoded = await readImageFile(path.join(this.options.path, rel));
    return { image: decoded.image, meta: { source: rel, source_bits: decoded.bitDepth } };
  }
}

export interface SyntheticSourceOptions {
  scenes: string[];
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** `count` synthetic scenes; item i uses scene type scenes[i mod n] (balanced, deterministic). */
export class SyntheticSource implements ImageSource {
  readonly length: number;

  constructor(readonly options: SyntheticSourceOptions, where = { file: "<config>", keyPath: "source.scenes" }) {
    for (const [i, s] of options.scenes.entries())
      if (!(s in sceneGenerators)) throw new ConfigError(where.file, `${where.keyPath}[${i}]`, `a scene name (one of ${sceneNames.join(", ")})`, s);
    if (options.scenes.length === 0) throw new ConfigError(where.file, where.keyPath, "at least one scene name", options.scenes);
    this.length = options.count;
  }

  async load(index: number, rng: Rng): Promise<{ image: ImageHWC; meta: SampleMeta }> {
    const { scenes, height, width, channels } = this.options;
    const scene = scenes[index % scenes.length] as string;
    const image = (sceneGenerators[scene] as (r: Rng, h: number, w: number, c: number) => ImageHWC)(rng.fork("scene"), height, width, channels);
    return { image, meta: { source: `scene:${scene}` } };
  }
}
