import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import sharp from "sharp";
import { readImage } from "../../src/io/image";
import { psnr, ssim, msssim, mse, mae, resizeBicubicU8, matchHistogramsU8 } from "../../src/metrics";

// Golden values from scikit-image / NumPy / Pillow: see test/fixtures/metrics/README.md.
const DIR = path.join(__dirname, "..", "fixtures", "metrics");
const golden = JSON.parse(fs.readFileSync(path.join(DIR, "golden.json"), "utf8")) as {
  pairs: Array<Record<string, any>>;
};

const TOL = 1e-4;
function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs golden ${expected} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
}

async function u8(file: string): Promise<{ data: Uint8Array; h: number; w: number }> {
  const { data, info } = await sharp(file).toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return { data: new Uint8Array(data), h: info.height, w: info.width };
}

const sha = (a: Uint8Array) => createHash("sha256").update(a).digest("hex");

describe("metrics vs scikit-image golden values", () => {
  for (const pair of golden.pairs) {
    describe(pair.name, () => {
      let gt: Awaited<ReturnType<typeof readImage>>;
      let pred: Awaited<ReturnType<typeof readImage>>;
      before(async () => {
        gt = await readImage(path.join(DIR, pair.gt));
        pred = await readImage(path.join(DIR, pair.pred));
      });
      it("MSE, MAE, PSNR", () => {
        close(mse(gt, pred), pair.mse, 1e-9, "mse");
        close(mae(gt, pred), pair.mae, 1e-9, "mae");
        close(psnr(gt, pred), pair.psnr, TOL, "psnr");
        close(psnr(gt, pred, { cropBorder: 1 }), pair.psnr_crop1, TOL, "psnr crop 1");
        if (pair.psnr_y !== undefined) close(psnr(gt, pred, { channel: "y" }), pair.psnr_y, TOL, "psnr Y");
      });
      it("SSIM (Gaussian window, skimage conventions)", () => {
        close(ssim(gt, pred), pair.ssim, TOL, "ssim");
        close(ssim(gt, pred, { cropBorder: 1 }), pair.ssim_crop1, TOL, "ssim crop 1");
        if (pair.ssim_y !== undefined) close(ssim(gt, pred, { channel: "y" }), pair.ssim_y, TOL, "ssim Y");
      });
      if (pair.msssim !== undefined) {
        it("MS-SSIM", () => close(msssim(gt, pred), pair.msssim, TOL, "ms-ssim"));
      }
      if (pair.protocol !== undefined) {
        it("original protocol: Pillow bicubic resize and skimage histogram matching, bit-exact", async () => {
          const pr = pair.protocol;
          const g = await u8(path.join(DIR, pair.gt));
          const p = await u8(path.join(DIR, pair.pred));
          const to = { height: pr.size, width: pr.size };
          const gr = resizeBicubicU8({ data: g.data, height: g.h, width: g.w, channels: 3 }, to).data;
          const prr = resizeBicubicU8({ data: p.data, height: p.h, width: p.w, channels: 3 }, to).data;
          assert.equal(sha(gr), pr.gt_resized_sha256, "resized GT differs from Pillow");
          assert.equal(sha(prr), pr.pred_resized_sha256, "resized prediction differs from Pillow");
          const m = matchHistogramsU8(prr, gr, 3);
          assert.equal(sha(m), pr.pred_matched_sha256, "matched prediction differs from skimage");
          const toF = (a: Uint8Array) => ({ data: Float32Array.from(a, (v) => v / 255), height: pr.size, width: pr.size, channels: 3 });
          close(psnr(toF(gr), toF(m), { cropBorder: 1 }), pr.psnr, TOL, "protocol psnr");
          close(ssim(toF(gr), toF(m), { cropBorder: 1 }), pr.ssim, TOL, "protocol ssim");
        });
      }
    });
  }
});
