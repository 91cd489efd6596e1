import type { Command } from "commander";
import { ArgumentError, writeFileAtomic } from "../../util";
import { readImage } from "../../io";
import { mtfMapFromPsfFile, type MtfMap, slantedEdgeMtf, mtfAt } from "../../metrics";
import { parseNumber } from "../options";

function num(name: string, v: string | undefined): number | undefined {
  return v === undefined ? undefined : parseNumber(name, v, { positive: true });
}

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(4));
const f1 = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(1));

function mapReport(map: MtfMap): string {
  const lines = [
    `${map.file}: ${map.gridRows}x${map.gridCols} grid (sampled ${map.rows.length}x${map.cols.length}), kernel ${map.kernelSize}, sensor ${map.sensorRes[0]}x${map.sensorRes[1]} px`,
  ];
  const unit = map.pixelPitchUm ? "cy/mm" : "cy/px";
  lines.push(`MTF50 (${unit}) per channel: centre = the grid points nearest the axis, edge = the farthest (each averaged over the points at that radius: an even grid has four of each)`);
  lines.push("  channel  wavelength  tangential centre/edge/mean   sagittal centre/edge/mean");
  for (const c of map.channels) {
    const pts = map.points.filter((p) => p.channel === c);
    const radii = pts.map((p) => p.fieldRadiusPx);
    // Points at the same radius (to float32 position noise) count together: mirror points of a symmetric grid.
    const atRadius = (r: number) => pts.filter((p) => Math.abs(p.fieldRadiusPx - r) <= 1e-3);
    const centre = atRadius(Math.min(...radii));
    const edge = atRadius(Math.max(...radii));
    const pick = (s: { mtf50: number | null; mtf50CyPerMm?: number | null }) => (map.pixelPitchUm ? s.mtf50CyPerMm : s.mtf50);
    const meanOf = (group: typeof pts, k: "tangential" | "sagittal") => {
      const v = group.map((p) => pick(p[k])).filter((x): x is number => typeof x === "number");
      return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
    };
    const mean = (k: "tangential" | "sagittal") => meanOf(pts, k);
    const fmt = map.pixelPitchUm ? f1 : f4;
    const wl = map.wavelengthsNm?.[c];
    lines.push(
      `  ${String(c).padEnd(8)} ${(wl !== undefined ? `${wl} nm` : "-").padEnd(11)} ` +
        `${[meanOf(centre, "tangential"), meanOf(edge, "tangential"), mean("tangential")].map(fmt).join(" / ").padEnd(29)} ` +
        `${[meanOf(centre, "sagittal"), meanOf(edge, "sagittal"), mean("sagittal")].map(fmt).join(" / ")}` +
        `   (centre ${centre.length} pt, edge ${edge.length} pt)`,
    );
  }
  return lines.join("\n") + "\n";
}

/** `svd mtf` options as typed on the command line (strings). */
export interface MtfOptions {
  psfs?: string;
  edge?: string;
  pixelPitchUm?: string;
  stride?: string;
  roi?: string;
  channel?: string;
  out?: string;
  json?: boolean;
}

export function registerMtf(program: Command): void {
  program
    .command("mtf")
    .description("MTF from a PSF grid file (tangential/sagittal/radial MTF50/MTF30 over the field) or from a slanted-edge image (ISO 12233)")
    .option("--psfs <file>", "PSF HDF5 file (dataset psfs (inc, outc, nh, nw, k, k))")
    .option("--edge <image>", "image of a slanted edge (or use --roi to select it)")
    .option("--pixel-pitch-um <p>", "pixel pitch in micrometres: report cycles/mm as well")
    .option("--stride <n>", "--psfs: every n-th grid row/column (default: at most 32 per axis)")
    .option("--roi <y,x,h,w>", "--edge: region of interest")
    .option("--channel <luma|index>", "--edge: channel to analyse (default luma for RGB)")
    .option("--out <csv>", "write the MTF map points (--psfs) or the MTF curve (--edge) as CSV")
    .option("--json", "print the full result as JSON")
    .action((opts: MtfOptions) => runMtf(opts));
}

