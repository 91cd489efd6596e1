/**
 * Figures fit for a paper (issue 14): one style, one channel palette, vector text in exported SVGs,
 * colour bars and field axes on PSF grids, PSNR/SSIM labels that are src/metrics' numbers.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import sharp from "sharp";
import { psnr, ssim } from "../../src/metrics";
import * as viz from "../../src/viz";

/** The text content of every <text> element, unescaped. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => (m[1] as string).replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&quot;/g, '"'));
}
const count = (svg: string, tag: string): number => svg.match(new RegExp(`<${tag}\\b`, "g"))?.length ?? 0;

/** Centred Gaussian spots widening towards the edge of an nh x nw grid of k x k kernels. */
function gaussianGrid(nh: number, nw: number, k: number): Float32Array {
  const data = new Float32Array(nh * nw * k * k);
  const c = (k - 1) / 2;
  for (let iy = 0; iy < nh; iy++)
    for (let ix = 0; ix < nw; ix++) {
      const s = 1 + 0.4 * Math.hypot(iy - (nh - 1) / 2, ix - (nw - 1) / 2);
      for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) data[((iy * nw + ix) * k + y) * k + x] = Math.exp(-((y - c) ** 2 + (x - c) ** 2) / (2 * s * s));
    }
  return data;
}

/** A 0/1 checkerboard with 8-pixel squares, RGB. */
function checkerboard(n: number): Float32Array {
  const out = new Float32Array(n * n * 3);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) out.fill((Math.floor(x / 8) + Math.floor(y / 8)) % 2, 3 * (y * n + x), 3 * (y * n + x) + 3);
  return out;
}

