export * from "./select";
export * from "./doctor";