/** `svd mtf`: the MTF map of a PSF file or the slanted-edge MTF of an image, printed and optionally as CSV. */
export async function runMtf(opts: MtfOptions): Promise<void> {
  if (!!opts.psfs === !!opts.edge) throw new ArgumentError("--psfs / --edge", "exactly one of them", opts.psfs && opts.edge ? "both" : "neither");
  const pitch = num("--pixel-pitch-um", opts.pixelPitchUm);
  if (opts.psfs) {
    const stride = num("--stride", opts.stride);
    if (stride !== undefined && !Number.isInteger(stride)) throw new ArgumentError("--stride", "a positive integer", opts.stride);
    const map = await mtfMapFromPsfFile(opts.psfs, { pixelPitchUm: pitch, stride });
    if (opts.out) {
      const cols = ["channel", "iy", "ix", "y_px", "x_px", "field_radius_px", "mtf50_tan_cy_px", "mtf50_sag_cy_px", "mtf50_radial_cy_px", "mtf30_tan_cy_px", "mtf30_sag_cy_px"];
      if (pitch) cols.push("mtf50_tan_cy_mm", "mtf50_sag_cy_mm");
      const rows = map.points.map((p) => {
        const v = [p.channel, p.iy, p.ix, p.yPx, p.xPx, p.fieldRadiusPx, p.tangential.mtf50, p.sagittal.mtf50, p.radial.mtf50, p.tangential.mtf30, p.sagittal.mtf30];
        if (pitch) v.push(p.tangential.mtf50CyPerMm ?? null, p.sagittal.mtf50CyPerMm ?? null);
        return v.map((x) => (x === null ? "" : String(x))).join(",");
      });
      writeFileAtomic(opts.out, [cols.join(","), ...rows].join("\n") + "\n");
    }
    process.stdout.write(opts.json ? JSON.stringify(map, null, 2) + "\n" : mapReport(map) + (opts.out ? `points -> ${opts.out}\n` : ""));
    return;
  }
  const img = await readImage(opts.edge!);
  let roi: [number, number, number, number] | undefined;
  if (opts.roi !== undefined) {
    const parts = opts.roi.split(",").map(Number);
    if (parts.length !== 4 || parts.some((v) => !Number.isInteger(v))) throw new ArgumentError("--roi", "four integers y,x,h,w", opts.roi);
    roi = parts as [number, number, number, number];
  }
  const channel = opts.channel === undefined ? undefined : opts.channel === "luma" ? "luma" : Number(opts.channel);
  const r = slantedEdgeMtf(img, { roi, channel, pixelPitchUm: pitch });
  if (opts.out) {
    const lines = ["freq_cy_px" + (pitch ? ",freq_cy_mm" : "") + ",mtf"];
    r.freqCyPx.forEach((f, i) => lines.push(`${f}${pitch ? `,${f / (pitch * 1e-3)}` : ""},${r.mtf[i]}`));
    writeFileAtomic(opts.out, lines.join("\n") + "\n");
  }
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({ file: opts.edge, orientation: r.orientation, angleDeg: r.angleDeg, rowsUsed: r.rowsUsed, summary: r.summary, freqCyPx: Array.from(r.freqCyPx), mtf: Array.from(r.mtf) }, null, 2) + "\n",
    );
    return;
  }
  const s = r.summary;
  const lines = [
    `${opts.edge}: ${r.orientation} edge, tilt ${r.angleDeg.toFixed(2)} deg, ${r.rowsUsed} rows used`,
    `  MTF50 ${f4(s.mtf50)} cy/px${pitch ? ` (${f1(s.mtf50CyPerMm)} cy/mm)` : ""}, MTF30 ${f4(s.mtf30)} cy/px${pitch ? ` (${f1(s.mtf30CyPerMm)} cy/mm)` : ""}`,
    `  MTF at 0.125 / 0.25 / 0.5 cy/px: ${[0.125, 0.25, 0.5].map((f) => f4(mtfAt(r, f))).join(" / ")}`,
  ];
  if (opts.out) lines.push(`  curve -> ${opts.out}`);
  process.stdout.write(lines.join("\n") + "\n");
}
