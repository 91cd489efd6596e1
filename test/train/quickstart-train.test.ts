/**
 * The quickstart's training stage, shortened to a few steps: report.html holds the loss curve and
 * metric bars as inline SVG and the comparisons as PNG data URIs; evaluation.json scores every
 * method; the non-blind baselines (true PSF) beat the blurred input.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runQuickstartTraining } from "../../src/cli/commands/quickstart-train";

describe("cli/quickstart training stage", function () {
  this.timeout(120000);
  it("trains, evaluates against the baselines and writes the report", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-qs-"));
    try {
      process.env.SVD_QUIET = "1";
      const r = await runQuickstartTraining(dir, 6);
      const html = fs.readFileSync(r.report, "utf8");
      assert.ok((html.match(/<svg/g) ?? []).length >= 2, "loss curve and metric bars as inline SVG");
      assert.ok((html.match(/src="data:image\/png;base64,/g) ?? []).length === 2, "two PNG comparisons");
      const ev = JSON.parse(fs.readFileSync(path.join(dir, "evaluation.json"), "utf8")) as { scores: Array<{ method: string; psnr: number; ssim: number }> };
      assert.deepEqual(ev.scores.map((s) => s.method), ["blurred", "Wiener", "Richardson-Lucy", "NAFNet (quickstart)"]);
      const by = Object.fromEntries(ev.scores.map((s) => [s.method, s]));
      assert.ok(by.Wiener!.psnr > by.blurred!.psnr + 1 && by["Richardson-Lucy"]!.psnr > by.blurred!.psnr + 1, JSON.stringify(ev.scores));
      assert.equal(fs.readFileSync(path.join(dir, "train", "logs", "train_log.jsonl"), "utf8").trim().split("\n").length, 6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
