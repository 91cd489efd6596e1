/**
 * `svd weights info <file>` (tensors, value count, matching architecture and naming convention) and
 * `svd weights convert <in.pth> <out.safetensors>`, for PyTorch checkpoints and safetensors files.
 */
import type { Command } from "commander";
import { initBackend } from "../../backend";
import { convertToSafetensors } from "../../io";
import { formatWeightsInfo, weightsInfo, weightsInfoJson } from "../../models";

export function registerWeights(program: Command): void {
  const weights = program.command("weights").description("inspect and convert network weights (PyTorch .pth/.pt/.bin checkpoints, safetensors)");
  weights
    .command("info <file>")
    .description("names, dtypes and shapes of the tensors, value count, and the architecture and naming convention they fit")
    .option("--key <key>", "take the state dict from this top-level key of a PyTorch checkpoint (default: the first of params, params_ema, state_dict, model; or the top level)")
    .option("--json", "print JSON instead of text")
    .action(async (file: string, o: { key?: string; json?: boolean }) => {
      const { tf } = await initBackend();
      const info = weightsInfo(tf, file, { key: o.key });
      process.stdout.write(o.json ? JSON.stringify(weightsInfoJson(info), null, 1) + "\n" : formatWeightsInfo(info));
    });
  weights
    .command("convert <input> <output>")
    .description("write a checkpoint's state dict as <output>.safetensors under the same names (F16 when all tensors are F16, else F32)")
    .option("--key <key>", "take the state dict from this top-level key of a PyTorch checkpoint")
    .action((input: string, output: string, o: { key?: string }) => {
      const r = convertToSafetensors(input, output, { key: o.key });
      const from = r.input.format === "pytorch" ? `PyTorch checkpoint${r.input.stateDictKey ? ` (state dict under '${r.input.stateDictKey}')` : ""}` : "safetensors";
      const conv = Object.entries(r.converted).map(([d, n]) => `${d} -> ${r.dtype} (${n} tensors)`);
      process.stdout.write(`${output}: ${r.input.tensors.size} tensors as ${r.dtype} from ${input} (${from})${conv.length ? `; converted ${conv.join(", ")}` : ""}${r.input.skipped.length ? `; non-tensor entries left out: ${r.input.skipped.join(", ")}` : ""}\n`);
    });
}
