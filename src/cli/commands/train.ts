/**
 * `svd train -opt <config.yml> [-test] [--check] [--set key=value ...]`: the original's trainer.py flags
 * (single-dash `-opt`/`-test` as the original writes them; `--opt`/`--test` also work). `--check`
 * checks the config without training and prints one line per finding (unsupported keys, the
 * original's cluster keys it ignores, unused keys, notes); it exits 1 when something is unsupported.
 */
import type { Command } from "commander";
import { initBackend } from "../../backend";
import { train } from "../../train";
import { screenTrainConfigFile } from "../../train/config";
import { findingLine } from "../../train/original-keys";
import { checkOriginalConfig } from "../../train/validate";
import { ArgumentError, SvdError } from "../../util";

export function parseTrainArgs(args: string[]): { opt: string; test: boolean; check: boolean; overrides: string[] } {
  let opt: string | undefined;
  let test = false;
  let check = false;
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-opt" || a === "--opt") opt = args[++i];
    else if (a === "-test" || a === "--test") test = true;
    else if (a === "-check" || a === "--check") check = true;
    else if (a === "--set" || a === "-set") {
      const v = args[++i];
      if (!v || !v.includes("=")) throw new ArgumentError("--set", "key.path=value", v);
      overrides.push(v);
    } else if (a.startsWith("--set=")) overrides.push(a.slice(6));
    else throw new ArgumentError(a, "one of -opt <config.yml>, -test, --check, --set key=value", a);
  }
  if (!opt) throw new ArgumentError("-opt", "a training config file (svd train -opt configs/train/<name>.yml)", opt);
  return { opt, test, check, overrides };
}

/** The --check report: a summary line, then one line per finding. */
export function checkReport(r: ReturnType<typeof checkOriginalConfig>): string {
  const what = [r.modelType ? `model_type ${r.modelType}` : "", r.network ? `network ${r.network.type} (${r.network.parameters} parameters)` : "", ...Object.entries(r.datasets).map(([k, v]) => `${k} ${v}`)].filter(Boolean).join(", ");
  const n = (k: string) => r.findings.filter((f) => f.kind === k).length;
  const head = r.ok ? `${r.file}: loads (${what}); ${n("ignored")} ignored, ${n("unused")} unused` : `${r.file}: does not load here: ${n("unsupported")} unsupported key(s)`;
  return [head, ...r.lines].join("\n") + "\n";
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train or evaluate a restoration model from a YAML config: svd train -opt <config.yml> [-test] [--check] [--set key=value]")
    .allowUnknownOption(true)
    .helpOption("-h, --help")
    .argument("[args...]")
    .action(async (args: string[]) => {
      const { opt, test, check, overrides } = parseTrainArgs(args);
      if (check) {
        const report = checkOriginalConfig((await initBackend()).tf, opt, overrides);
        process.stdout.write(checkReport(report));
        if (!report.ok) throw new SvdError(`${opt} does not load here (the unsupported keys are listed above)`);
        return;
      }
      // The original's cluster keys are taken out before training: say which, and why.
      for (const f of screenTrainConfigFile(opt, overrides).findings) if (f.kind === "ignored" || f.kind === "note") process.stderr.write(findingLine(opt, f) + "\n");
      const r = await train(opt, { test, overrides });
      const last = r.steps[r.steps.length - 1];
      if (r.pretrained) process.stdout.write(`pretrained weights: ${r.pretrained.summary}\n`);
      process.stdout.write(
        `${r.experimentsRoot}: ${r.steps.length} steps` + (last ? `, final loss ${last.loss_all!.toPrecision(4)}` : "") +
          (r.validation.length ? `, validation ${JSON.stringify(r.validation[r.validation.length - 1])}` : "") + "\n",
      );
    });
}
