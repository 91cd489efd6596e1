import * as path from "path";
import { InputFileError } from "../../util/errors";
import { readDeepLensJson } from "./io-deeplens";
import { readZemax } from "./io-zemax";
import { LensSystem } from "./system";

/** Reads a lens file by extension: .json (DeepLens) or .zmx (Zemax). */
export function loadLens(file: string): LensSystem {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".json") return readDeepLensJson(file);
  if (ext === ".zmx") return readZemax(file);
  throw new InputFileError(file, `unsupported lens file type '${ext || "(none)"}': expected .json (DeepLens) or .zmx (Zemax)`);
}
