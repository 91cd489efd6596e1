import { strict as assert } from "node:assert";
import * as viz from "../../src/viz";

/** A cosine learning-rate schedule and a loss falling from 0.12 to 0.02: four orders of magnitude apart. */
function records(n: number) {
  return Array.from({ length: n }, (_, step) => ({ step, loss_all: 0.02 + 0.1 * Math.exp(-step / 20), lr: 5e-3 * 0.5 * (1 + Math.cos((Math.PI * step) / n)), grad_norm: 1 }));
}

describe("viz.trainingCurves", function () {
  this.timeout(30_000);

  it("draws loss and learning rate in separate panels, each with its own titled y axis and unit", async () => {
    const train = records(100);
    const log = [...train, { type: "validation", step: 99, psnr: 27.5 }];
    const spec = viz.trainingCurvesSpec(log, {
      panels: [
        { key: "loss_all", title: "training loss", unit: "L1, intensity 0..1" },
        { key: "lr", title: "learning rate" },
        { key: "psnr", title: "validation PSNR", unit: "dB" },
      ],
    });
    const panels = spec.vconcat as { title: { text: string }; data: { values: { step: number; value: number }[] }; encoding: { x: { title: string | null }; y: { title: string } } }[];
    assert.deepEqual(panels.map((p) => p.title.text), ["training loss", "learning rate", "validation PSNR"]);
    assert.deepEqual(panels.map((p) => p.encoding.y.title), ["training loss (L1, intensity 0..1)", "learning rate", "validation PSNR (dB)"]);
    assert.deepEqual(panels.map((p) => p.encoding.x.title), [null, null, "optimiser step"]);
    // Each panel holds only its own quantity (the validation record has no loss or lr).
    assert.deepEqual(panels.map((p) => p.data.values.length), [100, 100, 1]);
    assert.equal(panels[0]!.data.values[0]!.value, train[0]!.loss_all);
    assert.equal(panels[1]!.data.values[0]!.value, 5e-3);
    assert.deepEqual(spec.resolve, { scale: { y: "independent" } });
    // It compiles and renders: the SVG carries both axis titles as text.
    const svg = await viz.vegaLiteToSvg(spec);
    for (const t of ["training loss (L1, intensity 0..1)", "learning rate", "optimiser step"]) assert.ok(svg.includes(t), `SVG lacks "${t}"`);
  });

  it("skips panels without data, and names the keys it found when none has any", () => {
    const spec = viz.trainingCurvesSpec(records(5));
    assert.deepEqual((spec.vconcat as { title: { text: string } }[]).map((p) => p.title.text), ["training loss (loss_all)", "learning rate"]);
    assert.throws(() => viz.trainingCurvesSpec([{ step: 1, loss_l1: 0.1 }]), /no records with a finite 'loss_all' or 'lr' and a numeric 'step' \(keys found: step, loss_l1\)/);
    const b = viz.trainingCurves(records(5), { title: "run" });
    assert.match(String(b.data[viz.MIME.plain]), /run: training loss \(loss_all\), learning rate over 5 records/);
  });

  it("the live curve names its y axis when told (default 'value')", () => {
    const yTitleOf = (spec: unknown) => (spec as { encoding: { y: { title: string } } }).encoding.y.title;
    assert.equal(yTitleOf(viz.lossCurveSpec([{ step: 0, value: 0.1, series: "train L1" }], { yTitle: "training loss (L1)" })), "training loss (L1)");
    assert.equal(yTitleOf(viz.lossCurveSpec([{ step: 0, value: 0.1, series: "train L1" }])), "value");
    // LiveCurve passes its options to the same builder (no points added: nothing is displayed).
    const live = new viz.LiveCurve({ yTitle: "PSNR (dB)", xTitle: "amount" }).bundle().data[viz.MIME.vegaLite];
    assert.equal(yTitleOf(live), "PSNR (dB)");
    assert.equal((live as { encoding: { x: { title: string } } }).encoding.x.title, "amount");
  });
});