describe("viz figures for papers", function () {
  this.timeout(60_000);

  describe("one channel palette", function () {
    const [R, G, B] = ["#d62728", "#2ca02c", "#1f77b4"];
    it("is fixed: R, G, B by index and by name", function () {
      assert.deepEqual([0, 1, 2].map((c) => viz.channelColor(c)), [R, G, B]);
      assert.deepEqual((["R", "G", "B"] as const).map((c) => viz.channelColor(c)), [R, G, B]);
      assert.deepEqual(viz.channelScale(["red 685 nm", "green 533 nm", "blue 473 nm"]), { domain: ["red 685 nm", "green 533 nm", "blue 473 nm"], range: [R, G, B] });
      assert.throws(() => viz.channelColor(3), /channel index 0\.\.2 or R\/G\/B, found 3/);
      assert.throws(() => viz.channelScale(["a", "b", "c", "d"]), /at most 3 channel labels/);
    });
    it("colours channel series of Plotly lines", function () {
      const fig = viz.plotlyLines([{ label: "g", x: [0, 1], y: [1, 0], channel: 1 }, { label: "other", x: [0, 1], y: [0, 1] }]).data[viz.MIME.plotly] as { data: { line?: { color: string } }[]; layout: { colorway: string[] } };
      assert.deepEqual(fig.data.map((d) => d.line?.color), [G, undefined]);
      assert.deepEqual(fig.layout.colorway, [...viz.CATEGORY_PALETTE]);
    });
    it("colours channel series of line charts and MTF curves, and the exported paths", async function () {
      const line = viz.lineChartSpec([
        { label: "blue", x: [0, 1], y: [0, 1], channel: 2 },
        { label: "centre", x: [0, 1], y: [1, 0] },
        { label: "red", x: [0, 1], y: [1, 1], channel: "R" },
      ]) as { encoding: { color: { scale: { domain: string[]; range: string[] } } } };
      assert.deepEqual(line.encoding.color.scale, { domain: ["blue", "centre", "red"], range: [B, viz.CATEGORY_PALETTE[0], R] });
      const mtf = viz.mtfCurves([0, 1, 2].map((c) => ({ label: `c${c}`, frequency: [0, 0.5], mtf: [1, 0.2], channel: c })));
      const spec = mtf.data[viz.MIME.vegaLite] as { layer: { encoding: { color?: { scale: { range: string[] } } } }[] };
      assert.deepEqual(spec.layer[0]!.encoding.color!.scale.range, [R, G, B]);
      // What vega draws: each channel's line in its palette colour.
      const svg = await viz.figureToSvg(mtf);
      for (const colour of [R, G, B]) assert.match(svg, new RegExp(`<path[^>]*stroke="${colour}"`), `no line stroked ${colour}`);
    });
    it("is the only source of colour in the notebooks (no colour literals in code cells)", function () {
      const root = path.join(__dirname, "..", "..", "notebooks");
      const files = [...fs.readdirSync(root).map((f) => path.join(root, f)), ...fs.readdirSync(path.join(root, "figures")).map((f) => path.join(root, "figures", f))].filter((f) => f.endsWith(".ipynb"));
      assert.ok(files.length >= 8, `found only ${files.length} notebooks`);
      const offences: string[] = [];
      for (const f of files) {
        const nb = JSON.parse(fs.readFileSync(f, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
        nb.cells.forEach((cell, i) => {
          if (cell.cell_type !== "code") return;
          const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
          for (const m of src.matchAll(/#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b(?!\s*[-:])|rgba?\(|color:\s*"[a-z]+"|scheme:\s*"[a-z]+"/g)) offences.push(`${path.basename(f)} cell ${i}: ${m[0]}`);
        });
      }
      assert.deepEqual(offences, [], "use viz.channelColor / viz.channelScale / viz.CATEGORY_PALETTE / viz.NEUTRAL / viz.COLORMAP instead");
    });
  });

  describe("house style", function () {
    it("gives Plotly surfaces the sequential colormap of every other figure", function () {
      const fig = viz.surface({ data: new Float32Array([0, 1, 2, 3]), shape: [2, 2] }).data[viz.MIME.plotly] as { data: { colorscale: [number, string][] }[] };
      const scale = fig.data[0]!.colorscale;
      assert.equal(scale.length, 17);
      // viridis: matplotlib's first and last entries, #440154 and #fde725.
      assert.deepEqual([scale[0], scale[16]], [[0, "rgb(68,1,84)"], [1, "rgb(253,231,37)"]]);
    });
    it("sizes Vega-Lite charts to a paper column with 8-10 pt text", function () {
      const spec = viz.lineChart([{ label: "a", x: [0, 1], y: [0, 1] }]).data[viz.MIME.vegaLite] as Record<string, any>;
      assert.equal(spec.width, 336); // 3.5 in at 96 CSS px per inch
      assert.deepEqual(spec.autosize, { type: "fit", contains: "padding" });
      assert.equal(spec.config.axis.labelFontSize, (8 * 96) / 72);
      assert.equal(spec.config.axis.titleFontSize, (9 * 96) / 72);
      assert.equal(spec.config.title.fontSize, (10 * 96) / 72);
      // A spec's own config wins over the house style, key by key.
      const own = viz.vegaLite({ mark: "point", config: { axis: { labelFontSize: 20 } } }).data[viz.MIME.vegaLite] as Record<string, any>;
      assert.deepEqual([own.config.axis.labelFontSize, own.config.axis.titleFontSize], [20, 12]);
    });
    it("exports Vega-Lite as true vector: paths and text, no image, print size in pt", async function () {
      const svg = await viz.figureToSvg(viz.lineChart([{ label: "a", x: [0, 1, 2], y: [0, 1, 4] }], { title: "vector line", xTitle: "time (s)" }));
      assert.ok(count(svg, "path") > 0 && count(svg, "text") > 0);
      assert.equal(count(svg, "image"), 0);
      assert.ok(texts(svg).includes("vector line") && texts(svg).includes("time (s)"));
      assert.match(svg, /^<svg[^>]* width="252pt" height="\d+(\.\d+)?pt"/);
      const png = await sharp(await viz.figureToPng(viz.lineChart([{ label: "a", x: [0, 1], y: [0, 1] }]))).metadata();
      assert.equal(png.width, 1050); // 3.5 in at the 300 dpi export resolution
    });
  });

  describe("PSF grids", function () {
    const [nh, nw, k] = [3, 5, 15];
    const field: viz.FieldAxes = { unit: "mm", x: [-1, -0.5, 0, 0.5, 1], y: [-0.6, 0, 0.6] };
    it("export the pixels as one image per panel and every word as text: title, field axes, colour bar", async function () {
      const b = await viz.psfGrid({ data: gaussianGrid(nh, nw, k), shape: [nh, nw, k, k] }, { field, title: "G channel PSFs" });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "viz-fig-"));
      const file = await viz.saveFigure(b, path.join(dir, "grid.svg"));
      const svg = fs.readFileSync(file, "utf8");
      assert.equal(count(svg, "image"), nh * nw);
      const t = texts(svg);
      for (const want of ["G channel PSFs", "field x on the sensor (mm)", "field y (mm)", "-1", "-0.5", "0", "0.5", "1", "-0.6", "0.6"]) assert.ok(t.includes(want), `no <text> "${want}" in ${JSON.stringify(t)}`);
      // The colour bar: a gradient rect with the four decades of the log scale, relative to each peak.
      assert.equal(count(svg, "linearGradient"), 1);
      assert.match(svg, /<rect class="colorbar"[^>]*fill="url\(#cbShared\)"/);
      for (const want of ["1e-4", "0.001", "0.01", "0.1", "relative to peak"]) assert.ok(t.includes(want), `colour bar lacks "${want}"`);
      assert.match(svg, /^<svg[^>]* width="504pt"/); // the text width of a two-column paper, 7 in
    });
    it("label a global scale by value, and say so when only grid indices are known", async function () {
      const data = gaussianGrid(nh, nw, k).map((v) => 2 * v);
      const b = await viz.psfGrid({ data, shape: [nh, nw, k, k] }, { normalize: "global", scale: "linear" });
      const t = texts(b.vectorSvg!);
      for (const want of ["0", "0.5", "1", "1.5", "2", "PSF value", "grid column (index; no field geometry given)", "grid row (index)", "4"]) assert.ok(t.includes(want), `no "${want}" in ${JSON.stringify(t)}`);
      await assert.rejects(async () => viz.psfGrid({ data, shape: [nh, nw, k, k] }, { field: { unit: "mm", x: [0, 1], y: [0, 1, 2] } }), /field axes give 3 rows x 2 columns, the PSF grid has 3 x 5/);
    });
    it("label grids of other quantities (wavelength x depth) with their own axes, checked against the grid", async function () {
      const data = gaussianGrid(nh, nw, k);
      const axes = { x: { title: "object depth (mm)", values: ["inf", 20, 5, 2, 0.5] }, y: { title: "wavelength (nm)", values: [450, 550, 650] } };
      const b = await viz.psfGrid({ data, shape: [nh, nw, k, k] }, { axes });
      const t = texts(b.vectorSvg!);
      for (const want of ["object depth (mm)", "wavelength (nm)", "inf", "20", "5", "2", "0.5", "450", "550", "650"]) assert.ok(t.includes(want), `no "${want}" in ${JSON.stringify(t)}`);
      assert.ok(!t.some((s) => /grid (column|row)|field/.test(s)), `no field or index titles: ${JSON.stringify(t)}`);
      await assert.rejects(async () => viz.psfGrid({ data, shape: [nh, nw, k, k] }, { axes: { ...axes, y: { title: "wavelength (nm)", values: [450, 550] } } }), /axes\.y gives 2 labels, the PSF grid has 3 rows/);
      await assert.rejects(async () => viz.psfGrid({ data, shape: [nh, nw, k, k] }, { axes, field }), /either `field`.*or `axes`/);
      await assert.rejects(async () => viz.psfGrid({ data, shape: [nh, nw, k, k] }, { axes: { ...axes, x: { title: "d", values: [1, 2, NaN, 4, 5] } } }), /axes\.x\.values must be finite numbers or strings, found null/);
    });
    it("read field positions in mm from a PSF file's sensor geometry", function () {
      // 256 px over 2 mm, 4x4 grid sampled at cell centres: x = (i + 0.5) * 64 - 0.5 (pixel-centre coordinates).
      const geometry = (attrs: Record<string, unknown>, positions = true): viz.PsfGridGeometry => ({
        gridRows: 4,
        gridCols: 4,
        sensorRes: [256, 256],
        position: (iy, ix) => {
          if (!positions) throw new Error("no psf_metadata and no H_img");
          return [(iy + 0.5) * 64 - 0.5, (ix + 0.5) * 64 - 0.5];
        },
        get: (key) => attrs[key],
      });
      assert.deepEqual(viz.fieldAxesOf(geometry({ sensor_size: [2, 2] })), { unit: "mm", x: [-0.75, -0.25, 0.25, 0.75], y: [-0.75, -0.25, 0.25, 0.75] });
      const fromPitch = viz.fieldAxesOf(geometry({ svd_config: JSON.stringify({ sensor: { pixel_pitch_um: 5 } }) }));
      assert.equal(fromPitch.unit, "mm");
      assert.deepEqual(fromPitch.x.map((v) => Math.round(v * 1e6) / 1e6), [-0.48, -0.16, 0.16, 0.48]);
      assert.deepEqual(viz.fieldAxesOf(geometry({})), { unit: "px", x: [-96, -32, 32, 96], y: [-96, -32, 32, 96] });
      assert.deepEqual(viz.fieldAxesOf(geometry({}, false)).unit, "index");
      // Field angles for a lens of focal length f: atan(x / f); 0.75 mm at f = 0.75 mm is 45 degrees.
      const angles = viz.fieldAxesOf(geometry({ sensor_size: [2, 2] }), { focalLengthMm: 0.75 });
      assert.equal(angles.unit, "deg");
      assert.deepEqual(angles.x.map((v) => Math.round(v * 1e9) / 1e9), [-45, -18.434948823, 18.434948823, 45]);
      assert.throws(() => viz.fieldAxesOf(geometry({}), { focalLengthMm: 4 }), /field angles need the pixel pitch/);
      assert.throws(() => viz.fieldAxesOf(geometry({ sensor_size: [2, 2] }), { focalLengthMm: -1 }), /focalLengthMm must be a positive length in mm, found -1/);
    });
  });

  describe("comparisons", function () {
    const n = 48;
    const sharpImg = checkerboard(n);
    // A constant error of 0.1 everywhere: PSNR is exactly 10 log10(1 / 0.01) = 20 dB.
    const offset = sharpImg.map((v) => 0.8 * v + 0.1);
    const soft = sharpImg.map((v, i) => 0.5 * v + 0.25 + 0.05 * Math.sin(i));
    const img = (d: Float32Array) => ({ data: d, height: n, width: n, channels: 3 });
    const crop = { x: 4, y: 6, width: 24, height: 20 };
    function cropOf(d: Float32Array): { data: Float32Array; height: number; width: number; channels: number } {
      const out: number[] = [];
      for (let y = crop.y; y < crop.y + crop.height; y++) for (let x = crop.x; x < crop.x + crop.width; x++) out.push(...d.subarray(3 * (y * n + x), 3 * (y * n + x) + 3));
      return { data: Float32Array.from(out), height: crop.height, width: crop.width, channels: 3 };
    }

    it("label every view and crop with src/metrics' PSNR and SSIM against the reference", async function () {
      const b = await viz.compareImages([{ title: "sharp", image: img(sharpImg) }, { title: "offset", image: img(offset) }, { title: "soft", image: img(soft) }], { reference: img(sharpImg), crop, title: "restoration" });
      const svg = await viz.figureToSvg(b);
      assert.equal(count(svg, "image"), 6); // three views and three crops
      const t = texts(svg);
      for (const want of ["restoration", "sharp", "offset", "soft", "sharp (zoom)", "offset (zoom)", "soft (zoom)"]) assert.ok(t.includes(want), `no <text> "${want}"`);
      const labels = t.filter((s) => s.startsWith("PSNR") || s === "reference");
      assert.equal(labels.length, 6);
      type Img = ReturnType<typeof img>;
      const expected = (a: Img, ref: Img): string =>
        `PSNR ${psnr(a, ref).toFixed(2)} dB · SSIM ${ssim(a, ref).toFixed(3)}`;
      assert.deepEqual(labels, [
        "reference",
        expected(img(offset), img(sharpImg)),
        expected(img(soft), img(sharpImg)),
        "reference",
        expected(cropOf(offset), cropOf(sharpImg)),
        expected(cropOf(soft), cropOf(sharpImg)),
      ]);
      assert.match(labels[1]!, /^PSNR 20\.00 dB/);
      assert.match(b.data["text/plain"] as string, /offset PSNR 20\.00 dB/);
    });
    it("show single-channel views on one shared grey range, so a low-contrast view looks low-contrast", async function () {
      const ramp = Float32Array.from({ length: n * n }, (_, i) => (i % n) / (n - 1)); // 0..1 along x
      const flat = ramp.map((v) => 0.4 + 0.2 * v); // 0.4..0.6: a fifth of the contrast
      const grey = (d: Float32Array) => ({ data: d, height: n, width: n, channels: 1 });
      assert.deepEqual(viz.sharedDisplayRange([grey(ramp), grey(flat)]), { vmin: 0, vmax: 1 });
      assert.deepEqual(viz.sharedDisplayRange([grey(flat)], { vmax: 2 }), { vmin: 0.4000000059604645, vmax: 2 });
      assert.deepEqual(viz.sharedDisplayRange([img(sharpImg)]), {}, "RGB keeps its 0..1 default");
      const svg = await viz.figureToSvg(await viz.compareImages([{ title: "sharp", image: grey(ramp) }, { title: "flat", image: grey(flat) }]));
      const pngs = [...svg.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1]!, "base64"));
      assert.equal(pngs.length, 2);
      const spans = await Promise.all(
        pngs.map(async (png) => {
          const st = await sharp(png).stats();
          return [st.channels[0]!.min, st.channels[0]!.max];
        }),
      );
      assert.deepEqual(spans[0], [0, 255]);
      // 0.4..0.6 of the shared 0..1 range: grey levels 102..153, not stretched to 0..255.
      assert.ok(Math.abs(spans[1]![0]! - 102) <= 1 && Math.abs(spans[1]![1]! - 153) <= 1, `flat view spans ${spans[1]}`);
    });
    it("keep titles and captions inside narrow panels", async function () {
      const raster = viz.toRaster({ data: new Float32Array(16 * 16), shape: [16, 16] });
      const long = "blurred (spatially varying) with a very long description (zoom)";
      const { svg } = await viz.panelsToSvg([0, 1, 2, 3].map(() => ({ raster, title: long, caption: "PSNR 29.59 dB · SSIM 0.925" })), { width: "single" });
      const t = texts(svg);
      // 4 panels in 3.5 in: each about 61 pt wide, room for about 13 characters of 8 pt text.
      const titles = t.filter((s) => s.startsWith("blurred"));
      assert.equal(titles.length, 4);
      for (const title of titles) assert.ok(title.endsWith("…") && title.length <= 14, title);
      assert.match(svg, /font-size="8"[^>]*>blurred/);
      // Captions too wide break at " · ".
      assert.equal(t.filter((s) => s === "PSNR 29.59 dB").length, 4);
      assert.equal(t.filter((s) => s === "SSIM 0.925").length, 4);
    });
    it("say when a crop is too small for SSIM, and refuse a reference of another shape", async function () {
      const small = { x: 0, y: 0, width: 8, height: 8 };
      const b = await viz.compareImages([{ title: "offset", image: img(offset) }], { reference: img(sharpImg), crop: small });
      assert.ok(texts(b.vectorSvg!).includes("PSNR 20.00 dB · SSIM n/a (< 11 px)"));
      await assert.rejects(async () => viz.compareImages([{ title: "a", image: img(offset) }], { reference: { data: new Float32Array(12), height: 2, width: 2, channels: 3 } }), /reference is 2x2x3, expected 48x48x3/);
    });
  });
});
