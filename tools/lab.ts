/**
 * `npm run lab`: make what JupyterLab needs (idempotent), then serve it on 127.0.0.1 with a token.
 *
 *   npm run lab [-- --port 8888] [--no-build] [--prod]
 *
 * Steps, each skipped when already done: the project's node_modules (tslab), dist/ (the library the
 * notebooks import), the repo-local tslab kernel spec, environment/lab/node_modules (npm ci), the
 * webpack bundle (rebuilt when its sources are newer). Then environment/lab/server.py runs under
 * Debian's /usr/bin/python3 in its own process group; Ctrl-C stops it and the kernels it started.
 * The browser test uses `prepareLab` and `startLab` from here.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..");
export const LAB_DIR = path.join(REPO, "environment", "lab");
export const LAB_BUNDLE = path.join(LAB_DIR, "build", "bundle.js");
export const JUPYTER_LOCAL = path.join(REPO, ".jupyter-local");
/** Debian's Python: the one with jupyter_server and jupyterlab_server (not pyenv's python3 on PATH). */
export const SYSTEM_PYTHON = process.env.SVD_LAB_PYTHON ?? "/usr/bin/python3";

type Log = (line: string) => void;

function run(cmd: string, args: string[], cwd: string, log: Log): void {
  log(`$ (cd ${path.relative(REPO, cwd) || "."} && ${cmd} ${args.join(" ")})`);
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit", env: process.env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`lab: \`${cmd} ${args.join(" ")}\` in ${cwd} exited with ${r.status}`);
}

/** Newest modification time (ms) under the given files/folders, skipping node_modules. */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string): void => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== "node_modules") visit(path.join(p, e));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

function mtime(p: string): number {
  return fs.statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

export function checkSystemParts(): void {
  const r = spawnSync(SYSTEM_PYTHON, ["-c", "import jupyter_server, jupyterlab_server, jupyter_client"], {
    encoding: "utf8",
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `lab: ${SYSTEM_PYTHON} cannot import jupyter_server/jupyterlab_server/jupyter_client ` +
        `(${(r.error?.message ?? r.stderr).trim()}). Run \`bash environment/setup.sh\` (as root or with sudo).`,
    );
  }
}

/** True when the webpack bundle is missing or older than anything it is built from. */
export function labBundleIsStale(): boolean {
  const built = mtime(LAB_BUNDLE);
  if (built === 0) return true;
  const inputs = newestMtime([
    path.join(LAB_DIR, "src"),
    path.join(LAB_DIR, "webpack.config.js"),
    path.join(LAB_DIR, "package-lock.json"),
  ]);
  return inputs > built;
}

export interface PrepareOptions {
  log?: Log;
  /** Build the library (dist/) when missing. The test suite builds it itself. */
  buildLibrary?: boolean;
  production?: boolean;
}

/** Install/build whatever is missing for the lab; returns seconds spent per step. */
export function prepareLab(opts: PrepareOptions = {}): Record<string, number> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const times: Record<string, number> = {};
  const step = (name: string, f: () => void): void => {
    const t0 = Date.now();
    f();
    times[name] = (Date.now() - t0) / 1000;
  };
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!fs.existsSync(path.join(REPO, "node_modules", "tslab", "package.json"))) {
    step("npm install", () => run(npm, ["install", "--no-audit", "--no-fund"], REPO, log));
  }
  if (opts.buildLibrary !== false) {
    const libStale = newestMtime([path.join(REPO, "src")]) > mtime(path.join(REPO, "dist", "index.js"));
    if (libStale) step("library build", () => run(npm, ["run", "build"], REPO, log));
  }
  step("kernel spec", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { installKernel } = require(path.join(REPO, "kernels", "install.js"));
    installKernel({ quiet: true });
  });
  const labLock = path.join(LAB_DIR, "package-lock.json");
  const installedLock = path.join(LAB_DIR, "node_modules", ".package-lock.json");
  if (mtime(installedLock) === 0 || mtime(labLock) > mtime(installedLock)) {
    step("lab npm ci", () => run(npm, ["ci", "--no-audit", "--no-fund"], LAB_DIR, log));
  }
  if (labBundleIsStale()) {
    const mode = opts.production ? "production" : "development";
    step(`lab webpack (${mode})`, () =>
      run(process.execPath, [path.join(LAB_DIR, "node_modules", "webpack-cli", "bin", "cli.js"), "--mode", mode], LAB_DIR, log),
    );
  }
  return times;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface LabServer {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  token: string;
  port: number;
  /** The lab opened in notebooks/, with the token: what a person pastes into a browser. */
  url: string;
  process: ChildProcess;
  /** Server log so far (stdout + stderr). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  token?: string;
  /** Folder the lab may browse (default: the repository); the file browser starts in notebooks/. */
  rootDir?: string;
  /** Echo server output to this process's stderr. */
  echo?: boolean;
  timeoutMs?: number;
}

