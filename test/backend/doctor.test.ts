// `svd doctor` tells the truth about backends and threads: the thread count it reports for the
// backend in use equals the number of OS threads that really compute (counted from
// /proc/self/task while matrix products run), and WebGPU adapters are classified and chosen as
// documented (software adapters only when forced).
import { strict as assert } from "node:assert";
import { formatDoctor, initBackend, measureBackendThreads, requestedBackend, runDoctor, webgpuVerdict } from "../../src/backend";
import { nativeStatus } from "../../src/backend/native/addon";
import { describeAdapter } from "../../src/backend/webgpu";

const llvmpipe = describeAdapter({
  info: { vendor: "mesa", architecture: "software", device: "llvmpipe-llvm-15-0-6-256-bits-", description: "llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1" },
});
const nvidia = describeAdapter({ info: { vendor: "nvidia", architecture: "hopper", device: "", description: "NVIDIA H200" } });

describe("svd doctor", function () {
  this.timeout(120_000);
  after(async () => {
    await initBackend("wasm"); // the suite's default backend for the files that follow
  });

  it("reports wasm as 1 thread in Node (the native oneDNN threads where those kernels are in use), and that is what a matMul really keeps busy", async () => {
    await initBackend("wasm");
    const r = await runDoctor();
    assert.equal(r.backend.active, "wasm");
    assert.equal(r.backend.chosen, "wasm");
    const native = nativeStatus();
    const expected = native.installed ? Math.max(1, native.threads) : 1;
    assert.equal(r.backend.threads.count, expected, r.backend.threads.basis);
    assert.equal(r.native.ok, native.installed);
    assert.ok(r.measured, "/proc/self/task is readable on Linux");
    assert.equal(r.measured!.busyThreads, r.backend.threads.count, `threads busy: CPU ms per thread ${r.measured!.threadCpuMs}`);
    const text = formatDoctor(r);
    const threads = expected === 1 ? "1 thread" : `${expected} threads`;
    assert.match(text, new RegExp(`^tfjs backend: wasm \\(tfjs [\\d.]+, ${threads}: `, "m"));
    assert.match(text, new RegExp(`measured: ${threads} busy during \\d+ x matMul 512x512 on wasm`));
    assert.equal(r.backend.candidates.filter((c) => c.reason.startsWith("in use")).map((c) => c.name).join(), "wasm");
    assert.match(text, /^webgpu adapter: /m);
    assert.match(text, /^native kernels: /m);
  });

  it("reports the tfjs cpu backend as 1 thread, and so it measures", async () => {
    const { tf, info } = await initBackend("cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.equal(info.threads.count, 1);
    const m = await measureBackendThreads(tf, 128);
    assert.equal(m!.busyThreads, 1, `CPU ms per thread ${m!.threadCpuMs}`);
  });

  it("classifies llvmpipe as a software adapter and a GPU as hardware", () => {
    assert.equal(llvmpipe.software, true);
    assert.equal(nvidia.software, false);
    assert.equal(describeAdapter({ isFallbackAdapter: true, info: { vendor: "google", device: "", architecture: "", description: "" } }).software, true);
  });

  it("picks WebGPU automatically only on a hardware adapter; forcing takes a software one", () => {
    assert.deepEqual(webgpuVerdict("auto", { ok: true, adapter: nvidia }), { use: true, reason: "in use" });
    const auto = webgpuVerdict("auto", { ok: true, adapter: llvmpipe });
    assert.equal(auto.use, false);
    assert.match(auto.reason, /software adapter 'llvmpipe: Mesa 25.0.7.*SVD_BACKEND=webgpu forces it/);
    assert.equal(webgpuVerdict("webgpu", { ok: true, adapter: llvmpipe }).use, true);
    assert.deepEqual(webgpuVerdict("webgpu", { ok: false, reason: "no WebGPU adapter: x" }), { use: false, reason: "no WebGPU adapter: x" });
  });

  it("rejects an unknown SVD_BACKEND naming the variable, the choices and the value", () => {
    const saved = process.env.SVD_BACKEND;
    process.env.SVD_BACKEND = "cuda";
    try {
      assert.throws(() => requestedBackend(), /SVD_BACKEND: expected one of auto, tensorflow-gpu, tensorflow, webgpu, wasm, cpu; found 'cuda'/);
    } finally {
      if (saved === undefined) delete process.env.SVD_BACKEND;
      else process.env.SVD_BACKEND = saved;
    }
  });
});
