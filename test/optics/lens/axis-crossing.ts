/** Test helper: where a meridional ray parallel to the axis at height h crosses the axis after the lens (mm). */
import { strict as assert } from "assert";
import { RayBundle, traceRays, type LensSystem } from "../../../src/optics/lens";

export function axisCrossing(lens: LensSystem, h: number, wavelengthUm: number): number {
  const rays = new RayBundle(1);
  rays.y[0] = h;
  rays.z[0] = -1;
  rays.dz[0] = 1;
  traceRays(lens, rays, wavelengthUm, { toSensor: false });
  assert.ok(rays.valid[0], `ray at h=${h} lost`);
  return rays.z[0]! - rays.y[0]! * (rays.dz[0]! / rays.dy[0]!);
}
