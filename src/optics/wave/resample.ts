/**
 * Resamples a finely sampled intensity onto sensor pixels: each pixel averages os x os bilinear
 * samples of the fine grid, i.e. integrates the intensity over the pixel area.
 */
export interface FineImage {
  /** (rows, cols) intensity. */
  data: Float64Array;
  rows: number;
  cols: number;
  /** Fine sample spacing and the (fractional) fine index of the kernel centre. */
  stepUm: number;
  centreRow: number;
  centreCol: number;
}

/**
 * A (k, k) kernel whose pixel (r, c) is centred at fine-image offset (rowSign (r - k/2) pitch,
 * colSign (c - k/2) pitch) from the fine image's centre point (signs -1 mirror an axis). Not normalised.
 */
export function integrateToPixels(img: FineImage, k: number, pitchUm: number, os = 4, rowSign: 1 | -1 = 1, colSign: 1 | -1 = 1): Float64Array {
  const out = new Float64Array(k * k);
  const { data, rows, cols, stepUm } = img;
  const sample = (fr: number, fc: number): number => {
    const r0 = Math.floor(fr), c0 = Math.floor(fc);
    if (r0 < 0 || c0 < 0 || r0 + 1 >= rows || c0 + 1 >= cols) return 0;
    const a = fr - r0, b = fc - c0;
    const i = r0 * cols + c0;
    return data[i]! * (1 - a) * (1 - b) + data[i + 1]! * (1 - a) * b + data[i + cols]! * a * (1 - b) + data[i + cols + 1]! * a * b;
  };
  for (let r = 0; r < k; r++)
    for (let c = 0; c < k; c++) {
      let acc = 0;
      for (let i = 0; i < os; i++)
        for (let j = 0; j < os; j++) {
          const dy = rowSign * (r - k / 2 - 0.5 + (i + 0.5) / os) * pitchUm;
          const dx = colSign * (c - k / 2 - 0.5 + (j + 0.5) / os) * pitchUm;
          acc += sample(img.centreRow + dy / stepUm, img.centreCol + dx / stepUm);
        }
      out[r * k + c] = acc / (os * os);
    }
  return out;
}
