/**
 * A small typed schema language for configs. Validation returns the typed value or throws a
 * ConfigError naming the file, the key path, the expected type and the value found. Unknown keys
 * are collected and reported (an error by default, a warning where the caller allows them).
 */
import { ConfigError } from "../util/errors";

export interface Context {
  file: string;
  unknownKeys: string[];
}

export interface Schema<T> {
  /** Human-readable description of what is expected, used in error messages. */
  readonly expected: string;
  parse(value: unknown, path: string, ctx: Context): T;
  /** Default when the key is absent; undefined means required. */
  readonly fallback?: () => T;
}

function fail(ctx: Context, path: string, expected: string, found: unknown, detail?: string): never {
  throw new ConfigError(ctx.file, path, expected, found, detail);
}

function make<T>(expected: string, parse: (v: unknown, path: string, ctx: Context) => T): Schema<T> {
  return { expected, parse };
}

/** Same schema with a default used when the key is missing. */
export function withDefault<T>(schema: Schema<T>, value: T | (() => T)): Schema<T> {
  const fallback = typeof value === "function" ? (value as () => T) : () => structuredClone(value);
  return { ...schema, expected: schema.expected, parse: schema.parse, fallback };
}

/** As withDefault, and an explicit null (YAML `~`) also takes the default. */
export function withDefaultForNull<T>(schema: Schema<T>, value: T | (() => T)): Schema<T> {
  const d = withDefault(schema, value);
  return { ...d, parse: (v, p, c) => (v === null ? (d.fallback as () => T)() : schema.parse(v, p, c)) };
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return { expected: `${schema.expected} (optional)`, parse: (v, p, c) => (v === undefined || v === null ? undefined : schema.parse(v, p, c)), fallback: () => undefined };
}

export const number = (opts: { min?: number; max?: number; integer?: boolean } = {}): Schema<number> => {
  const range =
    opts.min !== undefined && opts.max !== undefined
      ? ` in [${opts.min}, ${opts.max}]`
      : opts.min !== undefined
        ? ` >= ${opts.min}`
        : opts.max !== undefined
          ? ` <= ${opts.max}`
          : "";
  const expected = `${opts.integer ? "an integer" : "a number"}${range}`;
  return make(expected, (v, path, ctx) => {
    // The original configs write numbers as strings with !!float; "1e-3" read as a plain string is also accepted.
    let n = v;
    if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) n = Number(v);
    if (typeof n !== "number" || Number.isNaN(n)) fail(ctx, path, expected, v);
    if (opts.integer && !Number.isInteger(n)) fail(ctx, path, expected, v);
    if (opts.min !== undefined && n < opts.min) fail(ctx, path, expected, v);
    if (opts.max !== undefined && n > opts.max) fail(ctx, path, expected, v);
    return n;
  });
};

/** A value accepted by `ok`, described as `expected` in errors: for checks the builders here do not cover. */
export function satisfies<T>(expected: string, ok: (v: unknown) => boolean): Schema<T> {
  return make(expected, (v, path, ctx) => {
    if (!ok(v)) fail(ctx, path, expected, v);
    return v as T;
  });
}

/** Any value or none, passed through unchecked (checked later by the code that reads it, if any). */
export const anything = (): Schema<unknown> => ({ ...make("any value", (v) => v), fallback: () => undefined });

export const integer = (opts: { min?: number; max?: number } = {}) => number({ ...opts, integer: true });

export const string = (): Schema<string> =>
  make("a string", (v, path, ctx) => {
    if (typeof v !== "string") fail(ctx, path, "a string", v);
    return v;
  });

export const boolean = (): Schema<boolean> =>
  make("a boolean (true/false)", (v, path, ctx) => {
    if (typeof v !== "boolean") fail(ctx, path, "a boolean (true/false)", v);
    return v;
  });

export function oneOf<T extends string>(...choices: T[]): Schema<T> {
  const expected = `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`;
  return make(expected, (v, path, ctx) => {
    if (typeof v !== "string" || !choices.includes(v as T)) fail(ctx, path, expected, v);
    return v as T;
  });
}

