/**
 * `model_type` registry (spec §2, §4, §10.1): `Simple_model` trains a `network`; the non-blind
 * baselines `Wiener_model`, `RL_model` and `FISTA_model` need no training and restore each image
 * with its known PSF. Their options are the original's top-level keys (`iterations`,
 * `noise_level`, `lambda_val`, `momentum`) plus `boundary` and, for FISTA, `prior` and
 * `tv_iterations`. An unknown name lists the known ones.
 */
import { parseOptions, Registry } from "../config/registry";
import { object, satisfies, withDefault, withDefaultForNull, type InferObject, type ObjectShape } from "../config/schema";
import type { ImageHWC, NumericArray } from "../array";
import { ConfigError } from "../util/errors";
import { boundaries, type Boundary } from "./nonblind/boundary";
import { fistaDeconvolve, richardsonLucy, wienerDeconvolve } from "./nonblind/deconvolve";

export interface NonBlindModel {
  modelType: string;
  restore(blur: ImageHWC, psf: ImageHWC<NumericArray>): ImageHWC;
}

export interface ModelTypeEntry<F extends ObjectShape = ObjectShape> {
  trainable: boolean;
  description: string;
  /** Options read from the top level of the config (other top-level keys belong to the config schema). */
  schema: ReturnType<typeof object<F>>;
  create?(o: InferObject<F>): NonBlindModel;
}

export const modelTypes = new Registry<ModelTypeEntry<any>>("model type"); // eslint-disable-line @typescript-eslint/no-explicit-any

export function registerModelType<F extends ObjectShape>(name: string, entry: ModelTypeEntry<F>): void {
  modelTypes.register(name, entry);
}

export function knownModelTypes(): string[] {
  return modelTypes.names().sort();
}

/** The entry for `name`, or a ConfigError at `model_type` listing the known names. */
export function modelTypeEntry(name: unknown, file = "<config>"): ModelTypeEntry & { name: string } {
  return { ...modelTypes.get(name, { file, keyPath: "model_type" }), name: name as string };
}

/** Top-level config keys read by some model type (iterations, noise_level, ...). */
export function modelTypeOptionKeys(): string[] {
  return [...new Set(modelTypes.list().flatMap(([, e]) => Object.keys(e.schema.fields)))];
}

export function isTrainableModelType(name: string): boolean {
  return modelTypes.has(name) && modelTypes.get(name).trainable;
}

/** Builds a non-blind model from the config's top-level keys (`tree`), checking each option. */
export function createNonBlindModel(name: string, tree: Record<string, unknown>, file = "<config>"): NonBlindModel {
  const e = modelTypeEntry(name, file);
  if (!e.create) throw new ConfigError(file, "model_type", "a model that needs no training (" + knownModelTypes().filter((n) => !isTrainableModelType(n)).join(", ") + ")", name);
  return e.create(parseOptions(e, tree, { file, keyPath: "" }));
}

// Option schemas; a null value (YAML `~`) takes the default.
const nonNegative = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const nonNegativeNumber = (fallback: number) => withDefaultForNull(satisfies<number>("a non-negative number", nonNegative), fallback);
const iterations = (fallback: number) => withDefaultForNull(satisfies<number>("a non-negative integer", (v) => Number.isInteger(v) && (v as number) >= 0), fallback);
const boundary = withDefaultForNull(satisfies<Boundary>(`one of ${boundaries.join(", ")}`, (v) => boundaries.includes(v as Boundary)), "reflect");
/** Top-level keys not listed belong to the training config; they are left to its schema. */
const topLevel = <F extends ObjectShape>(fields: F) => object(fields, { unknown: "report" });

registerModelType("Simple_model", { trainable: true, description: "single-input restoration network trained on (blur, gt) pairs", schema: topLevel({}) });

registerModelType("Wiener_model", {
  trainable: false,
  description: "Wiener deconvolution, X = conj(H)Y/(|H|^2 + noise_level)",
  schema: topLevel({ noise_level: nonNegativeNumber(0.01), boundary }),
  create: (o) => ({
    modelType: "Wiener_model",
    restore: (img, psf) => wienerDeconvolve(img, psf, { nsr: o.noise_level, boundary: o.boundary }),
  }),
});

registerModelType("RL_model", {
  trainable: false,
  description: "Richardson-Lucy deconvolution",
  schema: topLevel({ iterations: iterations(30), boundary }),
  create: (o) => ({
    modelType: "RL_model",
    restore: (img, psf) => richardsonLucy(img, psf, { iterations: o.iterations, boundary: o.boundary }),
  }),
});

registerModelType("FISTA_model", {
  trainable: false,
  description: "FISTA with a total-variation prior (or the original's pixel L1 prior)",
  schema: topLevel({
    iterations: iterations(50),
    lambda_val: nonNegativeNumber(0.01),
    // the gradient step (the original's name and default is 0.1); null = 1/L.
    momentum: withDefault(satisfies<number | null>("a non-negative number (or null: step 1/L)", (v) => v === null || nonNegative(v)), null),
    prior: withDefaultForNull(satisfies<"tv" | "l1">("tv or l1", (v) => v === "tv" || v === "l1"), "tv"),
    tv_iterations: iterations(10),
    boundary,
  }),
  create: (o) => ({
    modelType: "FISTA_model",
    restore: (img, psf) =>
      fistaDeconvolve(img, psf, {
        iterations: o.iterations,
        lambda: o.lambda_val,
        step: o.momentum ?? undefined,
        prior: o.prior,
        tvIterations: o.tv_iterations,
        boundary: o.boundary,
      }),
  }),
});
