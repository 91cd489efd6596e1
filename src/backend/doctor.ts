/** `svd doctor`: what this installation can do and why. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initBackend, type BackendInfo } from "./select";

export interface DoctorReport {
  backend: BackendInfo;
  versions: Record<string, string | null>;
  cpu: { model: string; cores: number; memoryGiB: number };
  jupyter: Record<string, { ok: boolean; detail: string }>;
}

const repoRoot = path.resolve(__dirname, "../..");

function pkgVersion(name: string): string | null {
  const direct = path.join(repoRoot, "node_modules", name, "package.json");
  if (fs.existsSync(direct)) return (JSON.parse(fs.readFileSync(direct, "utf8")) as { version: string }).version;
  try {
    const p = require.resolve(`${name}/package.json`, { paths: [repoRoot] });
    return (JSON.parse(fs.readFileSync(p, "utf8")) as { version: string }).version;
  } catch {
    // Packages whose exports hide package.json: walk up from the resolved entry.
    try {
      let dir = path.dirname(require.resolve(name, { paths: [repoRoot] }));
      while (dir !== path.dirname(dir)) {
        const pj = path.join(dir, "package.json");
        if (fs.existsSync(pj)) {
          const j = JSON.parse(fs.readFileSync(pj, "utf8")) as { name?: string; version: string };
          if (j.name === name) return j.version;
        }
        dir = path.dirname(dir);
      }
    } catch {
      /* not installed */
    }
    return null;
  }
}

function check(cmd: string, args: string[]): { ok: boolean; detail: string } {
  try {
    const out = execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20000 });
    return { ok: true, detail: out.trim().split("\n")[0] ?? "" };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, detail: (e.stderr || e.message).trim().split("\n").pop() ?? "failed" };
  }
}

export async function runDoctor(): Promise<DoctorReport> {
  const { info } = await initBackend();
  const names = ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "h5wasm", "sharp", "fft.js", "vega", "vega-lite", "tslab", "playwright-core"];
  const versions: Record<string, string | null> = { node: process.versions.node };
  for (const n of names) versions[n] = pkgVersion(n);
  const kernelJson = path.join(repoRoot, ".jupyter-local", "kernels", "tslab", "kernel.json");
  const jupyter: DoctorReport["jupyter"] = {
    tslab: versions.tslab ? { ok: true, detail: `tslab ${versions.tslab}` } : { ok: false, detail: "tslab is not installed (npm install)" },
    kernelspec: fs.existsSync(kernelJson) ? { ok: true, detail: kernelJson } : { ok: false, detail: "not installed (npm run kernel:install)" },
    "jupyter-server": check("/usr/bin/python3", ["-c", "import jupyter_server, jupyterlab_server; print('jupyter_server', jupyter_server.__version__, 'jupyterlab_server', jupyterlab_server.__version__)"]),
    "lab-build": fs.existsSync(path.join(repoRoot, "environment", "lab", "build", "bundle.js"))
      ? { ok: true, detail: "environment/lab/build/bundle.js" }
      : { ok: false, detail: "not built (npm run lab builds it)" },
    chromium: fs.existsSync("/usr/bin/chromium") ? { ok: true, detail: "/usr/bin/chromium" } : { ok: false, detail: "not installed (environment/setup.sh)" },
  };
  return {
    backend: info,
    versions,
    cpu: { model: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    jupyter,
  };
}

export function formatDoctor(r: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`tfjs backend: ${r.backend.active} (tfjs ${r.backend.tfjsVersion}, ${r.backend.threads} thread(s))`);
  for (const c of r.backend.candidates) lines.push(`  ${c.name === r.backend.active || (c.name.startsWith("tensorflow") && r.backend.active === "tensorflow" && c.reason === "in use") ? "*" : " "} ${c.name.padEnd(15)} ${c.reason}`);
  lines.push(`cpu: ${r.cpu.model}, ${r.cpu.cores} cores, ${r.cpu.memoryGiB} GiB`);
  lines.push("versions:");
  for (const [k, v] of Object.entries(r.versions)) lines.push(`  ${k.padEnd(30)} ${v ?? "not installed"}`);
  lines.push("jupyter:");
  for (const [k, v] of Object.entries(r.jupyter)) lines.push(`  ${v.ok ? "ok " : "no "} ${k.padEnd(15)} ${v.detail}`);
  return lines.join("\n") + "\n";
}
