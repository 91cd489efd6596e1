/**
 * One registry for everything a config names by a string: model types, architectures, datasets,
 * transforms, PSF families, losses. The pattern is BasicSR's `build_network`:
 *
 *   const arch = architectures.get(cfg.type, where);          // config -> registry
 *   const net = arch.create(tf, params, parseOptions(arch, cfg, where));   // -> constructor
 *
 * Entries that read options declare them as a `Schema` (config/schema.ts), so every option is
 * checked in one place, with errors naming the file, the key, what was expected and what was found.
 */
import { ConfigError } from "../util/errors";
import { suggest, type Schema } from "./schema";

/** Where a config value sits, for error messages. */
export interface ConfigWhere {
  file: string;
  /** Key path of the value, e.g. `network.type` or `datasets.train`. */
  keyPath: string;
}

/** An entry whose options are a mapping validated by `schema`. */
export interface Configurable<O> {
  readonly schema: Schema<O>;
}

export class Registry<T> {
  private readonly entries = new Map<string, T>();

  /** `what` names the kind of entry in errors ("architecture", "dataset type", ...). */
  constructor(readonly what: string) {}

  /** Adds `entry` under `name` and its `aliases`; a name that is already taken is a programming error. */
  register(name: string, entry: T, aliases: readonly string[] = []): void {
    for (const n of [name, ...aliases]) {
      if (this.entries.has(n)) throw new Error(`${this.what} '${n}' is already registered`);
      this.entries.set(n, entry);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** All names, aliases included, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** [name, entry] pairs (aliases included) in registration order. */
  list(): Array<[string, T]> {
    return [...this.entries.entries()];
  }

  /**
   * The entry called `name`, or a ConfigError at `where` listing the known names (sorted). `found` is the
   * value shown in the error when it differs from `name` (a loss string holding the name, say).
   * Without `where` (lookups from code or a notebook) the error names `<config>: type`.
   */
  get(name: unknown, where: ConfigWhere = { file: "<config>", keyPath: "type" }, found: unknown = name): T {
    const entry = typeof name === "string" ? this.entries.get(name) : undefined;
    if (entry === undefined) {
      const hint = typeof name === "string" ? suggest(name, this.names()) : undefined;
      const detail = typeof name === "string" ? `unknown ${this.what} '${name}'${hint ? `; ${hint}` : ""}` : `a ${this.what} is named by a string`;
      // sorted: easier to scan than registration order
      throw new ConfigError(where.file, where.keyPath, `one of ${this.names().sort().join(", ")}`, found, detail);
    }
    return entry;
  }
}

/**
 * Validates `value` (the mapping found at `where`) against the entry's schema. Keys a schema lets
 * through (`unknown: "report"`: the original's kwargs this port does not read) are ignored here.
 */
export function parseOptions<O>(entry: Configurable<O>, value: unknown, where: ConfigWhere): O {
  return entry.schema.parse(value, where.keyPath, { file: where.file, unknownKeys: [] });
}
