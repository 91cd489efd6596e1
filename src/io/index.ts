export * from "./hdf5";
