/**
 * Option parsers shared by the `svd` sub-commands: repeatable options, seeds and numbers, each
 * failing with an ArgumentError that names the option, what it expects and what it got.
 */
import { ArgumentError } from "../util/errors";

/** Collects repeated options (`--set k=v --set k2=v2`) into an array; use as commander's argParser. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A seed option: an integer stays a number, anything else is a string seed. */
export function parseSeed(s: string): number | string;
export function parseSeed(s: string | undefined): number | string | undefined;
export function parseSeed(s: string | undefined): number | string | undefined {
  if (s === undefined) return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

/** A finite number (`positive`: also > 0). */
export function parseNumber(name: string, v: string, opts: { positive?: boolean } = {}): number {
  const x = Number(v);
  if (!Number.isFinite(x) || (opts.positive && x <= 0)) throw new ArgumentError(name, opts.positive ? "a positive number" : "a number", v);
  return x;
}
