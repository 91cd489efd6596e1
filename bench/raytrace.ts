/**
 * Ray-tracing throughput through the double Gauss (configs/lenses/double-gauss-28deg.zmx, 11
 * surfaces + sensor): rays launched over the entrance pupil at a 10 deg field, traced by
 * src/optics/lens (one thread, and split over 2 worker threads = the machine's 2 cores), and by a
 * NumPy implementation of the same trace (bench/raytrace_ref.py, /usr/bin/python3) on the same rays
 * in the same run. Prints rays/s and ray-surfaces/s for each, the ratios, and the largest
 * difference between the two traces' sensor hits.
 *
 *   npx tsx bench/raytrace.ts [rays=1000000]
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { RayBundle, launchRays, loadLens, paraxial, samplePupil, traceRays, materialBefore } from "../src/optics/lens";

const LENS = path.resolve(__dirname, "../configs/lenses/double-gauss-28deg.zmx");
const WL = 0.5875618;
const FIELD = (10 * Math.PI) / 180;

function makeRays(count: number, start: number, total: number): RayBundle {
  const lens = loadLens(LENS);
  const p = paraxial(lens, WL);
  const all = samplePupil({ kind: "spiral", count: total });
  const px = all.px.subarray(start, start + count), py = all.py.subarray(start, start + count);
  return launchRays(lens, p, { kind: "infinite", fieldXRad: 0, fieldYRad: FIELD }, { px, py });
}

if (!isMainThread) {
  const { start, count, total } = workerData as { start: number; count: number; total: number };
  const lens = loadLens(LENS);
  const base = makeRays(count, start, total);
  parentPort!.on("message", (msg: string) => {
    if (msg === "stop") return process.exit(0);
    const rays = base.clone();
    const t0 = performance.now();
    traceRays(lens, rays, WL);
    const ms = performance.now() - t0;
    parentPort!.postMessage({ ms, valid: rays.validCount() });
  });
  parentPort!.postMessage({ ready: true });
} else {
  main();
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  const lens = loadLens(LENS);
  const nSurf = lens.surfaces.length + 1; // + sensor plane
  const base = makeRays(total, 0, total);
  // One thread (best of 3).
  let best1 = Infinity;
  let traced = base.clone();
  for (let r = 0; r < 3; r++) {
    const rays = base.clone();
    const t0 = performance.now();
    traceRays(lens, rays, WL);
    best1 = Math.min(best1, performance.now() - t0);
    traced = rays;
  }
  // Two worker threads, each tracing half (best of 3, timed from dispatch to the last reply).
  const halves = [0, 1].map((i) => ({ start: i ? Math.floor(total / 2) : 0, count: i ? total - Math.floor(total / 2) : Math.floor(total / 2), total }));
  const workers = halves.map((wd) => new Worker(__filename, { workerData: wd, execArgv: ["--require", "tsx/cjs"] }));
  await Promise.all(workers.map((w) => new Promise((res) => w.once("message", res))));
  let best2 = Infinity;
  let valid2 = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const replies = await Promise.all(
      workers.map((w) => new Promise<{ ms: number; valid: number }>((res) => { w.once("message", res); w.postMessage("go"); })),
    );
    best2 = Math.min(best2, performance.now() - t0);
    valid2 = replies.reduce((a, b) => a + b.valid, 0);
  }
  workers.forEach((w) => w.postMessage("stop"));
  // NumPy on the same rays.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "svd-raytrace-"));
  const packed = new Float64Array(6 * total);
  [base.x, base.y, base.z, base.dx, base.dy, base.dz].forEach((a, i) => packed.set(a, i * total));
  fs.writeFileSync(path.join(dir, "rays.f64"), Buffer.from(packed.buffer));
  const surfaces = lens.surfaces.map((s, i) => {
    if (s.asphere.length || s.kind === "paraxial") throw new Error("the NumPy reference handles conic surfaces only");
    return { z: s.zMm, c: s.curvature, k: s.conic, semi: s.semiDiameterMm, aperture: s.kind === "aperture", n1: materialBefore(lens, i).index(WL), n2: s.materialAfter.index(WL) };
  });
  fs.writeFileSync(path.join(dir, "lens.json"), JSON.stringify({ surfaces, sensor_z: lens.sensorZMm, reps: 3 }));
  const ref = JSON.parse(execFileSync("/usr/bin/python3", [path.resolve(__dirname, "raytrace_ref.py"), dir], { encoding: "utf8" })) as {
    seconds: number; valid: number; idx: number[]; x: number[]; y: number[];
  };
  fs.rmSync(dir, { recursive: true, force: true });
  let maxDiff = 0;
  ref.idx.forEach((j, i) => {
    maxDiff = Math.max(maxDiff, Math.abs(traced.x[j]! - ref.x[i]!), Math.abs(traced.y[j]! - ref.y[i]!));
  });
  const rate = (ms: number) => total / (ms / 1000);
  const fmt = (v: number) => (v / 1e6).toFixed(2) + " M";
  console.log(`double Gauss, ${lens.surfaces.length} surfaces + sensor, ${total} rays at 10 deg, ${os.cpus().length} cores`);
  console.log(`  TS 1 thread : ${best1.toFixed(1)} ms  ${fmt(rate(best1))}rays/s  ${fmt(rate(best1) * nSurf)}ray-surfaces/s  (valid ${traced.validCount()})`);
  console.log(`  TS 2 workers: ${best2.toFixed(1)} ms  ${fmt(rate(best2))}rays/s  ${fmt(rate(best2) * nSurf)}ray-surfaces/s  (valid ${valid2})`);
  console.log(`  NumPy       : ${(ref.seconds * 1000).toFixed(1)} ms  ${fmt(total / ref.seconds)}rays/s  ${fmt((total / ref.seconds) * nSurf)}ray-surfaces/s  (valid ${ref.valid})`);
  console.log(`  ratio TS(1 thread)/NumPy = ${(rate(best1) / (total / ref.seconds)).toFixed(2)}x,  TS(2 workers)/NumPy = ${(rate(best2) / (total / ref.seconds)).toFixed(2)}x faster`);
  console.log(`  max |hit difference| TS vs NumPy over 1000 rays: ${maxDiff.toExponential(2)} mm`);
}
