/**
 * `svd train -opt <config.yml> [-test] [--set key=value ...]`: the original's trainer.py flags
 * (single-dash `-opt`/`-test` as the original writes them; `--opt`/`--test` also work).
 */
import type { Command } from "commander";
import { train } from "../../train";
import { ArgumentError } from "../../util";

export function parseTrainArgs(args: string[]): { opt: string; test: boolean; overrides: string[] } {
  let opt: string | undefined;
  let test = false;
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-opt" || a === "--opt") opt = args[++i];
    else if (a === "-test" || a === "--test") test = true;
    else if (a === "--set" || a === "-set") {
      const v = args[++i];
      if (!v || !v.includes("=")) throw new ArgumentError("--set", "key.path=value", v);
      overrides.push(v);
    } else if (a.startsWith("--set=")) overrides.push(a.slice(6));
    else throw new ArgumentError(a, "one of -opt <config.yml>, -test, --set key=value", a);
  }
  if (!opt) throw new ArgumentError("-opt", "a training config file (svd train -opt configs/train/<name>.yml)", opt);
  return { opt, test, overrides };
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train or evaluate a restoration model from a YAML config: svd train -opt <config.yml> [-test] [--set key=value]")
    .allowUnknownOption(true)
    .helpOption("-h, --help")
    .argument("[args...]")
    .action(async (args: string[]) => {
      const { opt, test, overrides } = parseTrainArgs(args);
      const r = await train(opt, { test, overrides });
      const last = r.steps[r.steps.length - 1];
      if (r.pretrained) process.stdout.write(`pretrained weights: ${r.pretrained.summary}\n`);
      process.stdout.write(
        `${r.experimentsRoot}: ${r.steps.length} steps` + (last ? `, final loss ${last.loss_all!.toPrecision(4)}` : "") +
          (r.validation.length ? `, validation ${JSON.stringify(r.validation[r.validation.length - 1])}` : "") + "\n",
      );
    });
}
