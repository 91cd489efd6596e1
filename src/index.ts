/**
 * Public API of the library: notebooks and the CLI import from here, one namespace per stage.
 */
export * as util from "./util";
export * as array from "./array";
export * as config from "./config";
export * as io from "./io";
export * as backend from "./backend";
export * as fft from "./fft";
export * as optics from "./optics";
export * as psf from "./psf";
export * as basis from "./basis";
export * as render from "./render";
export * as data from "./data";
export * as viz from "./viz";
export * as metrics from "./metrics";
export * as models from "./models";
export * as train from "./train";
export * as notebook from "./notebook";
export { Rng } from "./util/rng";
