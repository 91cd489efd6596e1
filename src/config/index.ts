export * as schema from "./schema";
export { validate, type Schema } from "./schema";
export { parseYaml, readYamlFile, applyOverrides, loadConfig, type ConfigTree, type LoadedConfig } from "./load";
