export * from "./hdf5";
export * from "./image";
