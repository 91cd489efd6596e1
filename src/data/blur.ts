/**
 * The blur step of a dataset, as a plug-in: generation and the on-the-fly dataset call a
 * BlurOperator and do not care how it renders. The production operator is the spatially varying
 * renderer over a PSF basis file (src/render); tests may plug in simpler operators.
 */
import type { ImageHWC } from "../array";

export interface BlurOperator {
  /** Image size the operator renders (the basis coefficient maps' size); inputs must match it. */
  readonly height: number;
  readonly width: number;
  /** Colour channels of the basis (1 or 3); images are blurred channel c with basis channel c. */
  readonly channels: number;
  /** Recorded with every sample (basis file, number of basis PSFs, border handling...). */
  readonly description: Record<string, unknown>;
  /** Blurs one image of shape (height, width, channels) and returns a new image of the same shape. */
  apply(image: ImageHWC): Promise<ImageHWC> | ImageHWC;
  /** Frees buffers (FFT plans, spectra) when the dataset is done. */
  dispose?(): void;
}

/** Creates the operator for a basis file; the generator and worker threads call this once each. */
export type BlurFactory = (basisFile: string, options: Record<string, unknown>) => Promise<BlurOperator>;