export function array<T>(item: Schema<T>, opts: { length?: number; minLength?: number } = {}): Schema<T[]> {
  const len = opts.length !== undefined ? ` of length ${opts.length}` : opts.minLength !== undefined ? ` of at least ${opts.minLength}` : "";
  const expected = `a list${len} of ${item.expected}`;
  return make(expected, (v, path, ctx) => {
    if (!Array.isArray(v)) fail(ctx, path, expected, v);
    if (opts.length !== undefined && v.length !== opts.length) fail(ctx, path, expected, v);
    if (opts.minLength !== undefined && v.length < opts.minLength) fail(ctx, path, expected, v);
    return v.map((x, i) => item.parse(x, `${path}[${i}]`, ctx));
  });
}

/** A list of numbers, or a single number broadcast to `length`. */
export function numberOrList(length: number, item: Schema<number> = number()): Schema<number[]> {
  const list = array(item, { length });
  return make(`${item.expected} or ${list.expected}`, (v, path, ctx) => {
    if (Array.isArray(v)) return list.parse(v, path, ctx);
    return new Array(length).fill(item.parse(v, path, ctx));
  });
}

export type ObjectShape = Record<string, Schema<unknown>>;
export type Infer<S> = S extends Schema<infer T> ? T : never;
export type InferObject<F extends ObjectShape> = { [K in keyof F]: Infer<F[K]> };

/**
 * A mapping with known keys. `unknown: "error"` (default) rejects other keys with the list of known
 * ones; "report" collects them into ctx.unknownKeys (for original configs with keys we do not use).
 */
export function object<F extends ObjectShape>(fields: F, opts: { unknown?: "error" | "report" } = {}): Schema<InferObject<F>> & { readonly fields: F } {
  const expected = `a mapping with keys {${Object.keys(fields).join(", ")}}`;
  const mapping = make(expected, (v, path, ctx) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) fail(ctx, path, expected, v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(fields)) {
      const childPath = path ? `${path}.${key}` : key;
      if (src[key] === undefined) {
        if (schema.fallback) out[key] = schema.fallback();
        else fail(ctx, childPath, schema.expected, undefined, "required");
      } else out[key] = schema.parse(src[key], childPath, ctx);
    }
    for (const key of Object.keys(src)) {
      if (key in fields) continue;
      const childPath = path ? `${path}.${key}` : key;
      if ((opts.unknown ?? "error") === "error")
        fail(ctx, childPath, `no such key (known keys here: ${Object.keys(fields).join(", ")})`, src[key], suggest(key, Object.keys(fields)));
      ctx.unknownKeys.push(childPath);
    }
    return out as InferObject<F>;
  });
  return { ...mapping, fields };
}

/** A free-form mapping (kwargs passed through), validated only as a mapping. */
export const record = (): Schema<Record<string, unknown>> =>
  make("a mapping", (v, path, ctx) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) fail(ctx, path, "a mapping", v);
    return v as Record<string, unknown>;
  });

/** A tagged union chosen by the string at `tag` (e.g. `type: gaussian`). */
export function tagged<T>(tag: string, variants: Record<string, Schema<T>>): Schema<T> {
  const names = Object.keys(variants);
  const expected = `a mapping whose '${tag}' is one of ${names.join(", ")}`;
  return make(expected, (v, path, ctx) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) fail(ctx, path, expected, v);
    const name = (v as Record<string, unknown>)[tag];
    const tagPath = path ? `${path}.${tag}` : tag;
    if (typeof name !== "string" || !(name in variants)) fail(ctx, tagPath, `one of ${names.join(", ")}`, name);
    return (variants[name] as Schema<T>).parse(v, path, ctx);
  });
}

/** "did you mean 'x'?" for the known name closest to `key`, when one is close enough. */
export function suggest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? `did you mean '${best}'?` : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (dp[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = dp[i] as number[];
      const prev = dp[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  return (dp[a.length] as number[])[b.length] as number;
}

/** Validates `value` (from `file`) against `schema`. */
export function validate<T>(schema: Schema<T>, value: unknown, file: string): { value: T; unknownKeys: string[] } {
  const ctx: Context = { file, unknownKeys: [] };
  return { value: schema.parse(value, "", ctx), unknownKeys: ctx.unknownKeys };
}
