/**
 * Image-pair folders: `<root>/<split>/<gt_folder>/…` and `<root>/<split>/<lq_folder>/…` (the original's
 * stage-3 layout `{train,val}/{gt,blur}/NNNNN.png`, or any nesting below the column folders).
 * Pairs are matched by identical relative file name (the rule of `_HF_DATASET_SAMPLE.py`); a file
 * without its partner is an error naming it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputFileError } from "../../util/errors";
import { readImageFile } from "../../io/image";
import type { SampleMeta, SplitName } from "../types";
import type { ImageHWC } from "../../array";
import type { RawPairSource } from "./dataset";
import { isImageFile, listFilesRecursive } from "./files";

export function splitFolder(root: string, split: SplitName): string {
  const names = split === "train" ? ["train"] : ["val", "validation", "valid"];
  for (const n of names) if (fs.existsSync(path.join(root, n))) return path.join(root, n);
  throw new InputFileError(root, `no folder for split '${split}' (looked for ${names.join(", ")})`);
}

export class FolderPairSource implements RawPairSource {
  readonly length: number;
  readonly names: string[];

  constructor(
    readonly dir: string,
    readonly gtFolder: string,
    readonly lqFolder: string,
    readonly gtKey: string,
    readonly lqKey: string,
  ) {
    const gtDir = path.join(dir, gtFolder);
    const lqDir = path.join(dir, lqFolder);
    for (const d of [gtDir, lqDir]) if (!fs.existsSync(d)) throw new InputFileError(d, "folder not found");
    const gt = listFilesRecursive(gtDir).filter(isImageFile);
    const lq = new Set(listFilesRecursive(lqDir).filter(isImageFile));
    const missing = gt.filter((f) => !lq.has(f));
    if (missing.length > 0) throw new InputFileError(path.join(lqDir, missing[0] as string), `missing partner of ${path.join(gtDir, missing[0] as string)} (${missing.length} unpaired)`);
    const extra = [...lq].filter((f) => !gt.includes(f));
    if (extra.length > 0) throw new InputFileError(path.join(gtDir, extra[0] as string), `missing partner of ${path.join(lqDir, extra[0] as string)} (${extra.length} unpaired)`);
    this.names = gt;
    this.length = gt.length;
  }

  async read(index: number): Promise<{ images: Record<string, ImageHWC>; meta: SampleMeta }> {
    const name = this.names[index] as string;
    const [gt, lq] = await Promise.all([readImageFile(path.join(this.dir, this.gtFolder, name)), readImageFile(path.join(this.dir, this.lqFolder, name))]);
    return { images: { [this.gtKey]: gt.image, [this.lqKey]: lq.image }, meta: { file: name } };
  }
}
