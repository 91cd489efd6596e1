/**
 * YAML configs as the original writes them: `${a.b}` interpolation (resolved against the whole
 * document, recursively, with cycle detection), the YAML 1.1-style `!!float` / `!!str` tags, and
 * `--set key.path=value` overrides applied before interpolation so that derived values follow them.
 */
import * as fs from "node:fs";
import * as YAML from "yaml";
import { ConfigError, InputFileError, SvdError } from "../util/errors";
import { validate, type Schema } from "./schema";

export type ConfigTree = Record<string, unknown>;

/**
 * Booleans as PyYAML (which wrote the original configs) reads them: true/false/yes/no/on/off, but not
 * the YAML 1.1 single letters y/n, which configs use as plain keys and values.
 */
const pyYamlBool = {
  identify: (v: unknown) => typeof v === "boolean",
  default: true,
  tag: "tag:yaml.org,2002:bool",
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(yes|true|on)$/i.test(s),
};
const yamlOptions = { version: "1.2" as const, customTags: [pyYamlBool], merge: true };

/** Parses YAML text. `!!float "1e-3"` gives a number, `!!str 5` a string. */
export function parseYaml(text: string, file = "<string>"): ConfigTree {
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { ...yamlOptions, uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    throw new InputFileError(file, `invalid YAML: ${(err as Error).message}`);
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0] as YAML.YAMLError;
    throw new InputFileError(file, `invalid YAML: ${e.message.split("\n")[0]}`);
  }
  const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(file, "", "a mapping at the top level", value);
  return value as ConfigTree;
}

export function readYamlFile(file: string): ConfigTree {
  if (!fs.existsSync(file)) throw new InputFileError(file, "config file not found");
  return parseYaml(fs.readFileSync(file, "utf8"), file);
}

/** Reads `a.b.c` (with `[i]` for list items) from a tree. */
export function getPath(tree: unknown, keyPath: string): unknown {
  let node: unknown = tree;
  for (const part of splitPath(keyPath)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function splitPath(keyPath: string): string[] {
  return keyPath
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p.length > 0);
}

/** Sets `a.b.c` in a tree, creating mappings on the way. */
export function setPath(tree: ConfigTree, keyPath: string, value: unknown): void {
  const parts = splitPath(keyPath);
  if (parts.length === 0) throw new SvdError(`--set: empty key path`);
  let node: Record<string, unknown> = tree;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined || next === null) node[part] = {};
    else if (typeof next !== "object") throw new SvdError(`--set ${keyPath}: '${part}' holds a ${typeof next}, not a mapping`);
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Applies `key.path=value` overrides; values are parsed as YAML scalars/flow (so `[1,2]`, `true`, `1e-3` work). */
export function applyOverrides(tree: ConfigTree, overrides: readonly string[]): ConfigTree {
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new SvdError(`--set '${o}': expected key.path=value`);
    const key = o.slice(0, eq).trim();
    const raw = o.slice(eq + 1);
    let value: unknown;
    try {
      value = YAML.parse(raw, yamlOptions);
    } catch {
      value = raw;
    }
    setPath(tree, key, value ?? null);
  }
  return tree;
}

const WHOLE = /^\$\{([^}]+)\}$/;
const PART = /\$\{([^}]+)\}/g;

/** Resolves `${a.b}` references. A string that is exactly one reference takes the referenced value's type. */
export function interpolate(tree: ConfigTree, file = "<config>"): ConfigTree {
  const resolving = new Set<string>();
  const resolveRef = (ref: string, at: string): unknown => {
    if (resolving.has(ref)) throw new ConfigError(file, at, "a reference without cycles", `\${${ref}}`, `cycle through ${[...resolving].join(" -> ")}`);
    const target = getPath(tree, ref);
    if (target === undefined) throw new ConfigError(file, at, `a reference to an existing key`, `\${${ref}}`, `'${ref}' is not defined`);
    resolving.add(ref);
    const v = walk(target, ref);
    resolving.delete(ref);
    return v;
  };
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === "string") {
      const whole = WHOLE.exec(node);
      if (whole) return resolveRef((whole[1] as string).trim(), at);
      if (!node.includes("${")) return node;
      return node.replace(PART, (_, ref: string) => String(resolveRef(ref.trim(), at)));
    }
    if (Array.isArray(node)) return node.map((x, i) => walk(x, `${at}[${i}]`));
    if (node !== null && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, at ? `${at}.${k}` : k)]));
    return node;
  };
  return walk(tree, "") as ConfigTree;
}

export interface LoadedConfig<T> {
  file: string;
  value: T;
  /** Keys present in the file that the schema does not use (reported, never silently dropped). */
  unknownKeys: string[];
  /** The raw tree after overrides and interpolation (what gets saved beside outputs). */
  tree: ConfigTree;
}

/** Loads a YAML file (or a tree given inline), applies overrides, interpolates, validates. */
export function loadConfig<T>(
  source: string | { tree: ConfigTree; name: string },
  schema: Schema<T>,
  overrides: readonly string[] = [],
): LoadedConfig<T> {
  const file = typeof source === "string" ? source : source.name;
  const raw = typeof source === "string" ? readYamlFile(source) : structuredClone(source.tree);
  applyOverrides(raw, overrides);
  const tree = interpolate(raw, file);
  const { value, unknownKeys } = validate(schema, tree, file);
  return { file, value, unknownKeys, tree };
}
