/** Stage-2 config (configs/basis/*.yml): which basis, its size, and how the file is written. */
import { loadConfig, schema as s } from "../config";

export const basisConfigSchema = s.object({
  method: s.withDefault(s.oneOf("pca", "uniform", "sections"), "pca"),
  /** PCA: number of principal components (the original's --pca_n, default 50). */
  components: s.withDefault(s.integer({ min: 0 }), 50),
  /** PCA: extra random directions of the randomized SVD. */
  oversamples: s.withDefault(s.integer({ min: 0 }), 10),
  /** PCA: subspace-iteration passes after the first. */
  power_iterations: s.withDefault(s.integer({ min: 0 }), 4),
  seed: s.withDefault(s.string(), "pca"),
  /** sections: tiles along y and x. */
  tiles: s.withDefault(s.array(s.integer({ min: 1 }), { length: 2 }), [4, 4]),
  dtype: s.withDefault(s.oneOf("float16", "float32"), "float16"),
  /** "positions": coefficient maps interpolated at the true PSF sample positions; "svd-v2": the original's OpenCV resize. */
  compat: s.withDefault(s.oneOf("none", "svd-v2"), "none"),
  preview: s.withDefault(s.boolean(), true),
});

export type BasisConfig = ReturnType<typeof loadBasisConfig>["value"];

export function loadBasisConfig(file: string | null, overrides: readonly string[] = []) {
  return loadConfig(file ?? { tree: {}, name: "<defaults>" }, basisConfigSchema, overrides);
}
