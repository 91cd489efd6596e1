/**
 * Zemax OpticStudio sequential lens files (.zmx, UTF-8 or UTF-16 with BOM). Supported keywords:
 * UNIT (MM, CM, IN, METER), ENPD / FNUM / FLOA (system aperture), SURF, TYPE (STANDARD, EVENASPH,
 * PARAXIAL), CURV, DISZ (INFINITY allowed on the object surface), GLAS (catalogue name, or a model
 * glass by its nd/Vd fields), DIAM (semi-diameter), CONI, PARM (even-asphere terms r^2, r^4, ...;
 * focal length of a PARAXIAL surface), STOP. Keywords that change geometry in ways this tracer does
 * not model (coordinate breaks, tilts/decenters, mirrors, other surface types) raise an error that
 * names the file, line and keyword; cosmetic keywords are ignored.
 */
import { readInputFile } from "../../util/read-input";
import { InputFileError } from "../../util/errors";
import { abbe } from "../glass/dispersion";
import { getMaterial, hasMaterial } from "../glass/catalog";
import type { Material } from "../glass/dispersion";
import { AIR, LensSystem, Surface, validateLensFile } from "./system";
import { paraxial } from "./paraxial";

interface RawSurf {
  line: number;
  type: string;
  curv: number;
  disz: number;
  glass?: Material;
  diam?: number;
  coni: number;
  parm: Map<number, number>;
  stop: boolean;
}

/** Keywords that would change the optical model but are not supported: error, never ignore. */
const UNSUPPORTED = new Set(["DECX", "DECY", "TILT", "TILX", "TILY", "TILZ", "SQAP", "ELAP", "OBSC", "XDAT", "MIRR", "CONF", "MNUM", "GRIN"]);
const UNIT_MM: Record<string, number> = { MM: 1, CM: 10, IN: 25.4, METER: 1000, M: 1000 };

export interface ZemaxLens extends LensSystem {
  /** Object distance from the first lens vertex, mm (Infinity for an object at infinity). */
  objectDistanceMm: number;
}

export function decodeZemaxText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString("utf16le");
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString("utf16le");
  }
  // UTF-16 without BOM: every other byte zero in ASCII text.
  if (buf.length >= 4 && buf[1] === 0 && buf[3] === 0) return buf.toString("utf16le");
  return buf.toString("utf8").replace(/^\uFEFF/, "");
}

