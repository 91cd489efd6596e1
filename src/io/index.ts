export * from "./hdf5";
export * from "./image";
export { importEsm } from "./esm";
