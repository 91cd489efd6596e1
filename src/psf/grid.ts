/**
 * The field grid (spec §1, §4, §9.1): how many PSFs, where each sits on the sensor, and the
 * coordinates handed to a family.
 */
import { assertIndex, SvdError } from "../util/errors";
import { Homography, scaleTranslate } from "./homography";
import type { FieldPoint } from "./source";

/**
 * The original's cartesian grid rule (spec §9.1): n = m = int(sqrt(ndata)); then the first
 * i in 1..int(sqrt(ndata)) with ndata / i^2 <= W / H gives n = i rows, m = int(ndata / i) columns.
 * Returns [rows, cols].
 */
export function gridSizeFromNdata(ndata: number, heightPx: number, widthPx: number): [number, number] {
  if (!Number.isInteger(ndata) || ndata < 1) throw new SvdError(`ndata must be a positive integer, found ${ndata}`);
  const s = Math.floor(Math.sqrt(ndata));
  for (let i = 1; i <= s; i++) if (ndata / (i * i) <= widthPx / heightPx) return [i, Math.floor(ndata / i)];
  return [s, s];
}

/**
 * Where grid point (x, y) sits in its cell. "top-left": the original's x_img = x*W/nw (the cell's
 * top-left pixel). "centre": the cell centre in pixel-centre coordinates, (x + 0.5)*W/nw - 0.5,
 * which is where a centre-aligned resize of the grid to the sensor puts sample x.
 */
export type GridSampling = "top-left" | "centre";

/** Index -> image homography of the synthetic grid (spec §9.1) for the chosen sampling. */
export function gridImageHomography(heightPx: number, widthPx: number, rows: number, cols: number, sampling: GridSampling): Homography {
  const sx = widthPx / cols;
  const sy = heightPx / rows;
  return Homography.constant(sampling === "top-left" ? scaleTranslate(sx, sy, 0, 0) : scaleTranslate(sx, sy, sx / 2 - 0.5, sy / 2 - 0.5));
}

export interface FieldGridSpec {
  heightPx: number;
  widthPx: number;
  rows: number;
  cols: number;
  hImg: Homography;
  hObj: Homography;
  /** Reproduce the original's H[x, y] lookup of per-pixel homographies (compat svd-v2). */
  transposedLookup: boolean;
  /** Truncate image positions toward zero as the original's int() does. */
  truncatePositions: boolean;
}

export interface GridPosition {
  ix: number;
  iy: number;
  xImg: number;
  yImg: number;
  xObj: number;
  yObj: number;
}

export class FieldGrid {
  readonly fieldRadiusPx: number;
  constructor(readonly spec: FieldGridSpec) {
    this.fieldRadiusPx = 0.5 * Math.hypot(spec.heightPx, spec.widthPx);
  }

  get rows(): number {
    return this.spec.rows;
  }
  get cols(): number {
    return this.spec.cols;
  }

  /** Image and object position of grid point (row iy, column ix). */
  position(iy: number, ix: number): GridPosition {
    const s = this.spec;
    // Out-of-range indices would map through H_img to a plausible point; refuse them instead.
    assertIndex("iy", iy, s.rows, "grid row");
    assertIndex("ix", ix, s.cols, "grid column");
    let [xImg, yImg] = s.hImg.map(ix, iy, s.transposedLookup);
    const [xObj, yObj] = s.hObj.map(ix, iy, s.transposedLookup);
    if (s.truncatePositions) {
      xImg = Math.trunc(xImg);
      yImg = Math.trunc(yImg);
    }
    // The original accepts H and W themselves (<=); so do we.
    if (!(xImg >= 0 && xImg <= s.widthPx && yImg >= 0 && yImg <= s.heightPx))
      throw new SvdError(`grid point (row ${iy}, col ${ix}) maps to image position (x ${xImg}, y ${yImg}) outside the ${s.heightPx}x${s.widthPx} sensor; check the H_img homography`);
    return { ix, iy, xImg, yImg, xObj, yObj };
  }

  /** The FieldPoint handed to a family for channel `channel`. */
  fieldPoint(pos: GridPosition, channel: number, wavelengthNm: number): FieldPoint {
    const s = this.spec;
    return {
      ix: pos.ix,
      iy: pos.iy,
      xImg: pos.xImg,
      yImg: pos.yImg,
      xc: pos.xImg - Math.floor(s.widthPx / 2),
      yc: pos.yImg - Math.floor(s.heightPx / 2),
      fieldRadiusPx: this.fieldRadiusPx,
      channel,
      wavelengthNm,
    };
  }
}