export function parseZemax(text: string, file = "<zmx>"): ZemaxLens {
  const lines = text.split(/\r?\n/);
  const surfs: RawSurf[] = [];
  let cur: RawSurf | undefined;
  let unit = 1;
  let enpd: number | undefined;
  let fnum: number | undefined;
  let name = file;
  const fail = (ln: number, kw: string, what: string): never => {
    throw new InputFileError(file, `line ${ln + 1}: ${kw}: ${what}`);
  };
  const numAt = (tok: string[], i: number, ln: number, kw: string): number => {
    const t = tok[i];
    if (t === undefined) fail(ln, kw, `expected a number in field ${i}, found nothing`);
    if (/^-?INFINITY$/i.test(t!)) return t!.startsWith("-") ? -Infinity : Infinity;
    const v = Number(t);
    if (!Number.isFinite(v)) fail(ln, kw, `expected a number in field ${i}, found '${t}'`);
    return v;
  };
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (!line) continue;
    const tok = line.split(/\s+/);
    const kw = tok[0]!.toUpperCase();
    if (kw === "SURF") {
      cur = { line: ln, type: "STANDARD", curv: 0, disz: 0, coni: 0, parm: new Map(), stop: false };
      surfs.push(cur);
      continue;
    }
    if (!cur) {
      // System section.
      if (kw === "UNIT") {
        const u = UNIT_MM[(tok[1] ?? "").toUpperCase()];
        if (u === undefined) fail(ln, kw, `unsupported lens unit '${tok[1]}' (supported: ${Object.keys(UNIT_MM).join(", ")})`);
        unit = u!;
      } else if (kw === "ENPD") enpd = numAt(tok, 1, ln, kw);
      else if (kw === "FNUM") fnum = numAt(tok, 1, ln, kw);
      else if (kw === "NAME") name = tok.slice(1).join(" ") || file;
      else if (kw === "MODE" && (tok[1] ?? "").toUpperCase() !== "SEQ") fail(ln, kw, `only sequential mode (MODE SEQ) is supported, found '${tok[1]}'`);
      else if (kw === "OBNA" || kw === "OBSC") fail(ln, kw, "object-space NA apertures / obscurations are not supported; use ENPD or FNUM");
      continue;
    }
    switch (kw) {
      case "TYPE": {
        const t = (tok[1] ?? "").toUpperCase();
        if (!["STANDARD", "EVENASPH", "PARAXIAL"].includes(t))
          fail(ln, kw, `surface type '${tok[1]}' is not supported (supported: STANDARD, EVENASPH, PARAXIAL)`);
        cur.type = t;
        break;
      }
      case "CURV":
        cur.curv = numAt(tok, 1, ln, kw) / unit;
        break;
      case "DISZ":
        cur.disz = numAt(tok, 1, ln, kw) * unit;
        break;
      case "DIAM":
        cur.diam = numAt(tok, 1, ln, kw) * unit;
        break;
      case "CONI":
        cur.coni = numAt(tok, 1, ln, kw);
        break;
      case "PARM":
        cur.parm.set(numAt(tok, 1, ln, kw), numAt(tok, 2, ln, kw));
        break;
      case "STOP":
        cur.stop = true;
        break;
      case "GLAS": {
        const g = tok[1] ?? "";
        if (/^MIRROR$/i.test(g)) fail(ln, kw, "mirrors are not supported by the sequential refractive tracer");
        if (hasMaterial(g)) cur.glass = getMaterial(g);
        else {
          const nd = Number(tok[4]), vd = Number(tok[5]);
          if (Number.isFinite(nd) && nd >= 1) cur.glass = abbe(nd, Number.isFinite(vd) ? vd : 0, `${g}(${nd}/${vd})`);
          else fail(ln, kw, `unknown glass '${g}' and no model nd/Vd on the line (add it to the catalogue or use a model glass)`);
        }
        break;
      }
      default:
        if (UNSUPPORTED.has(kw)) fail(ln, kw, "keyword not supported (tilts, decenters, mirrors, non-circular apertures and configurations are not modelled)");
    }
  }
  if (surfs.length < 3) throw new InputFileError(file, `expected at least an object, one lens surface and an image surface (SURF 0..N), found ${surfs.length} SURF entries`);
  const obj = surfs[0]!;
  const img = surfs[surfs.length - 1]!;
  const body = surfs.slice(1, -1);
  const surfaces: Surface[] = [];
  let z = 0;
  let stopIndex = -1;
  let medium: Material = AIR;
  body.forEach((r, i) => {
    if (!Number.isFinite(r.disz)) fail(r.line, "DISZ", "only the object surface may have an infinite thickness");
    const materialAfter = r.glass ?? AIR;
    let asphere: number[] = [];
    if (r.type === "EVENASPH") {
      const maxP = Math.max(0, ...r.parm.keys());
      asphere = Array.from({ length: maxP }, (_, j) => (r.parm.get(j + 1) ?? 0) / Math.pow(unit, 2 * j + 1));
      while (asphere.length && asphere[asphere.length - 1] === 0) asphere.pop();
    }
    const semi = r.diam && r.diam > 0 ? r.diam : Infinity;
    const s: Surface =
      r.type === "PARAXIAL"
        ? { kind: "paraxial", zMm: z, curvature: 0, conic: 0, asphere: [], semiDiameterMm: semi, materialAfter, focalLengthMm: (r.parm.get(1) ?? NaN) * unit }
        : r.curv === 0 && asphere.length === 0 && materialAfter === medium && r.stop
          ? { kind: "aperture", zMm: z, curvature: 0, conic: 0, asphere: [], semiDiameterMm: semi, materialAfter }
          : { kind: "conic", zMm: z, curvature: r.curv, conic: r.coni, asphere, semiDiameterMm: semi, materialAfter };
    if (r.stop) stopIndex = i;
    surfaces.push(s);
    medium = materialAfter;
    z += r.disz;
  });
  if (stopIndex < 0) stopIndex = 0;
  const lens: ZemaxLens = {
    name,
    surfaces,
    stopIndex,
    sensorZMm: z,
    sensorSizeMm: [0, 0],
    objectMaterial: obj.glass ?? AIR,
    objectDistanceMm: obj.disz,
    info: `read from ${file}`,
  };
  // The system aperture sets the stop size: ENPD directly, FNUM through the EFL.
  const stop = surfaces[stopIndex]!;
  if (enpd !== undefined || fnum !== undefined || !Number.isFinite(stop.semiDiameterMm)) {
    const probe = { ...lens, surfaces: surfaces.map((s, i) => (i === stopIndex ? { ...s, semiDiameterMm: 1 } : s)) };
    const p = paraxial(probe, 0.5875618);
    const epd = enpd !== undefined ? enpd * unit : fnum !== undefined ? p.eflMm / fnum : NaN;
    if (!Number.isFinite(epd)) throw new InputFileError(file, "no system aperture: give ENPD or FNUM, or a DIAM on the STOP surface");
    stop.semiDiameterMm = epd / 2 / p.entrancePupilRadiusMm;
  }
  // Unset clear apertures: generous (3x the largest known one) so they never vignette.
  const known = surfaces.map((s) => s.semiDiameterMm).filter(Number.isFinite);
  const big = 3 * Math.max(1, ...known);
  for (const s of surfaces) if (!Number.isFinite(s.semiDiameterMm)) s.semiDiameterMm = big;
  const rImg = img.diam && img.diam > 0 ? img.diam : Math.max(...surfaces.map((s) => s.semiDiameterMm));
  lens.sensorSizeMm = [rImg * Math.SQRT2, rImg * Math.SQRT2];
  validateLensFile(lens, file);
  return lens;
}

export function readZemax(file: string): ZemaxLens {
  return parseZemax(decodeZemaxText(readInputFile(file, "lens file")), file);
}
