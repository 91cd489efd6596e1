/**
 * Field positions of a PSF grid for figure axes: where each grid column and row sits relative to
 * the optical axis (the sensor centre), in mm on the sensor or in degrees of field angle when the
 * geometry is known, in sensor pixels when only the pixel positions are, in grid indices otherwise.
 */

export type FieldUnit = "mm" | "deg" | "px" | "index";

export interface FieldAxes {
  unit: FieldUnit;
  /** Coordinate of each grid column, left to right (positive to the right of the axis). */
  x: number[];
  /** Coordinate of each grid row, top to bottom (positive below the axis, as image rows). */
  y: number[];
}

/** What fieldAxesOf reads from a PSF file (src/psf PsfFile has all of it). */
export interface PsfGridGeometry {
  gridRows: number;
  gridCols: number;
  /** [yImg, xImg] sensor pixel position of grid point (iy, ix). */
  position(iy: number, ix: number): [number, number];
  sensorRes: [number, number] | undefined;
  /** Metadata lookup: `sensor_size` ([h, w] mm), `svd_config` (JSON with sensor.pixel_pitch_um). */
  get(key: string): unknown;
}

/** Grid indices: what a figure can say when nothing about the geometry is known. */
export function indexAxes(rows: number, cols: number): FieldAxes {
  return { unit: "index", x: Array.from({ length: cols }, (_, i) => i), y: Array.from({ length: rows }, (_, i) => i) };
}

function numberPair(v: unknown): [number, number] | undefined {
  const a = Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<unknown>, Number) : undefined;
  return a && a.length === 2 && a.every((x) => Number.isFinite(x) && x > 0) ? [a[0] as number, a[1] as number] : undefined;
}

/** Pixel pitch (y, x) in mm: sensor_size / sensor_res, else the config's sensor.pixel_pitch_um. */
function pitchMm(g: PsfGridGeometry, res: [number, number]): [number, number] | undefined {
  const size = numberPair(g.get("sensor_size"));
  if (size) return [size[0] / res[0], size[1] / res[1]];
  const cfg = g.get("svd_config");
  if (typeof cfg === "string") {
    try {
      const um = (JSON.parse(cfg) as { sensor?: { pixel_pitch_um?: unknown } }).sensor?.pixel_pitch_um;
      if (typeof um === "number" && um > 0) return [um / 1000, um / 1000];
    } catch {
      // Not JSON: no pitch from here.
    }
  }
  return undefined;
}

export interface FieldAxesOptions {
  /**
   * Image-side focal length (mm): with it the axes are field angles, atan(x / f) in degrees, for a
   * distortion-free lens focused at infinity; without it, positions on the sensor in mm.
   */
  focalLengthMm?: number;
}

/**
 * Field axes of a PSF file's grid: column positions along the middle row and row positions along
 * the middle column, relative to the sensor centre ((res - 1) / 2 in pixel-centre coordinates).
 */
export function fieldAxesOf(g: PsfGridGeometry, opts: FieldAxesOptions = {}): FieldAxes {
  const f = opts.focalLengthMm;
  if (f !== undefined && !(f > 0)) throw new RangeError(`viz.fieldAxesOf: focalLengthMm must be a positive length in mm, found ${f}`);
  const res = g.sensorRes;
  let pos: (iy: number, ix: number) => [number, number];
  try {
    g.position(0, 0);
    pos = (iy, ix) => g.position(iy, ix);
  } catch {
    return indexAxes(g.gridRows, g.gridCols);
  }
  if (!res) return indexAxes(g.gridRows, g.gridCols);
  const midRow = Math.floor(g.gridRows / 2);
  const midCol = Math.floor(g.gridCols / 2);
  const xPx = Array.from({ length: g.gridCols }, (_, ix) => pos(midRow, ix)[1] - (res[1] - 1) / 2);
  const yPx = Array.from({ length: g.gridRows }, (_, iy) => pos(iy, midCol)[0] - (res[0] - 1) / 2);
  const pitch = pitchMm(g, res);
  if (!pitch) {
    if (f !== undefined) throw new RangeError("viz.fieldAxesOf: field angles need the pixel pitch (sensor_size or sensor.pixel_pitch_um in the file); none found");
    return { unit: "px", x: xPx, y: yPx };
  }
  const xMm = xPx.map((v) => v * pitch[1]);
  const yMm = yPx.map((v) => v * pitch[0]);
  if (f === undefined) return { unit: "mm", x: xMm, y: yMm };
  const deg = (mm: number): number => (Math.atan(mm / f) * 180) / Math.PI;
  return { unit: "deg", x: xMm.map(deg), y: yMm.map(deg) };
}

/** Axis titles that say what the numbers are. */
export function fieldAxisTitles(unit: FieldUnit): { x: string; y: string } {
  switch (unit) {
    case "mm":
      return { x: "field x on the sensor (mm)", y: "field y (mm)" };
    case "deg":
      return { x: "field angle x (deg)", y: "field angle y (deg)" };
    case "px":
      return { x: "field x on the sensor (px)", y: "field y (px)" };
    case "index":
      return { x: "grid column (index; no field geometry given)", y: "grid row (index)" };
  }
}

export function checkFieldAxes(f: FieldAxes, rows: number, cols: number): void {
  if (f.x.length !== cols || f.y.length !== rows) {
    throw new RangeError(`viz: field axes give ${f.y.length} rows x ${f.x.length} columns, the PSF grid has ${rows} x ${cols}`);
  }
  if (![...f.x, ...f.y].every(Number.isFinite)) throw new RangeError("viz: field axes must be finite numbers");
}
