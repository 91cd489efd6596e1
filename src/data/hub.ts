/**
 * Hugging Face Hub: download a dataset repo into a local cache (for the readers) and push a
 * generated dataset folder (`svd dataset push`). Uses @huggingface/hub; the endpoint comes from
 * the `hubUrl` option, else HF_ENDPOINT, else the public Hub; the token from HF_TOKEN.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as hub from "@huggingface/hub";
import { InputFileError, SvdError } from "../util/errors";
import { writeFileAtomic } from "../util/atomic";
import { createProgress } from "../util/progress";
import { listFilesRecursive } from "./readers/files";

export interface HubOptions {
  hubUrl?: string;
  accessToken?: string;
  cacheDir?: string;
  revision?: string;
  /** The config key naming the dataset (e.g. `datasets.train.name`), for the offline hint. */
  configKey?: string;
}

export function hubEndpoint(opts: HubOptions = {}): string {
  return (opts.hubUrl ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
}

export function defaultCacheDir(): string {
  return process.env.SVD_HUB_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "svd", "hub");
}

/** Files worth downloading for reading a dataset: the card, parquet shards, metadata/. */
function wanted(p: string): boolean {
  return p === "README.md" || p.endsWith(".parquet") || p.startsWith("metadata/");
}

/**
 * Mirrors dataset repo `repo` (user/name) into `<cache>/datasets/<user>/<name>/<revision>/` and
 * returns that folder. Files already cached with the right size are not fetched again; each file is
 * written atomically, so an interrupted download resumes cleanly.
 */
export async function downloadHubDataset(repo: string, opts: HubOptions = {}): Promise<string> {
  const revision = opts.revision ?? "main";
  const root = path.join(opts.cacheDir ?? defaultCacheDir(), "datasets", ...repo.split("/"), revision);
  const accessToken = opts.accessToken ?? process.env.HF_TOKEN;
  const hubUrl = hubEndpoint(opts);
  const entries: Array<{ path: string; size: number }> = [];
  try {
    for await (const f of hub.listFiles({ repo: { type: "dataset", name: repo }, recursive: true, revision, hubUrl, accessToken }))
      if (f.type === "file" && wanted(f.path)) entries.push({ path: f.path, size: f.size });
  } catch (err) {
    // Offline (or the Hub is down): a complete earlier download is as good as the Hub's copy.
    if (listFilesRecursive(root).some((f) => f.endsWith(".parquet"))) {
      if (!process.env.SVD_QUIET) process.stderr.write(`svd: the Hub at ${hubUrl} is unreachable (${(err as Error).message}); reading dataset '${repo}' from the local cache ${root}\n`);
      return root;
    }
    const key = opts.configKey ?? "datasets.<phase>.name";
    throw new SvdError(
      `cannot reach the Hub at ${hubUrl} to read dataset '${repo}' (${(err as Error).message}) and it is not in the local cache ${root}: ` +
        `download it where the Hub is reachable (or copy that folder here), or point the config at a local dataset folder: --set ${key}=<folder>`,
    );
  }
  const progress = createProgress(`download ${repo}`, entries.length, "files");
  for (const e of entries) {
    const local = path.join(root, ...e.path.split("/"));
    if (!(fs.existsSync(local) && fs.statSync(local).size === e.size)) {
      const blob = await hub.downloadFile({ repo: { type: "dataset", name: repo }, path: e.path, revision, hubUrl, accessToken });
      if (!blob) throw new SvdError(`dataset '${repo}' on ${hubUrl}: file '${e.path}' not found`);
      writeFileAtomic(local, new Uint8Array(await blob.arrayBuffer()));
    }
    progress.tick();
  }
  progress.done();
  return root;
}

export interface PushOptions extends HubOptions {
  repo: string;
  private?: boolean;
  dryRun?: boolean;
  commitMessage?: string;
}

export interface PushPlan {
  repo: string;
  endpoint: string;
  files: Array<{ path: string; bytes: number }>;
  totalBytes: number;
}

/** What a push would upload: every file of the dataset folder except temp/dot files. */
export function planPush(dir: string, repo: string, opts: HubOptions = {}): PushPlan {
  if (!fs.existsSync(path.join(dir, "README.md"))) throw new InputFileError(dir, "not a generated dataset folder (no README.md dataset card)");
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new InputFileError(repo, "expected a repo id of the form user/name");
  const files = listFilesRecursive(dir).map((p) => ({ path: p, bytes: fs.statSync(path.join(dir, p)).size }));
  return { repo, endpoint: hubEndpoint(opts), files, totalBytes: files.reduce((a, f) => a + f.bytes, 0) };
}

/** Creates the dataset repo if needed and uploads the folder in one commit. */
export async function pushDataset(dir: string, opts: PushOptions): Promise<PushPlan & { commitUrl?: string }> {
  const plan = planPush(dir, opts.repo, opts);
  if (opts.dryRun) return plan;
  const accessToken = opts.accessToken ?? process.env.HF_TOKEN;
  if (!accessToken) throw new SvdError("no Hugging Face token: set HF_TOKEN (a write token) to push");
  const repo = { type: "dataset" as const, name: opts.repo };
  const hubUrl = plan.endpoint;
  try {
    await hub.createRepo({ repo, accessToken, hubUrl, private: opts.private ?? false });
  } catch (err) {
    // an existing repo is fine (409 Conflict); anything else is not
    if (!/already exists|409|conflict/i.test((err as Error).message)) throw new SvdError(`cannot create dataset repo '${opts.repo}' on ${hubUrl}: ${(err as Error).message}`);
  }
  const progress = createProgress(`push ${opts.repo}`, plan.files.length, "files");
  const result = await hub.uploadFiles({
    repo,
    accessToken,
    hubUrl,
    commitTitle: opts.commitMessage ?? "Upload dataset generated by svd",
    files: plan.files.map((f) => ({ path: f.path, content: new Blob([fs.readFileSync(path.join(dir, f.path))]) })),
  });
  progress.tick(plan.files.length);
  progress.done();
  return { ...plan, commitUrl: result?.commit?.url };
}
