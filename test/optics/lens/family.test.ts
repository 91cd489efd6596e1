import { strict as assert } from "assert";
import * as path from "path";
import { families } from "../../../src/psf/families";
import { validate } from "../../../src/config/schema";
import type { FieldPoint } from "../../../src/psf/source";
import { Rng } from "../../../src/util/rng";
import { bestFocus, geometricPsf, loadLens, fieldToObject, paraxial, refocus, spotDiagram, withSensorAt } from "../../../src/optics/lens";
import { refocusForField } from "../../../src/psf/families/lens";

const cfg = path.resolve("configs/psf/lens.yml");
const point = (xc: number, yc: number, channel: number, wavelengthNm: number): FieldPoint => ({
  ix: 0, iy: 0, xImg: xc + 128, yImg: yc + 128, xc, yc, fieldRadiusPx: 181, channel, wavelengthNm,
});
const ctx = (kernelSize: number, wavelengthsNm: number[], pixelPitchUm?: number) => ({
  sensor: { heightPx: 256, widthPx: 256, pixelPitchUm }, kernelSize, wavelengthsNm, compat: "none" as const, configFile: cfg, keyPath: "psf",
});

describe("psf families: lens and metasurface", () => {
  it("lens: maps the field like DeepLens and returns the tracer's kernel with [xc, yc, x_norm, y_norm]", async () => {
    const section = validate(families.get("lens").schema, { type: "lens", lens_file: "../lenses/cooke-triplet-f50.zmx", depth_mm: -10000, sensor_size_mm: [10, 10], rays: 4096 }, cfg).value;
    const src = await families.get("lens").create(section, ctx(16, [656.3, 587.6, 486.1]));
    const s = src.psfAt(point(64, -32, 1, 587.6), new Rng(0));
    assert.deepEqual(s.metadata, [64, -32, 0.5, 0.25]);
    const lens = loadLens("configs/lenses/cooke-triplet-f50.zmx");
    const efl = paraxial(lens, 0.5875618).eflMm;
    const obj = fieldToObject({ ...lens, sensorSizeMm: [10, 10] }, efl, 0.5, 0.25, -10000);
    const ref = geometricPsf({ ...lens, sensorSizeMm: [10, 10] }, obj, 0.5876, { kernelSize: 16, pixelPitchMm: 10 / 256, sampling: { kind: "spiral", count: 4096 } });
    let d = 0;
    for (let i = 0; i < 256; i++) d = Math.max(d, Math.abs(s.kernel[i]! - ref.kernel[i]!));
    assert.ok(d < 1e-6);
    assert.ok(Math.abs(s.kernel.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  });

  it("lens: refocus best puts the sensor where the mean-square spot over the sensor is smallest", async () => {
    const lens = loadLens("configs/lenses/cooke-triplet-f50.zmx");
    const wl = 0.5876;
    const atDepth = refocus(lens, -10000, wl);
    const best = refocusForField(lens, [10, 10], -10000, wl);
    // The closed-form plane against a scan of spotDiagram over +-0.2 mm around it.
    const efl = paraxial(lens, 0.5875618).eflMm;
    const sized = { ...lens, sensorSizeMm: [10, 10] as [number, number] };
    const objects = [-1, -0.5, 0, 0.5, 1].flatMap((yn) => [-1, -0.5, 0, 0.5, 1].map((xn) => fieldToObject(sized, efl, xn, yn, -10000)));
    const ms = (z: number) => objects.reduce((a, o) => a + spotDiagram(withSensorAt(lens, z), o, wl, { kind: "spiral", count: 1024 }).rmsRadiusMm ** 2, 0) / objects.length;
    for (const dz of [-0.2, -0.05, 0.05, 0.2]) assert.ok(ms(best.sensorZMm + dz) > ms(best.sensorZMm), `spot smaller ${dz} mm away`);
    assert.ok(ms(best.sensorZMm) < ms(atDepth.sensorZMm), "better over the field than the paraxial image of the object");
    assert.equal(best.sensorZMm, bestFocus(lens, wl, { objects, sampling: { kind: "spiral", count: 1024 } }).sensorZMm);
    // Through the family: the config key selects it.
    const section = validate(families.get("lens").schema, { type: "lens", lens_file: "../lenses/cooke-triplet-f50.zmx", refocus: "best", sensor_size_mm: [10, 10], rays: 1024 }, cfg).value;
    const src = (await families.get("lens").create(section, ctx(16, [656.3, 587.6, 486.1]))) as unknown as { lens: { sensorZMm: number } };
    assert.equal(src.lens.sensorZMm, best.sensorZMm);
    process.stderr.write(`      cooke triplet, object at 10 m: RMS spot over the sensor ${(Math.sqrt(ms(atDepth.sensorZMm)) * 1e3).toFixed(1)} um at the paraxial image, ${(Math.sqrt(ms(best.sensorZMm)) * 1e3).toFixed(1)} um at best focus (${(best.sensorZMm - atDepth.sensorZMm).toFixed(3)} mm)\n`);
  });

  it("lens: bad sections fail with the config file and key", async () => {
    const section = validate(families.get("lens").schema, { type: "lens", lens_file: "../lenses/missing.zmx" }, cfg).value;
    await assert.rejects(async () => families.get("lens").create(section, ctx(16, [550])), /lens\.yml: key 'psf\.lens_file': expected a readable DeepLens \.json or Zemax \.zmx lens file/);
    assert.throws(() => validate(families.get("lens").schema, { type: "lens", lens_file: "x.zmx", method: "magic" }, cfg), /psf|method/);
  });

  it("metasurface: on-axis kernel sums to 1 and is sharpest at the design wavelength", async () => {
    const section = validate(
      families.get("metasurface").schema,
      { type: "metasurface", focal_length_mm: 0.5, aperture_radius_mm: 0.06, grid_samples: 256, dx_um: 0.5, design_wavelength_nm: 532, pixel_pitch_um: 1 },
      cfg,
    ).value;
    const src = await families.get("metasurface").create(section, ctx(32, [650, 532, 450]));
    const peaks = [650, 532, 450].map((w, c) => {
      const s = src.psfAt(point(0, 0, c, w), new Rng(0));
      assert.ok(Math.abs(s.kernel.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      return s.kernel[16 * 32 + 16]!;
    });
    assert.ok(peaks[1]! > peaks[0]! && peaks[1]! > peaks[2]!, `peaks ${peaks}`);
  });
});
