import type { Command } from "commander";
import { runDoctor, formatDoctor } from "../../backend";

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("report the compute backend in use (and why faster ones are not), versions, threads, Jupyter parts")
    .option("--json", "print the report as JSON")
    .action(async (opts: { json?: boolean }) => {
      const report = await runDoctor();
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatDoctor(report));
    });
}
