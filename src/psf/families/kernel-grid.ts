/**
 * The shared kernel coordinates of the gaussian and disk families (spec §3.1).
 *
 * Chromatic lateral offset for chromatic factor c at centred position (xc, yc), field radius R:
 *   off = (xc / R, yc / R) * (k / 2) * c, and the position used by the size law moves by trunc(off).
 * Normalised kernel coordinates (1 unit = k/2 pixels), centre at index k/2 (not (k-1)/2):
 *   u[i, j] = (j - k/2 + off_x) / (k/2),  v[i, j] = (i - k/2 + off_y) / (k/2)
 * so the shape is centred at column k/2 - off_x, row k/2 - off_y: toward the image centre by
 * (r / R) (k / 2) c pixels.
 */
/**
 * Kernel index of the optical axis. The original uses k/2 for every k, which for odd k is half a
 * pixel off the middle pixel (5.5 for k = 11), so its odd kernels are asymmetric and renderers that
 * centre at floor(k/2) see them shifted. Clean: floor(k/2) (the same for even k); `svd-v2`: k/2.
 */
export function kernelCentre(kernelSize: number, compat: "none" | "svd-v2" = "none"): number {
  return compat === "svd-v2" ? kernelSize / 2 : Math.floor(kernelSize / 2);
}

export interface ChromaticShift {
  /** Position after the shift (what the size laws see). */
  xc: number;
  yc: number;
  /** Sub-pixel offsets in kernel pixels. */
  offX: number;
  offY: number;
}

export function chromaticShift(xc: number, yc: number, fieldRadiusPx: number, kernelSize: number, c: number): ChromaticShift {
  if (c === 0) return { xc, yc, offX: 0, offY: 0 };
  const half = kernelSize / 2;
  const offX = (xc / fieldRadiusPx) * half * c;
  const offY = (yc / fieldRadiusPx) * half * c;
  return { xc: xc + Math.trunc(offX), yc: yc + Math.trunc(offY), offX, offY };
}
