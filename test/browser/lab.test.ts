/**
 * The lab as a person uses it: build the JupyterLab bundle if missing (dev build ~15 s), start the
 * server on 127.0.0.1 (free port, random token), open notebooks/00-tour.ipynb in headless Debian
 * Chromium (playwright-core with executablePath; no browser download), run all cells on the tslab
 * kernel, and check that Vega, Plotly and image outputs rendered. Screenshots go to
 * test-output/browser/; SVD_UPDATE_DOCS_SCREENSHOT=1 also refreshes docs/tour-notebook.png.
 */
/// <reference lib="dom" />
// (DOM types for the page.evaluate callbacks, which run in Chromium.)
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { prepareLab, REPO, startLab, type LabServer } from "../../tools/lab";

const CHROMIUM = process.env.SVD_CHROMIUM ?? "/usr/bin/chromium";
const OUT = path.join(REPO, "test-output", "browser");
const NOTEBOOK = "notebooks/00-tour.ipynb";

describe("JupyterLab in headless Chromium", function () {
  this.timeout(300_000);
  let lab: LabServer | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async function () {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found: run bash environment/setup.sh (Debian's chromium)`);
    const times = prepareLab({ buildLibrary: false, log: (l) => process.stderr.write(`      ${l}\n`) });
    for (const [k, s] of Object.entries(times)) process.stderr.write(`      lab ${k}: ${s.toFixed(1)} s\n`);
    // The lab browses a scratch root: a copy of the notebook (the lab may autosave it with outputs)
    // beside links to what its cells use (dist/, bin/, configs/, node_modules/).
    const root = path.join(OUT, "root");
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, "notebooks"), { recursive: true });
    for (const d of ["dist", "bin", "configs", "node_modules", "package.json"]) fs.symlinkSync(path.join(REPO, d), path.join(root, d));
    fs.copyFileSync(path.join(REPO, NOTEBOOK), path.join(root, NOTEBOOK));
    lab = await startLab({ rootDir: root });
    fs.mkdirSync(OUT, { recursive: true });
    const profile = fs.mkdtempSync(path.join(OUT, "profile-"));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
  });

  after(async function () {
    await ctx?.close();
    await lab?.stop();
  });

  it("serves the lab only with the token, on 127.0.0.1", async function () {
    const denied = await fetch(`${lab!.baseUrl}/api/contents/notebooks`);
    assert.equal(denied.status, 403);
    const ok = await fetch(`${lab!.baseUrl}/api/contents/notebooks`, { headers: { Authorization: `token ${lab!.token}` } });
    assert.equal(ok.status, 200);
    const listing = (await ok.json()) as { content: { name: string }[] };
    assert.ok(listing.content.some((c) => c.name === "00-tour.ipynb"));
    const specs = (await (await fetch(`${lab!.baseUrl}/api/kernelspecs`, { headers: { Authorization: `token ${lab!.token}` } })).json()) as { kernelspecs: Record<string, unknown> };
    assert.ok(specs.kernelspecs.tslab, "the repo-local tslab kernel spec is offered");
  });

  it("runs the tour notebook on tslab with Vega, Plotly and images rendered", async function () {
    const t0 = Date.now();
    await page.goto(`${lab!.baseUrl}/lab/tree/${NOTEBOOK}?token=${lab!.token}`);
    await page.waitForFunction(() => document.body.dataset.svdLabReady === "true" || !!document.body.dataset.svdLabError, null, { timeout: 90_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.svdLabError ?? ""), "");
    // Wait for the notebook widget and its kernel (tslab) to be idle.
    await page.waitForFunction(
      () => {
        const w = (window as any).svdLab?.shell?.currentWidget;
        return w?.context?.path === "notebooks/00-tour.ipynb" && w.sessionContext?.session?.kernel?.status === "idle";
      },
      null,
      { timeout: 90_000, polling: 500 },
    );
    const kernelName = await page.evaluate(() => (window as any).svdLab.shell.currentWidget.sessionContext.session.kernel.name);
    assert.equal(kernelName, "tslab");
    await page.evaluate(() => (window as any).svdLab.commands.execute("notebook:run-all-cells"));
    await page.waitForFunction(
      () => {
        const w = (window as any).svdLab.shell.currentWidget;
        const cells = w.content.widgets.filter((c: any) => c.model.type === "code");
        return cells.every((c: any) => c.model.executionCount !== null && c.promptNode?.textContent !== "[*]:") && w.sessionContext.session.kernel.status === "idle";
      },
      null,
      { timeout: 240_000, polling: 1000 },
    );
    // Figures render asynchronously after the outputs arrive.
    await page.waitForSelector(".jp-OutputArea-output .vega-embed svg, .jp-OutputArea-output .vega-embed canvas", { state: "attached", timeout: 60_000 });
    await page.waitForSelector(".svd-plotly-output .main-svg", { state: "attached", timeout: 60_000 });
    const counts = await page.evaluate(() => ({
      vega: document.querySelectorAll(".jp-OutputArea-output .vega-embed").length,
      plotly: document.querySelectorAll(".svd-plotly-output .main-svg").length,
      images: document.querySelectorAll(".jp-OutputArea-output img").length,
      tables: document.querySelectorAll(".jp-OutputArea-output table.svd-metrics").length,
      unexecuted: Array.from(document.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt")).filter((p) => !/\[\d+\]/.test(p.textContent ?? "")).length,
    }));
    process.stderr.write(`      tour in the browser: ${((Date.now() - t0) / 1000).toFixed(1)} s, outputs ${JSON.stringify(counts)}\n`);
    assert.equal(counts.unexecuted, 0, "every code cell ran (prompts show execution counts)");
    assert.ok(counts.vega >= 2, `Vega-Lite charts rendered: ${counts.vega}`);
    assert.ok(counts.plotly >= 1, `Plotly figures rendered: ${counts.plotly}`);
    assert.ok(counts.images >= 5, `PNG figures rendered: ${counts.images}`);
    assert.equal(counts.tables, 1);

    // Screenshots: the top of the notebook, and the figures around the Plotly surface.
    await page.screenshot({ path: path.join(OUT, "tour-top.png") });
    await page.evaluate(() => document.querySelector(".svd-plotly-output")?.scrollIntoView({ block: "center" }));
    await page.waitForTimeout(1000);
    const shot = path.join(OUT, "tour-figures.png");
    await page.screenshot({ path: shot });
    if (process.env.SVD_UPDATE_DOCS_SCREENSHOT === "1") fs.copyFileSync(shot, path.join(REPO, "docs", "tour-notebook.png"));
    const fatal = consoleErrors.filter((e) => /failed to activate|svd lab failed/i.test(e));
    assert.deepEqual(fatal, [], "no plugin failed to activate");
  });
});
