/**
 * The stage-1 config (`svd psf generate --config`). Keys and units:
 *
 *   seed: 0                          integer or string; every random draw derives from it
 *   compat: none | svd-v2            svd-v2 reproduces the original's quirks (docs/compat.md)
 *   sensor:
 *     resolution: [H, W]             pixels (the original's sensor_res)
 *     size_mm: [h, w]                physical size, stored only (sensor_size)
 *     pixel_pitch_um: 2.0            optional; physical families need it
 *   kernel_size: 128                 k, kernel side in pixels (max_psf_size)
 *   wavelengths_nm: [472.5, ...]     channel i <-> wavelengths_nm[i] (wv)
 *   grid:
 *     ndata: 65536                   number of PSFs, grid shape by the original's rule; or
 *     shape: [nh, nw]                an explicit grid
 *     sampling: top-left | centre    default: centre (top-left under compat svd-v2)
 *     normalize: position | channel | none   default: position (the original's rule)
 *     h_img: 3x3 list                optional explicit index->image homography (overrides sampling)
 *     h_obj: 3x3 list                optional index->object homography; default identity
 *   output:
 *     dtype: float16 | float32       default float16 (the original's)
 *     homography: per-pixel | single default per-pixel ((H, W, 3, 3), as the original)
 *   psf: { type: <family>, ...family parameters }
 */
import { array, integer, number, object, oneOf, optional, withDefault, type Schema, type Context } from "../config/schema";
import { familySectionSchema } from "./families";

const seedSchema: Schema<number | string> = {
  expected: "an integer or a string",
  parse(v: unknown, p: string, ctx: Context) {
    if (typeof v === "string") return v;
    return integer().parse(v, p, ctx);
  },
};

const mat3Schema = array(array(number(), { length: 3 }), { length: 3 });

export function psfConfigSchema() {
  return object({
    seed: withDefault(seedSchema, 0),
    compat: withDefault(oneOf("none", "svd-v2"), "none"),
    sensor: object({
      resolution: array(integer({ min: 1 }), { length: 2 }),
      size_mm: withDefault(array(number({ min: 0 }), { length: 2 }), [4, 4]),
      pixel_pitch_um: optional(number({ min: 0 })),
    }),
    kernel_size: integer({ min: 1, max: 4096 }),
    wavelengths_nm: array(number({ min: 1 }), { minLength: 1 }),
    grid: object({
      ndata: optional(integer({ min: 1 })),
      shape: optional(array(integer({ min: 1 }), { length: 2 })),
      sampling: optional(oneOf("top-left", "centre")),
      normalize: withDefault(oneOf("position", "channel", "none"), "position"),
      h_img: optional(mat3Schema),
      h_obj: optional(mat3Schema),
    }),
    output: withDefault(
      object({
        dtype: withDefault(oneOf("float16", "float32"), "float16"),
        homography: withDefault(oneOf("per-pixel", "single"), "per-pixel"),
      }),
      { dtype: "float16" as const, homography: "per-pixel" as const },
    ),
    psf: familySectionSchema(),
  });
}

export type PsfConfig = ReturnType<ReturnType<typeof psfConfigSchema>["parse"]>;
