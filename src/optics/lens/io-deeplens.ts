/**
 * DeepLens JSON lens files (the `GeoLens(filename=...)` format). Fields read:
 * - top level: `surfaces`, `d_sensor` (sensor position, mm), `sensor_size` [w, h] mm or `r_sensor`
 *   (sensor half-diagonal: a square sensor is assumed), `foclen`/`fnum` (informative only), `info`;
 * - per surface: `type` (Spheric, Aspheric, Aperture, Stop, Plane, ThinLens), `r` (clear semi-
 *   diameter), `c` or `roc` (curvature or radius of curvature), `d` (vertex position) or `d_next`
 *   (distance to the next surface; positions then accumulate from 0), `k` and `ai` (even-asphere
 *   coefficients of r^2, r^4, ...), `mat2` (medium after the surface), `f` (ThinLens).
 * Keys in parentheses, e.g. "(d)", are DeepLens' informative copies and are used as fallbacks.
 */
import { readInputText } from "../../util/read-input";
import { InputFileError } from "../../util/errors";
import { getMaterial, hasMaterial } from "../glass/catalog";
import { AIR, LensSystem, Surface, validateLensFile } from "./system";

type Json = Record<string, unknown>;

function num(obj: Json, keys: string[]): number | undefined {
  for (const k of keys) {
    const v = obj[k] ?? obj[`(${k})`];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Parses DeepLens JSON text; `file` names the source in errors. */
export function parseDeepLensJson(text: string, file = "<json>"): LensSystem {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  const surfs = root["surfaces"];
  if (!Array.isArray(surfs) || surfs.length === 0) throw new InputFileError(file, `expected a non-empty "surfaces" list, found ${JSON.stringify(surfs)?.slice(0, 40)}`);
  const surfaces: Surface[] = [];
  let stopIndex = -1;
  let zRun = 0;
  let lastDNext: number | undefined;
  surfs.forEach((raw, i) => {
    const where = `surfaces[${i}]`;
    if (typeof raw !== "object" || raw === null) throw new InputFileError(file, `${where}: expected an object`);
    const sd = raw as Json;
    const type = String(sd["type"] ?? "");
    const r = num(sd, ["r"]);
    if (r === undefined || !(r > 0)) throw new InputFileError(file, `${where}.r: expected a positive clear semi-diameter in mm, found ${JSON.stringify(sd["r"])}`);
    const d = num(sd, ["d"]);
    const z = d ?? zRun;
    const dNext = num(sd, ["d_next"]);
    zRun = z + (dNext ?? 0);
    lastDNext = dNext;
    const matName = sd["mat2"];
    if (typeof matName !== "string") throw new InputFileError(file, `${where}.mat2: expected a material name, found ${JSON.stringify(matName)}`);
    if (!hasMaterial(matName)) throw new InputFileError(file, `${where}.mat2: unknown material '${matName}' (add it to src/optics/glass/catalog.ts or write it as "nd/Vd")`);
    const materialAfter = getMaterial(matName);
    let curvature = 0;
    const roc = num(sd, ["roc"]);
    const c = num(sd, ["c"]);
    if (c !== undefined) curvature = c;
    else if (roc !== undefined) curvature = roc === 0 ? 0 : 1 / roc;
    const base: Surface = { kind: "conic", zMm: z, curvature, conic: 0, asphere: [], semiDiameterMm: r, materialAfter };
    switch (type) {
      case "Spheric":
        surfaces.push(base);
        break;
      case "Aspheric": {
        const ai = sd["ai"];
        let asphere: number[] = [];
        if (Array.isArray(ai)) asphere = ai.map((v, j) => {
          if (typeof v !== "number") throw new InputFileError(file, `${where}.ai[${j}]: expected a number, found ${JSON.stringify(v)}`);
          return v;
        });
        else {
          for (let p = 2; num(sd, [`ai${p}`]) !== undefined; p += 2) asphere.push(num(sd, [`ai${p}`])!);
        }
        surfaces.push({ ...base, conic: num(sd, ["k"]) ?? 0, asphere });
        break;
      }
      case "Aperture":
      case "Stop":
        if (stopIndex < 0) stopIndex = surfaces.length;
        surfaces.push({ ...base, kind: "aperture", curvature: 0 });
        break;
      case "Plane":
        surfaces.push({ ...base, curvature: 0 });
        break;
      case "ThinLens": {
        const f = num(sd, ["f", "foclen"]);
        if (f === undefined) throw new InputFileError(file, `${where}.f: a ThinLens needs its focal length f (mm)`);
        surfaces.push({ ...base, kind: "paraxial", curvature: 0, focalLengthMm: f });
        break;
      }
      default:
        throw new InputFileError(
          file,
          `${where}.type: surface type '${type}' is not supported (supported: Spheric, Aspheric, Aperture, Stop, Plane, ThinLens)`,
        );
    }
  });
  const dSensor = num(root, ["d_sensor"]) ?? (lastDNext !== undefined ? zRun : undefined);
  if (dSensor === undefined) throw new InputFileError(file, `no sensor position: expected "d_sensor" or a "d_next" on the last surface`);
  let sensorSizeMm: [number, number];
  const ss = root["sensor_size"] ?? root["(sensor_size)"];
  const rs = num(root, ["r_sensor"]);
  if (Array.isArray(ss) && ss.length === 2 && ss.every((v) => typeof v === "number" && v > 0)) sensorSizeMm = [ss[0] as number, ss[1] as number];
  else if (rs !== undefined && rs > 0) sensorSizeMm = [rs * Math.SQRT2, rs * Math.SQRT2];
  else throw new InputFileError(file, `no sensor size: expected "sensor_size" [w, h] mm or "r_sensor" (half-diagonal, mm)`);
  const lens: LensSystem = {
    name: typeof root["info"] === "string" ? (root["info"] as string) : file,
    surfaces,
    stopIndex: stopIndex >= 0 ? stopIndex : 0,
    sensorZMm: dSensor,
    sensorSizeMm,
    objectMaterial: AIR,
    info: typeof root["info"] === "string" ? (root["info"] as string) : undefined,
  };
  validateLensFile(lens, file);
  return lens;
}

export function readDeepLensJson(file: string): LensSystem {
  return parseDeepLensJson(readInputText(file, "lens file"), file);
}

/** The lens as a DeepLens JSON object (the inverse of `parseDeepLensJson`), with `foclen`/`fnum` filled. */
export function toDeepLensJson(lens: LensSystem, eflMm?: number, fNumber?: number): Json {
  const surfaces = lens.surfaces.map((s, i) => {
    const next = i + 1 < lens.surfaces.length ? lens.surfaces[i + 1]!.zMm : lens.sensorZMm;
    const common = { r: s.semiDiameterMm, d: s.zMm, d_next: next - s.zMm, mat2: s.materialAfter.name.toLowerCase() };
    if (s.kind === "aperture") return { type: "Aperture", ...common, c: 0, is_square: false };
    if (s.kind === "paraxial") return { type: "ThinLens", ...common, f: s.focalLengthMm };
    if (s.asphere.length || s.conic !== 0) return { type: "Aspheric", ...common, c: s.curvature, k: s.conic, ai: [...s.asphere] };
    return { type: "Spheric", ...common, c: s.curvature };
  });
  return {
    info: lens.info ?? lens.name,
    ...(eflMm !== undefined ? { foclen: eflMm } : {}),
    ...(fNumber !== undefined ? { fnum: fNumber } : {}),
    r_sensor: 0.5 * Math.hypot(lens.sensorSizeMm[0], lens.sensorSizeMm[1]),
    d_sensor: lens.sensorZMm,
    sensor_size: [...lens.sensorSizeMm],
    surfaces,
  };
}
