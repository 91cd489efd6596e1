export { type H5DType, type H5DatasetInfo, type Range, type AttrValue, type H5Mode, H5File } from "./hdf5";
export {
  isImageFile,
  readImage,
  convertChannels,
  writeImage,
  decodeImage,
  readImageFile,
  quantize,
  dequantize,
  encodePng,
  type LoadedImage,
  type ChannelMode,
  IMAGE_EXTENSIONS,
  type WriteImageOptions,
  type BitDepth,
  type DecodedImage,
} from "./image";
export { importEsm } from "./esm";
export { parseWeights, readWeights, convertToSafetensors, type WeightsFile, type ConversionReport } from "./weights";
export { parsePth, readPth, stateDictKeys, type PthContent } from "./pth";
export { unpickle, PyTuple, type PyValue } from "./pickle";
