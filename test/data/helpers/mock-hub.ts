/**
 * TEST DOUBLE: a minimal Hugging Face Hub on 127.0.0.1 for the upload and download flows of
 * @huggingface/hub (this network cannot reach the real Hub). It checks the bearer token on every
 * call, answers repo creation, preupload (binary files go through the LFS batch API with a "basic"
 * PUT upload whose sha256 it verifies), the NDJSON commit, the tree listing and file resolution.
 */
import * as crypto from "node:crypto";
import * as http from "node:http";

export interface MockHub {
  url: string;
  token: string;
  /** repo id → path → bytes, as committed */
  repos: Map<string, Map<string, Buffer>>;
  created: Array<{ name: string; type: string; private: boolean }>;
  requests: string[];
  errors: string[];
  close(): Promise<void>;
}

export async function startMockHub(token = "hf_test_token"): Promise<MockHub> {
  const lfs = new Map<string, Buffer>();
  const state: MockHub = { url: "", token, repos: new Map(), created: [], requests: [], errors: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", state.url);
      state.requests.push(`${req.method} ${url.pathname}`);
      const send = (code: number, obj: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(code, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(obj));
      };
      const isLfsPut = req.method === "PUT" && url.pathname.startsWith("/lfs-upload/");
      if (!isLfsPut && req.headers.authorization !== `Bearer ${token}` && !(req.method === "GET")) {
        state.errors.push(`bad auth on ${req.method} ${url.pathname}: ${req.headers.authorization}`);
        return send(401, { error: "Invalid credentials" });
      }
      let m: RegExpExecArray | null;
      if (req.method === "POST" && url.pathname === "/api/repos/create") {
        const j = JSON.parse(body.toString());
        const name = j.organization ? `${j.organization}/${j.name}` : j.name;
        state.created.push({ name, type: j.type, private: j.private === true || j.visibility === "private" });
        if (!state.repos.has(name)) state.repos.set(name, new Map());
        return send(200, { url: `${state.url}/datasets/${name}` });
      }
      if (req.method === "POST" && (m = /^\/api\/datasets\/(.+)\/preupload\/main$/.exec(url.pathname))) {
        const j = JSON.parse(body.toString()) as { files: Array<{ path: string; size: number }> };
        return send(200, { files: j.files.map((f) => ({ path: f.path, uploadMode: /\.(parquet|h5)$/.test(f.path) ? "lfs" : "regular" })) });
      }
      if (req.method === "POST" && (m = /^\/datasets\/(.+)\.git\/info\/lfs\/objects\/batch$/.exec(url.pathname))) {
        const j = JSON.parse(body.toString()) as { objects: Array<{ oid: string; size: number }> };
        return send(200, { transfer: "basic", objects: j.objects.map((o) => ({ oid: o.oid, size: o.size, actions: { upload: { href: `${state.url}/lfs-upload/${o.oid}`, header: {} } } })) });
      }
      if (isLfsPut) {
        const oid = url.pathname.split("/").pop() as string;
        const sha = crypto.createHash("sha256").update(body).digest("hex");
        if (sha !== oid) state.errors.push(`LFS upload ${oid}: content sha256 ${sha}`);
        lfs.set(oid, body);
        res.writeHead(200);
        return res.end();
      }
      if (req.method === "POST" && (m = /^\/api\/datasets\/(.+)\/commit\/main$/.exec(url.pathname))) {
        const repo = state.repos.get(m[1] as string);
        if (!repo) return send(404, { error: "Repository not found" });
        for (const line of body.toString().split("\n").filter(Boolean)) {
          const { key, value } = JSON.parse(line);
          if (key === "file") repo.set(value.path, Buffer.from(value.content, "base64"));
          else if (key === "lfsFile") {
            const data = lfs.get(value.oid);
            if (!data) state.errors.push(`commit references LFS object ${value.oid} that was never uploaded`);
            else repo.set(value.path, data);
          }
        }
        return send(200, { commitOid: "0123456789abcdef0123456789abcdef01234567", commitUrl: `${state.url}/datasets/${m[1]}/commit/0123456` });
      }
      if (req.method === "GET" && (m = /^\/api\/datasets\/([^/]+\/[^/]+)\/tree\/main(\/.*)?$/.exec(url.pathname))) {
        const repo = state.repos.get(m[1] as string);
        if (!repo) return send(404, { error: "Repository not found" });
        return send(200, [...repo.entries()].map(([p, b]) => ({ type: "file", path: p, size: b.length, oid: crypto.createHash("sha1").update(b).digest("hex") })));
      }
      if ((req.method === "GET" || req.method === "HEAD") && (m = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname))) {
        const data = state.repos.get(m[1] as string)?.get(decodeURIComponent(m[2] as string));
        if (!data) return send(404, { error: "Entry not found" }, { "X-Error-Code": "EntryNotFound" });
        const etag = `"${crypto.createHash("sha256").update(data).digest("hex")}"`;
        const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ""));
        if (range) {
          const [a, b] = [Number(range[1]), Math.min(Number(range[2]), data.length - 1)];
          res.writeHead(206, { "Content-Type": "application/octet-stream", ETag: etag, "Content-Range": `bytes ${a}-${b}/${data.length}`, "Content-Length": String(b - a + 1) });
          return res.end(data.subarray(a, b + 1));
        }
        res.writeHead(200, { "Content-Type": "application/octet-stream", ETag: etag, "Content-Length": String(data.length) });
        return res.end(req.method === "HEAD" ? undefined : data);
      }
      state.errors.push(`unexpected request ${req.method} ${url.pathname}`);
      send(404, { error: "not found" });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  state.url = `http://127.0.0.1:${addr.port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  return state;
}
