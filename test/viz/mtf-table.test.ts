import { strict as assert } from "node:assert";
import * as viz from "../../src/viz";

type Point = { x: number; y: number; series: string };
const valuesOf = (b: viz.MimeBundle) => ((b.data[viz.MIME.vegaLite] as { data: { values: Point[] } }).data.values);
const yDomainOf = (b: viz.MimeBundle) => (b.data[viz.MIME.vegaLite] as { layer: { encoding: { y: { scale: { domain: number[] } } } }[] }).layer[0]!.encoding.y.scale.domain;

describe("viz: MTF curves stop at Nyquist and show overshoot; tables mark the best among comparable rows", function () {
  this.timeout(30_000);
  // A slanted-edge measurement reaches 1 cy/px (4x oversampled ESF); a restored MTF rises above 1.
  const freq = Array.from({ length: 11 }, (_, i) => i / 10);
  const restored = freq.map((f) => 1 + 0.3 * Math.sin(Math.PI * f));

  it("drops samples past 0.5 cy/px by default, keeps them on request, and widens the y axis past 1", () => {
    const b = viz.mtfCurves([{ label: "restored", frequency: freq, mtf: restored }]);
    assert.deepEqual(valuesOf(b).map((p) => p.x), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    // Peak 1.3 at 0.5 cy/px: the axis goes to 1.3, no value is clipped.
    assert.deepEqual(valuesOf(b).map((p) => p.y), restored.slice(0, 6));
    assert.deepEqual(yDomainOf(b), [0, 1.3]);
    const all = viz.mtfCurves([{ label: "restored", frequency: freq, mtf: restored }], { beyondNyquist: true });
    assert.equal(valuesOf(all).length, 11);
    // Physical units: Nyquist as given (250 cy/mm for 2 um pixels); an MTF below 1 keeps the [0, 1] axis.
    const mm = viz.mtfCurves([{ label: "lens", frequency: [0, 125, 250, 300], mtf: [1, 0.6, 0.2, 0.1] }], { frequencyUnit: "cycles/mm", nyquist: 250 });
    assert.deepEqual(valuesOf(mm).map((p) => p.x), [0, 125, 250]);
    assert.deepEqual(yDomainOf(mm), [0, 1]);
    assert.throws(() => viz.mtfCurves([{ label: "bad", frequency: [0, 0.1], mtf: [1] }]), /curve "bad" has 2 frequencies and 1 MTF values/);
  });

  it("dashes sagittal curves and leaves tangential and undirected ones solid, also in the exported SVG", async () => {
    const f = [0, 0.25, 0.5];
    const b = viz.mtfCurves([
      { label: "R tangential", frequency: f, mtf: [1, 0.6, 0.3], channel: 0, direction: "tangential" },
      { label: "R sagittal", frequency: f, mtf: [1, 0.7, 0.4], channel: 0, direction: "sagittal" },
      { label: "diffraction limit", frequency: f, mtf: [1, 0.7, 0.4] },
    ]);
    const spec = b.data[viz.MIME.vegaLite] as { layer: { encoding: { color: { scale: { range: string[] } }; strokeDash?: { field: string; scale: { domain: string[]; range: number[][] } } } }[] };
    const enc = spec.layer[0]!.encoding;
    // One colour for the channel's two curves; the dash tells them apart.
    assert.equal(enc.color.scale.range[0], enc.color.scale.range[1]);
    assert.equal(enc.strokeDash!.field, "series");
    assert.deepEqual(enc.strokeDash!.scale, { domain: ["R tangential", "R sagittal", "diffraction limit"], range: [[1, 0], [6, 3], [1, 0]] });
    const svg = await viz.figureToSvg(b);
    assert.match(svg, /<path[^>]*stroke-dasharray="6,3"/, "no dashed line in the SVG");
    // Without directions the chart has no dash channel (as before).
    const plain = viz.mtfCurves([{ label: "centre", frequency: f, mtf: [1, 0.5, 0.1] }]).data[viz.MIME.vegaLite] as typeof spec;
    assert.equal(plain.layer[0]!.encoding.strokeDash, undefined);
    assert.throws(() => viz.mtfCurves([{ label: "odd", frequency: f, mtf: [1, 0.5, 0.1], direction: "radial" as viz.MtfDirection }]), /curve "odd" has direction "radial", expected "tangential" or "sagittal"/);
  });

  it("compareWithin marks the best value within each image, not across images", () => {
    const rows = [
      { image: "scene", method: "blurred", PSNR: 25.1, MAE: 0.03 },
      { image: "scene", method: "Wiener", PSNR: 29.4, MAE: 0.02 },
      { image: "star", method: "blurred", PSNR: 18.2, MAE: 0.09 },
      { image: "star", method: "Wiener", PSNR: 22.7, MAE: 0.05 },
    ];
    const grouped = viz.metricTable(rows, { digits: 2, best: { PSNR: "max", MAE: "min" }, compareWithin: "image" });
    const md = grouped.data[viz.MIME.markdown] as string;
    assert.deepEqual(md.match(/\*\*[^*]+\*\*/g), ["**29.40**", "**0.02**", "**22.70**", "**0.05**"]);
    // Without it, one best per column over all rows (the old behaviour).
    const flat = viz.metricTable(rows, { digits: 2, best: { PSNR: "max", MAE: "min" } }).data[viz.MIME.markdown] as string;
    assert.deepEqual(flat.match(/\*\*[^*]+\*\*/g), ["**29.40**", "**0.02**"]);
    assert.throws(() => viz.metricTable(rows, { best: { PSNR: "max" }, compareWithin: "scene" }), /compareWithin names column 'scene', which no row has \(columns: image, method, PSNR, MAE\)/);
  });
});
