/**
 * The quickstart's learning verdict: PASS/FAIL against the minimum gain over the blurred input, signed
 * differences to the baselines, and an interpretation that follows the numbers.
 */
import { strict as assert } from "node:assert";
import { learningVerdict } from "../../src/cli/commands/quickstart-verdict";

const opts = { network: "net", blurred: "blurred", baselines: ["Wiener", "RL"], minGainDb: 1.5 };
const scores = (net: number) => [
  { method: "blurred", psnr: 24, ssim: 0.7 },
  { method: "Wiener", psnr: 26.5, ssim: 0.8 },
  { method: "RL", psnr: 26, ssim: 0.8 },
  { method: "net", psnr: net, ssim: 0.8 },
];

describe("cli/quickstart learning verdict", () => {
  it("passes at the threshold and reports the gap to the baselines", () => {
    const v = learningVerdict(scores(25.5), opts);
    assert.equal(v.learned, true);
    assert.ok(Math.abs(v.gainOverBlurredDb - 1.5) < 1e-12);
    assert.ok(Math.abs(v.vsBaselinesDb.Wiener! + 1) < 1e-12 && Math.abs(v.vsBaselinesDb.RL! + 0.5) < 1e-12);
    assert.match(v.lines[0]!, /\+1\.50 dB.*PASS/);
    assert.match(v.lines[1]!, /Wiener \(true PSF\): -1\.00 dB/);
    assert.match(v.lines[3]!, /recovers 1\.50 dB of the 2\.50 dB/);
  });

  it("fails below the threshold", () => {
    const v = learningVerdict(scores(25.4), opts);
    assert.equal(v.learned, false);
    assert.match(v.lines[0]!, /\+1\.40 dB.*FAIL/);
  });

  it("says which baselines the network beats", () => {
    assert.match(learningVerdict(scores(26.2), opts).lines[3]!, /beats RL but stays behind Wiener/);
    assert.match(learningVerdict(scores(27), opts).lines[3]!, /beats every non-blind baseline/);
  });

  it("names a missing method", () => {
    assert.throws(() => learningVerdict(scores(25).slice(1), opts), /no score for 'blurred'/);
  });
});
