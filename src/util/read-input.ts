/**
 * Reading a file the user named: a missing or unreadable file becomes an InputFileError that names
 * the file, what it was meant to be and the system's reason (e.g. ENOENT).
 */
import * as fs from "node:fs";
import { InputFileError } from "./errors";

/** The bytes of `file`; `what` names its role in the error (e.g. "lens file"). */
export function readInputFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new InputFileError(file, `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The UTF-8 text of `file`; see readInputFile. */
export function readInputText(file: string, what: string): string {
  return readInputFile(file, what).toString("utf8");
}
