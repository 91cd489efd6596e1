import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import * as viz from "../../src/viz";
import { SvdError } from "../../src/util/errors";
import { createProgress, setProgressFactory } from "../../src/util/progress";

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "matplotlib-colormaps.json"), "utf8")) as Record<string, number[][]>;

/** Installs a fake tslab display hook (the one the kernel and our runner set) for one test. */
function captureDisplays(): { msgs: { data: Record<string, unknown>; transient: { display_id?: string }; update: boolean }[]; restore(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require("tslab/dist/jupyter");
  const prev = jupyter.lastWriteDisplayData;
  const msgs: { data: Record<string, unknown>; transient: { display_id?: string }; update: boolean }[] = [];
  jupyter.lastWriteDisplayData = (m: { data: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => msgs.push({ ...m, update });
  return { msgs, restore: () => (jupyter.lastWriteDisplayData = prev) };
}

describe("viz", function () {
  this.timeout(30_000);

  describe("colormaps", function () {
    for (const [ours, theirs] of [["viridis", "viridis"], ["magma", "magma"], ["inferno", "inferno"], ["rdbu", "RdBu_r"]] as const) {
      it(`${ours} is within 8/255 of matplotlib's ${theirs} at all 256 entries`, function () {
        const lut = viz.colormapTable(ours);
        let worst = 0;
        golden[theirs]!.forEach((rgb, j) => rgb.forEach((v, c) => (worst = Math.max(worst, Math.abs(v - lut[3 * j + c]!)))));
        assert.ok(worst <= 8, `max deviation ${worst}`);
      });
    }
    it("rejects unknown names", function () {
      assert.throws(() => viz.colormapTable("jet" as viz.ColormapName), /unknown colormap "jet"/);
    });
  });

  describe("rasters", function () {
    it("maps a log-scaled PSF onto decades", function () {
      // logDecades 4: 1 -> top, 1e-1 -> 3/4, 1e-2 -> 1/2, 1e-6 (below the floor) -> bottom.
      const r = viz.toRaster({ data: new Float64Array([1, 0.1, 0.01, 1e-6]), shape: [2, 2] }, { scale: "log", logDecades: 4 });
      const gray = viz.colormapTable("gray");
      assert.deepEqual([r.rgb[0], r.rgb[3], r.rgb[6], r.rgb[9]], [gray[3 * 255], gray[3 * 191], gray[3 * 128], gray[0]]);
      assert.deepEqual([gray[0], gray[3 * 255]], [0, 255]);
    });
    it("takes NHWC tensors and typed arrays, and says which shapes it accepts", function () {
      const tensorLike = { shape: [1, 2, 3, 3], dataSync: () => new Float32Array(18).fill(0.5) };
      const r = viz.toRaster(tensorLike);
      assert.deepEqual([r.width, r.height, r.rgb[0]], [3, 2, 128]);
      assert.throws(() => viz.toRaster({ data: new Float32Array(10), shape: [2, 5, 2] }), /\[H, W\], \[H, W, C\] or \[1, H, W, C\].*found \[2, 5, 2\]/);
      assert.throws(() => viz.toRaster({ data: new Float32Array(3), shape: [2, 2] }), /3 values but shape \[2, 2\] needs 4/);
    });
    it("crops and enlarges without interpolation", function () {
      const r = viz.toRaster({ data: new Float32Array([0, 1, 1, 0]), shape: [2, 2] }, { vmin: 0, vmax: 1 });
      const up = viz.upscaleRaster(r, 3);
      assert.deepEqual([up.width, up.height, up.rgb[3 * 2], up.rgb[3 * 3]], [6, 6, 0, 255]);
      const c = viz.cropRaster(up, 3, 0, 3, 3);
      assert.deepEqual([c.width, c.height, c.rgb[0]], [3, 3, 255]);
    });
  });

  describe("figures", function () {
    it("draws a PSF grid as one PNG of the announced size", async function () {
      const [nh, nw, k] = [3, 4, 9];
      const data = new Float32Array(nh * nw * k * k);
      for (let p = 0; p < nh * nw; p++) data[p * k * k + 4 * k + 4] = 1; // centred deltas
      const b = await viz.psfGrid({ data, shape: [nh, nw, k, k] });
      const meta = await sharp(Buffer.from(b.data["image/png"] as string, "base64")).metadata();
      const announced = b.metadata!["image/png"] as { width: number; height: number };
      assert.deepEqual([meta.width, meta.height], [announced.width, announced.height]);
      assert.match(b.data["text/plain"] as string, /3x4 grid, k=9/);
    });
    it("compares images of one size and refuses mismatched ones", async function () {
      const a = { data: new Float32Array(16 * 16 * 3).fill(0.2), shape: [16, 16, 3] };
      const b = await viz.compareImages([{ title: "a", image: a }, { title: "b", image: a }], { crop: { x: 2, y: 2, width: 4, height: 4 } });
      assert.ok((b.data["image/png"] as string).length > 100);
      await assert.rejects(async () => viz.compareImages([{ title: "a", image: a }, { title: "small", image: { data: new Float32Array(4), shape: [2, 2] } }]), /"small" is 2x2, expected 16x16/);
    });
    it("builds Vega-Lite v5 bundles with a text fallback and renders them to SVG without a browser", async function () {
      const b = viz.mtfCurves([{ label: "centre", frequency: [0, 0.25, 0.5], mtf: [1, 0.5, 0.1] }], { title: "MTF test" });
      const spec = b.data["application/vnd.vegalite.v5+json"] as Record<string, unknown>;
      assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
      const svg = await viz.figureToSvg(b);
      assert.match(svg, /^<svg/);
      assert.match(svg, /MTF test/);
      assert.match(svg, /spatial frequency \(cycles\/pixel\)/);
    });
    it("tabulates metrics with the best value marked", function () {
      const t = viz.metricTable([{ method: "a", psnr: 20.5 }, { method: "b", psnr: 31.25 }], { digits: 2, best: { psnr: "max" } });
      assert.match(t.data["text/html"] as string, /<b>31\.25<\/b>/);
      assert.equal((t.data["text/plain"] as string).split("\n")[3], "b       31.25");
      assert.match(t.data["text/markdown"] as string, /\| b \| \*\*31\.25\*\* \|/);
    });
    it("saves figures atomically by extension and explains what it cannot export", async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-"));
      const chart = viz.explainedVariance([0.6, 0.3, 0.1]);
      await viz.saveFigure(chart, path.join(dir, "ev.png"));
      await viz.saveFigure(chart, path.join(dir, "ev.svg"));
      const png = await sharp(path.join(dir, "ev.png")).metadata();
      assert.equal(png.format, "png");
      assert.deepEqual(fs.readdirSync(dir).sort(), ["ev.png", "ev.svg"]);
      await assert.rejects(viz.saveFigure(viz.surface({ data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] }), path.join(dir, "s.png")), /Plotly needs a browser/);
      await assert.rejects(viz.saveFigure(chart, path.join(dir, "ev.gif")), /\.svg, \.png, \.json, \.html, \.md or \.txt/);
    });
  });

  describe("display", function () {
    it("refuses to display outside a notebook, with a hint", function () {
      assert.equal(viz.inNotebook(), false);
      assert.throws(() => viz.display(viz.vegaLite({ mark: "point" })), (e: unknown) => e instanceof SvdError && /saveFigure/.test(e.message));
    });
    it("sends whole bundles and updates live displays in place", function () {
      const cap = captureDisplays();
      try {
        viz.display(viz.vegaLite({ mark: "point" }));
        const live = viz.liveDisplay();
        live.update({ data: { "text/plain": "1" } });
        live.update({ data: { "text/plain": "2" } });
        assert.deepEqual(Object.keys(cap.msgs[0]!.data).sort(), ["application/vnd.vegalite.v5+json", "text/plain"]);
        assert.equal(cap.msgs[0]!.update, false);
        assert.deepEqual(cap.msgs.slice(1).map((m) => [m.transient.display_id, m.update, m.data["text/plain"]]), [
          [live.displayId, false, "1"],
          [live.displayId, true, "2"],
        ]);
      } finally {
        cap.restore();
      }
    });
    it("routes library progress into one live HTML output", function () {
      const cap = captureDisplays();
      try {
        const restore = viz.useNotebookProgress();
        const p = createProgress("work", 3, "steps");
        p.tick();
        p.tick();
        p.tick();
        p.done();
        restore();
        const ids = new Set(cap.msgs.map((m) => m.transient.display_id));
        assert.equal(ids.size, 1);
        const last = cap.msgs.at(-1)!;
        assert.equal(last.update, true);
        assert.match(last.data["text/plain"] as string, /^work: 3\/3 steps \(100%\)/);
        assert.match(last.data["text/html"] as string, /<progress value="3" max="3"/);
      } finally {
        setProgressFactory(null);
        cap.restore();
      }
    });
    it("grows a live curve and rejects non-finite points", function () {
      const cap = captureDisplays();
      try {
        const c = viz.liveCurve({ title: "loss" });
        for (let i = 0; i < 5; i++) c.add(i, 1 / (i + 1));
        c.done();
        const spec = cap.msgs.at(-1)!.data["application/vnd.vegalite.v5+json"] as { data: { values: unknown[] } };
        assert.equal(spec.data.values.length, 5);
        assert.throws(() => c.add(6, NaN), /finite/);
      } finally {
        cap.restore();
      }
    });
  });
});
