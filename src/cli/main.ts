/**
 * The `svd` command. One sub-command per workflow stage; each module in ./commands registers itself.
 * Failures print one line (`svd: <reason>`) and exit non-zero; a non-SvdError also prints its stack
 * when SVD_DEBUG=1.
 */
import { Command, CommanderError } from "commander";
import { SvdError } from "../util/errors";
import { commands } from "./commands";

export function buildProgram(): Command {
  const program = new Command("svd")
    .description("Spatially varying deblurring: PSFs, bases, rendering, datasets, training, metrics")
    .version(require("../../package.json").version)
    .showHelpAfterError(false)
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`svd: ${e instanceof SvdError ? e.message : (e?.message ?? String(err))}\n`);
    if (process.env.SVD_DEBUG === "1" && e?.stack) process.stderr.write(e.stack + "\n");
    return 1;
  }
}
