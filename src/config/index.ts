export * as schema from "./schema";
export { validate, type Schema } from "./schema";
export * from "./load";
