import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Atomic output: work on `<file>.tmp-<pid>` and rename onto the final name only when complete,
 * so an interrupted job never leaves a truncated file under the real name.
 */
export function tempPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.tmp-${process.pid}`);
}

export function commitTemp(tempPath: string, finalPath: string): void {
  fs.renameSync(tempPath, finalPath);
}

export function writeFileAtomic(finalPath: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(finalPath), { recursive: true });
  const tmp = tempPathFor(finalPath);
  fs.writeFileSync(tmp, data);
  commitTemp(tmp, finalPath);
}

/** Runs `produce(tmp)` and renames the result onto `finalPath`; removes the temp file on failure. */
export async function withAtomicOutput<T>(finalPath: string, produce: (tmp: string) => Promise<T> | T): Promise<T> {
  fs.mkdirSync(path.dirname(finalPath), { recursive: true });
  const tmp = tempPathFor(finalPath);
  try {
    const result = await produce(tmp);
    commitTemp(tmp, finalPath);
    return result;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
