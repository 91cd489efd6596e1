/**
 * User-facing errors. The CLI prints `message` as its one-line reason and exits non-zero;
 * anything that is not an SvdError is treated as a bug and printed with its stack.
 */
export class SvdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SvdError";
  }
}

/** Describes a value briefly for error messages: type and a short rendering. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (key missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const shown = JSON.stringify(value);
    return `list ${shown.length > 60 ? shown.slice(0, 57) + "..." : shown}`;
  }
  if (typeof value === "object") return `mapping with keys [${Object.keys(value as object).join(", ")}]`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Error in a configuration value: names the file, the key path, what was expected and what was found. */
export class ConfigError extends SvdError {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly expected: string,
    readonly found: unknown,
    readonly detail?: string,
  ) {
    super(
      `${file}: key '${keyPath || "<root>"}': expected ${expected}, found ${describeValue(found)}` +
        (detail ? ` (${detail})` : ""),
    );
    this.name = "ConfigError";
  }
}

/** Error in an input file: names the file, what was expected and what was found. */
export class InputFileError extends SvdError {
  constructor(readonly file: string, what: string) {
    super(`${file}: ${what}`);
    this.name = "InputFileError";
  }
}

/** Error in a function/CLI argument. */
export class ArgumentError extends SvdError {
  constructor(readonly argument: string, expected: string, found: unknown) {
    super(`argument '${argument}': expected ${expected}, found ${describeValue(found)}`);
    this.name = "ArgumentError";
  }
}

export function assertArg(cond: boolean, argument: string, expected: string, found: unknown): asserts cond {
  if (!cond) throw new ArgumentError(argument, expected, found);
}

/**
 * Index bounds: `value` must be an integer in [0, size). `what` says what the index counts, e.g.
 * "grid column ix" with size nw, so the message reads
 * "argument 'ix': expected a grid column index in [0, 4] (5 grid columns), found number 6".
 */
export function assertIndex(argument: string, value: number, size: number, what: string): void {
  if (!(Number.isInteger(value) && value >= 0 && value < size))
    throw new ArgumentError(argument, size > 0 ? `a ${what} index in [0, ${size - 1}] (${size} ${what}s)` : `a ${what} index, but there are no ${what}s`, value);
}
