/**
 * `model_type` registry (spec §2, §4, §10.1): `Simple_model` trains a `network`; the non-blind
 * baselines `Wiener_model`, `RL_model` and `FISTA_model` need no training and restore each image
 * with its known PSF. Their options are the original's top-level keys (`iterations`,
 * `noise_level`, `lambda_val`, `momentum`) plus `boundary` and, for FISTA, `prior` and
 * `tv_iterations`. An unknown name lists the known ones.
 */
import type { ImageHWC, NumericArray } from "../array";
import { ConfigError } from "../util/errors";
import { boundaries, type Boundary } from "./nonblind/boundary";
import { fistaDeconvolve, richardsonLucy, wienerDeconvolve } from "./nonblind/deconvolve";

export interface NonBlindModel {
  modelType: string;
  restore(blur: ImageHWC, psf: ImageHWC<NumericArray>): ImageHWC;
}

interface ModelTypeEntry {
  trainable: boolean;
  description: string;
  /** Option keys read from the top level of the config, with defaults. */
  options?: Record<string, unknown>;
  create?(o: Record<string, unknown>): NonBlindModel;
}

const modelTypes = new Map<string, ModelTypeEntry>();

export function registerModelType(name: string, entry: ModelTypeEntry): void {
  modelTypes.set(name, entry);
}

export function knownModelTypes(): string[] {
  return [...modelTypes.keys()].sort();
}

/** The entry for `name`, or a ConfigError at `model_type` listing the known names. */
export function modelTypeEntry(name: unknown, file = "<config>"): ModelTypeEntry & { name: string } {
  const e = typeof name === "string" ? modelTypes.get(name) : undefined;
  if (!e) throw new ConfigError(file, "model_type", `one of ${knownModelTypes().join(", ")}`, name);
  return { ...e, name: name as string };
}

export function isTrainableModelType(name: string): boolean {
  return modelTypes.get(name)?.trainable ?? false;
}

/** Builds a non-blind model from the config's top-level keys (`tree`), checking each option. */
export function createNonBlindModel(name: string, tree: Record<string, unknown>, file = "<config>"): NonBlindModel {
  const e = modelTypeEntry(name, file);
  if (!e.create) throw new ConfigError(file, "model_type", "a model that needs no training (" + knownModelTypes().filter((n) => !isTrainableModelType(n)).join(", ") + ")", name);
  const o: Record<string, unknown> = {};
  for (const [k, dflt] of Object.entries(e.options ?? {})) {
    const v = tree[k] ?? dflt;
    if (k === "boundary") {
      if (!boundaries.includes(v as Boundary)) throw new ConfigError(file, k, `one of ${boundaries.join(", ")}`, v);
    } else if (k === "prior") {
      if (v !== "tv" && v !== "l1") throw new ConfigError(file, k, "tv or l1", v);
    } else if (k === "iterations" || k === "tv_iterations") {
      if (!Number.isInteger(v) || (v as number) < 0) throw new ConfigError(file, k, "a non-negative integer", v);
    } else if (v !== null && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw new ConfigError(file, k, "a non-negative number", v);
    o[k] = v;
  }
  return e.create(o);
}

registerModelType("Simple_model", { trainable: true, description: "single-input restoration network trained on (blur, gt) pairs" });

registerModelType("Wiener_model", {
  trainable: false,
  description: "Wiener deconvolution, X = conj(H)Y/(|H|^2 + noise_level)",
  options: { noise_level: 0.01, boundary: "reflect" },
  create: (o) => ({
    modelType: "Wiener_model",
    restore: (img, psf) => wienerDeconvolve(img, psf, { nsr: o.noise_level as number, boundary: o.boundary as Boundary }),
  }),
});

registerModelType("RL_model", {
  trainable: false,
  description: "Richardson-Lucy deconvolution",
  options: { iterations: 30, boundary: "reflect" },
  create: (o) => ({
    modelType: "RL_model",
    restore: (img, psf) => richardsonLucy(img, psf, { iterations: o.iterations as number, boundary: o.boundary as Boundary }),
  }),
});

registerModelType("FISTA_model", {
  trainable: false,
  description: "FISTA with a total-variation prior (or the original's pixel L1 prior)",
  // momentum: the gradient step (the original's name and default is 0.1); null = 1/L.
  options: { iterations: 50, lambda_val: 0.01, momentum: null, prior: "tv", tv_iterations: 10, boundary: "reflect" },
  create: (o) => ({
    modelType: "FISTA_model",
    restore: (img, psf) =>
      fistaDeconvolve(img, psf, {
        iterations: o.iterations as number,
        lambda: o.lambda_val as number,
        step: (o.momentum as number | null) ?? undefined,
        prior: o.prior as "tv" | "l1",
        tvIterations: o.tv_iterations as number,
        boundary: o.boundary as Boundary,
      }),
  }),
});