export async function startLab(opts: StartOptions = {}): Promise<LabServer> {
  checkSystemParts();
  if (!fs.existsSync(LAB_BUNDLE)) throw new Error(`lab: ${LAB_BUNDLE} is missing: run prepareLab() / npm run lab`);
  const port = opts.port ?? (await freePort());
  const token = opts.token ?? randomBytes(24).toString("hex");
  const rootDir = opts.rootDir ?? REPO;
  const preferred = path.join(rootDir, "notebooks");
  const runtimeDir = path.join(JUPYTER_LOCAL, "runtime");
  fs.mkdirSync(runtimeDir, { recursive: true });
  const args = [
    path.join(LAB_DIR, "server.py"),
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    `--ServerApp.token=${token}`,
    "--ServerApp.open_browser=False",
    `--ServerApp.root_dir=${rootDir}`,
    ...(fs.existsSync(preferred) ? [`--ServerApp.preferred_dir=${preferred}`] : []),
    // jupyter-server refuses to run as root without this; CI machines run as root.
    ...(process.getuid?.() === 0 ? ["--ServerApp.allow_root=True"] : []),
  ];
  const env = {
    ...process.env,
    // Our kernel spec (tslab) and nothing from the user's own Jupyter config.
    JUPYTER_PATH: JUPYTER_LOCAL,
    JUPYTER_CONFIG_DIR: path.join(JUPYTER_LOCAL, "config"),
    JUPYTER_RUNTIME_DIR: runtimeDir,
  };
  const child = spawn(SYSTEM_PYTHON, args, { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let logText = "";
  const onData = (b: Buffer): void => {
    const s = b.toString();
    logText += s;
    if (opts.echo) process.stderr.write(s);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.on("exit", () => ((exited = true), resolve())));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`lab: server exited during start-up:\n${logText}`);
    try {
      const r = await fetch(`${baseUrl}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`lab: server did not answer on ${baseUrl} in time:\n${logText}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const stop = async (): Promise<void> => {
    if (exited) return;
    // SIGTERM lets jupyter-server shut its kernels down; SIGKILL the group if it hangs.
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
    await exitPromise;
    clearTimeout(timer);
  };
  return { baseUrl, token, port, url: `${baseUrl}/lab?token=${token}`, process: child, log: () => logText, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function main(argv: string[]): Promise<void> {
  const portArg = argv.indexOf("--port");
  const port = portArg >= 0 ? Number(argv[portArg + 1]) : 8888;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`lab: --port expects an integer in [0, 65535], found ${argv[portArg + 1]}`);
  }
  if (!argv.includes("--no-build")) {
    const times = prepareLab({ production: argv.includes("--prod") });
    for (const [k, s] of Object.entries(times)) console.log(`lab: ${k}: ${s.toFixed(1)} s`);
  }
  const lab = await startLab({ port: port === 0 ? undefined : port, echo: argv.includes("--verbose") });
  console.log(`\nJupyterLab (svd) is running. Open:\n\n    ${lab.url}\n\nPress Ctrl-C to stop it.`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    console.log("\nlab: stopping the server and its kernels...");
    lab.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  lab.process.on("exit", (code) => {
    if (!stopping) {
      console.error(`lab: server exited with ${code}\n${lab.log().slice(-4000)}`);
      process.exit(1);
    }
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
