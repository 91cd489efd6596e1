/**
 * bestFocus against analytic results: for pure third-order spherical aberration (transverse ray
 * error proportional to rho^3 over a uniformly filled pupil) the smallest RMS spot lies 2/3 of the
 * way from the paraxial to the marginal focus (minimise the integral of (4 a rho^3 + 2 b rho)^2 rho
 * over b: b = -4a/3, while the marginal focus is b = -2a); a perfect lens focuses at f with a zero
 * spot; and the closed form agrees with spotDiagram measured at the planes around it.
 */
import { strict as assert } from "assert";
import { bestFocus, buildLens, paraxial, spotDiagram, withSensorAt } from "../../../src/optics/lens";
import { axisCrossing } from "./axis-crossing";

const D = 0.5875618;

describe("optics/lens: best focus", () => {
  // Plano-convex N-BK7, curved side first, stopped to a 2 mm semi-aperture (about F/12): third-order
  // spherical aberration dominates (fifth order is (h/f)^2 ~ 1e-3 of it).
  const lens = buildLens({
    rows: [
      { radiusMm: 25.8, thicknessMm: 5.3, material: "N-BK7", stop: true, semiDiameterMm: 2 },
      { radiusMm: Infinity, thicknessMm: 46.7, semiDiameterMm: 12.7 },
    ],
    sensor: "paraxial-focus",
    wavelengthUm: D,
  });

  it("lies 2/3 of the way from the paraxial to the marginal focus for a singlet's spherical aberration", () => {
    const par = paraxial(lens, D);
    const zPar = axisCrossing(lens, 1e-4, D);
    const zMarg = axisCrossing(lens, par.entrancePupilRadiusMm, D);
    assert.ok(zMarg < zPar - 0.05, `marginal focus ${zMarg} in front of the paraxial ${zPar}`);
    const best = bestFocus(lens, D, { sampling: { kind: "spiral", count: 20000 } });
    const frac = (best.sensorZMm - zPar) / (zMarg - zPar);
    process.stderr.write(`      best focus at ${frac.toFixed(4)} of the way (2/3 = 0.6667)\n`);
    assert.ok(Math.abs(frac - 2 / 3) < 0.003, `best focus at ${frac.toFixed(4)} of paraxial -> marginal, expected 2/3`);
    assert.ok(best.rmsRadiusMm < 0.5 * best.rmsRadiusAtCurrentMm, `spot ${best.rmsRadiusMm} mm at best focus vs ${best.rmsRadiusAtCurrentMm} at paraxial`);
  });

  it("is the minimum of spotDiagram's RMS radius over the sensor position, and its value", () => {
    const sampling = { kind: "spiral" as const, count: 2048 };
    const objects = [
      { kind: "infinite" as const, fieldXRad: 0, fieldYRad: 0 },
      { kind: "infinite" as const, fieldXRad: 0, fieldYRad: 0.05 },
    ];
    const best = bestFocus(lens, D, { objects, sampling });
    const meanSquare = (z: number) => objects.reduce((s, o) => s + spotDiagram(withSensorAt(lens, z), o, D, sampling).rmsRadiusMm ** 2, 0) / objects.length;
    assert.ok(Math.abs(Math.sqrt(meanSquare(best.sensorZMm)) - best.rmsRadiusMm) < 1e-9 * best.rmsRadiusMm);
    assert.ok(Math.abs(Math.sqrt(meanSquare(lens.sensorZMm)) - best.rmsRadiusAtCurrentMm) < 1e-9 * best.rmsRadiusAtCurrentMm);
    for (const dz of [-0.02, 0.02]) assert.ok(meanSquare(best.sensorZMm + dz) > meanSquare(best.sensorZMm));
    assert.equal(best.lens.sensorZMm, best.sensorZMm);
  });

  it("puts a perfect lens's sensor at f with a zero spot, and refuses no objects", () => {
    const f = 50;
    const ideal = buildLens({ rows: [{ paraxialFocalLengthMm: f, thicknessMm: f + 3, semiDiameterMm: 5, stop: true }] });
    const best = bestFocus(ideal, D, { objects: [{ kind: "infinite", fieldXRad: 0, fieldYRad: 0.1 }] });
    assert.ok(Math.abs(best.sensorZMm - f) < 1e-9, `sensor at ${best.sensorZMm}`);
    assert.ok(best.rmsRadiusMm < 1e-9);
    assert.throws(() => bestFocus(ideal, D, { objects: [] }), /argument 'objects'/);
  });
});
