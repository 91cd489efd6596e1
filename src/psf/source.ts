/**
 * The interface every PSF family implements. The field grid (src/psf/grid) walks the sensor and
 * asks a source for the kernel at each field point and channel; families never see the grid, so
 * new physics (ray-traced lenses, metasurfaces) plugs in without changing grid or file code.
 */
import type { Rng } from "../util/rng";

/** Where on the sensor a PSF is wanted, in every coordinate system a family may need. */
export interface FieldPoint {
  /** Grid indices: column `ix` in [0, nw), row `iy` in [0, nh). */
  ix: number;
  iy: number;
  /** Image-space pixel position (column, row), origin at the top-left pixel. */
  xImg: number;
  yImg: number;
  /** Centred pixel coordinates: xImg - W//2, yImg - H//2 (y grows downward). */
  xc: number;
  yc: number;
  /** Half the sensor diagonal in pixels, R = 0.5 sqrt(H^2 + W^2): the field radius used by the laws. */
  fieldRadiusPx: number;
  /** Channel index and the wavelength it stands for. */
  channel: number;
  wavelengthNm: number;
}

/** Sensor geometry shared by all families. */
export interface SensorSpec {
  heightPx: number;
  widthPx: number;
  /** Pixel pitch; needed by physical families (Zernike/Fourier optics, lenses). */
  pixelPitchUm?: number;
}

export interface PsfSample {
  /** k*k kernel, row-major, centre at index (k/2, k/2) unless the family documents otherwise. */
  kernel: Float32Array;
  /** Family-specific numbers recorded per position (appended after [y_img, x_img] in psf_metadata). */
  metadata?: number[];
}

export interface PsfSource {
  /** Family name as written in configs and in the file's `psf_type` attribute. */
  readonly family: string;
  /** Kernel side k in pixels. */
  readonly kernelSize: number;
  /** Names of the entries of PsfSample.metadata, in order. */
  readonly metadataKeys: readonly string[];
  /**
   * Optional: a grid the source itself defines (e.g. measured PSFs sit where the spots were), used
   * when the config names no grid shape: rows x cols and the index -> image homography (3x3, row-major).
   */
  readonly preferredGrid?: { rows: number; cols: number; hImg: ArrayLike<number> };
  /**
   * The PSF at one field point and channel. All randomness comes from `rng`. A family may fill
   * `out` (k*k, zeroed or not) and return it as the kernel, saving an allocation per PSF; callers
   * must use the returned kernel either way.
   */
  psfAt(point: FieldPoint, rng: Rng, out?: Float32Array): PsfSample;
}
