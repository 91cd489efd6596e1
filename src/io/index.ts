export * from "./hdf5";
export * from "./image";
export { importEsm } from "./esm";
export * from "./weights";
export { parsePth, readPth, stateDictKeys, type PthContent } from "./pth";
export { unpickle, PyTuple, type PyValue } from "./pickle";
