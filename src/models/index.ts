/** Restoration networks and models (training-framework.md §9, §10). */
import "../backend/wasm-kernels";
export * from "./network";
export * from "./params";
export * from "./naming";
export * from "./weights";
export * from "./registry";
export * from "./layers";
export { createNAFNet, type NAFNetOptions } from "./archs/nafnet";
export * from "./model-types";
export * as nonblind from "./nonblind";
export { createRestormer, type RestormerOptions } from "./archs/restormer";
export { createUnet, timestepEmbedding, type UnetOptions } from "./archs/unet";
export { createUnetTM, type UnetTMOptions } from "./archs/unettm";
export { createWienerDeconv, parsePsfs, type WienerDeconvOptions } from "./archs/wiener-deconv";
