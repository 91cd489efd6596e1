export { assertArg, assertIndex, SvdError, ConfigError, InputFileError, ArgumentError } from "./errors";
export { type Seed, Rng } from "./rng";
export { encodeFloat16, decodeFloat16 } from "./float16";
export { writeFileAtomic, withAtomicOutput } from "./atomic";
export { setProgressFactory, createProgress, type Progress, type ProgressFactory, silentProgress } from "./progress";
export {
  reflectIndex,
  symmetricIndex,
  edgeIndex,
  borderIndexer,
  borderIndex,
  type BorderMode,
  borderModes,
} from "./border";
