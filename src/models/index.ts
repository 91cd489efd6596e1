/** Restoration networks and models (training-framework.md §9, §10). */
import "../backend/wasm-kernels";
export type { Network } from "./network";
export { type TorchLayout, type ParamSpec, type Init, ParamStore } from "./params";
export {
  namingConventions,
  describeMatch,
  matchNaming,
  type NamingConvention,
  wrapperPrefixes,
  type NamingMatch,
} from "./naming";
export { loadWeightsInto, loadNetworkWeights, type LoadedWeights } from "./weights";
export { registerArch, knownArchs, createNetwork, type ArchEntry, architectures } from "./registry";
export {
  conv2d,
  channelLayerNorm,
  simpleGate,
  pixelShuffle,
  pixelUnshuffle,
  linear,
  groupNorm,
  silu,
  upsampleNearest2x,
  type Tf,
  type ConvOptions,
} from "./layers";
export { createNAFNet, type NAFNetOptions } from "./archs/nafnet";
export {
  registerModelType,
  knownModelTypes,
  modelTypeEntry,
  modelTypeOptionKeys,
  isTrainableModelType,
  createNonBlindModel,
  type NonBlindModel,
  type ModelTypeEntry,
  modelTypes,
} from "./model-types";
export * as nonblind from "./nonblind";
export { createRestormer, type RestormerOptions } from "./archs/restormer";
export { createUnet, timestepEmbedding, type UnetOptions } from "./archs/unet";
export { createUnetTM, type UnetTMOptions } from "./archs/unettm";
export { createWienerDeconv, parsePsfs, type WienerDeconvOptions } from "./archs/wiener-deconv";
export { weightsInfo, formatWeightsInfo, weightsInfoJson, type WeightsInfo } from "./weights-info";
