/**
 * Driving the svd lab page from playwright (test/browser/lab.test.ts): open a notebook, Run All
 * while recording the kernel's replies, measure the rendered outputs, close it. The page exposes
 * the JupyterLab app as `window.svdLab` (environment/lab/src/index.js); the functions passed to
 * page.evaluate run in the browser and reach JupyterLab's widgets through it.
 */
/// <reference lib="dom" />
import type { Page } from "playwright-core";

/** Outputs of these types are figures: their output area must be at least MIN_FIGURE_HEIGHT_PX tall. */
export const FIGURE_MIME_TYPES = [
  "application/vnd.vegalite.v5+json",
  "application/vnd.vegalite.v4+json",
  "application/vnd.vega.v5+json",
  "application/vnd.plotly.v1+json",
  "image/png",
  "image/jpeg",
  "image/svg+xml",
];
export const MIN_FIGURE_HEIGHT_PX = 100;

export interface CellReply {
  /** Index among the notebook's cells (markdown included), as the lab numbers them. */
  cell: number;
  status: string;
}

export interface RunResult {
  codeCells: number;
  replies: CellReply[];
  /** Everything the kernel wrote to stderr during the run (tslab reports failed cells only there). */
  stderr: string;
}

/**
 * Loads the lab with one notebook open (path relative to the lab's root), in a workspace of its own
 * so that no tab of an earlier page comes back, and waits for its tslab kernel to be idle. A page
 * load per notebook keeps notebooks apart (each starts from a clean page and kernel).
 */
export async function openNotebook(page: Page, baseUrl: string, token: string, nbPath: string): Promise<void> {
  const workspace = `svd-test-${Date.now().toString(36)}`;
  await page.goto(`${baseUrl}/lab/workspaces/${workspace}/tree/${nbPath}?token=${token}`);
  await page.waitForFunction(() => document.body.dataset.svdLabReady === "true" || !!document.body.dataset.svdLabError, null, { timeout: 90_000 });
  const startError = await page.evaluate(() => document.body.dataset.svdLabError ?? "");
  if (startError) throw new Error(`${nbPath}: the lab failed to start: ${startError}`);
  await page.waitForFunction(
    (p) => {
      const w = (window as any).svdLab.shell.currentWidget;
      return w?.context?.path === p && w.sessionContext?.session?.kernel?.status === "idle";
    },
    nbPath,
    { timeout: 90_000, polling: 250 },
  );
  const kernel = await page.evaluate(() => (window as any).svdLab.shell.currentWidget.sessionContext.session.kernel.name);
  if (kernel !== "tslab") throw new Error(`${nbPath}: opened on kernel ${kernel}, expected tslab`);
}

/**
 * Run All on the current notebook; resolves when every code cell has its execute_reply (or one
 * failed: JupyterLab then skips the rest) and the kernel is idle again.
 */
export async function runAllCells(page: Page, nbPath: string, timeoutMs: number): Promise<RunResult> {
  await page.evaluate(() => {
    const w = (window as any).svdLab.shell.currentWidget;
    const kernel = w.sessionContext.session.kernel;
    const cellIndex = new Map<string, number>();
    w.content.widgets.forEach((c: any, i: number) => cellIndex.set(c.model.sharedModel.getId(), i));
    const requestCell = new Map<string, number>();
    const rec = { replies: [] as { cell: number; status: string }[], stderr: "", kernel, onMessage: null as any };
    rec.onMessage = (_: unknown, { msg, direction }: { msg: any; direction: string }) => {
      const type = msg.header.msg_type;
      if (direction === "send" && type === "execute_request") requestCell.set(msg.header.msg_id, cellIndex.get(msg.metadata?.cellId) ?? -1);
      if (direction !== "recv") return;
      if (type === "execute_reply") rec.replies.push({ cell: requestCell.get(msg.parent_header.msg_id) ?? -1, status: msg.content.status });
      if (type === "stream" && msg.content.name === "stderr") rec.stderr += msg.content.text;
    };
    kernel.anyMessage.connect(rec.onMessage);
    (window as any).__svdRun = rec;
    void (window as any).svdLab.commands.execute("notebook:run-all-cells");
  });
  try {
    await page.waitForFunction(
      () => {
        const w = (window as any).svdLab.shell.currentWidget;
        const rec = (window as any).__svdRun;
        const code = w.content.widgets.filter((c: any) => c.model.type === "code").length;
        const finished = rec.replies.length >= code || rec.replies.some((r: any) => r.status !== "ok");
        return finished && w.sessionContext.session.kernel.status === "idle";
      },
      null,
      { timeout: timeoutMs, polling: 500 },
    );
  } catch (e) {
    const partial = await page.evaluate(() => ({ replies: (window as any).__svdRun.replies.length, stderr: (window as any).__svdRun.stderr }));
    throw new Error(`${nbPath}: Run All did not finish in ${timeoutMs / 1000} s (${partial.replies} cells replied)\nstderr:\n${partial.stderr.slice(-3000)}\n${(e as Error).message}`);
  }
  return page.evaluate(() => {
    const w = (window as any).svdLab.shell.currentWidget;
    const rec = (window as any).__svdRun;
    rec.kernel.anyMessage.disconnect(rec.onMessage);
    delete (window as any).__svdRun;
    return { codeCells: w.content.widgets.filter((c: any) => c.model.type === "code").length, replies: rec.replies, stderr: rec.stderr };
  });
}

export interface FigureSize {
  cell: number;
  output: number;
  mime: string;
  height: number;
}

export interface OutputMeasurement {
  figures: FigureSize[];
  smallest: FigureSize | null;
  countByMime: Record<string, number>;
  /** Outputs whose renderer threw ("Javascript Error: ..." in place of the figure). */
  renderErrors: string[];
  /** cell index -> number of library progress displays (HTML with class svd-progress) it shows. */
  progressByCell: Record<string, number>;
  progressDisplays: number;
}

function measure(mimes: string[]): OutputMeasurement {
  const w = (window as any).svdLab.shell.currentWidget;
  const rendermime = w.content.rendermime;
  const figures: FigureSize[] = [];
  const renderErrors: string[] = [];
  const progressByCell: Record<string, number> = {};
  const countByMime: Record<string, number> = {};
  w.content.widgets.forEach((cell: any, ci: number) => {
    if (cell.model.type !== "code") return;
    const outputs = cell.model.outputs;
    for (let oi = 0; oi < outputs.length; oi++) {
      const model = outputs.get(oi);
      const html = model.data["text/html"];
      if (typeof html === "string" && html.includes("svd-progress")) progressByCell[ci] = (progressByCell[ci] ?? 0) + 1;
      const mime = rendermime.preferredMimeType(model.data, "any");
      const node: HTMLElement | null = cell.outputArea.widgets[oi]?.node.querySelector(".jp-OutputArea-output") ?? null;
      if (node?.getAttribute("data-mime-type") === "application/vnd.jupyter.stderr" && /Javascript Error/.test(node.textContent ?? "")) {
        renderErrors.push(`cell ${ci} output ${oi} (${mime}): ${node.textContent}`);
      }
      if (!mimes.includes(mime)) continue;
      countByMime[mime] = (countByMime[mime] ?? 0) + 1;
      figures.push({ cell: ci, output: oi, mime, height: node ? node.getBoundingClientRect().height : 0 });
    }
  });
  const smallest = figures.reduce<FigureSize | null>((a, f) => (a === null || f.height < a.height ? f : a), null);
  const progressDisplays = Object.values(progressByCell).reduce((a, n) => a + n, 0);
  return { figures, smallest, countByMime, renderErrors, progressByCell, progressDisplays };
}

/**
 * Sizes of the current notebook's figure outputs. Figures render asynchronously (Plotly loads its
 * chunk, images decode): waits up to `settleMs` for every figure to reach the minimum height.
 */
export async function measureOutputs(page: Page, settleMs = 20_000): Promise<OutputMeasurement> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const m = await page.evaluate(measure, FIGURE_MIME_TYPES);
    if (m.renderErrors.length || m.figures.every((f) => f.height >= MIN_FIGURE_HEIGHT_PX) || Date.now() > deadline) return m;
    await page.waitForTimeout(500);
  }
}

/**
 * Closes the current notebook as a person closing its tab and discarding changes would: shuts its
 * kernel down, then disposes the panel (no save prompt; the scratch copy is not kept).
 */
export async function closeNotebook(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const panel = (window as any).svdLab.shell.currentWidget;
    await panel?.sessionContext.shutdown();
    panel?.dispose();
  });
}

/**
 * Puts the cursor of the current notebook's cell `cellIndex` at the end of its source, in edit
 * mode with the editor focused, as a click into the cell would.
 */
export async function editAtEnd(page: Page, cellIndex: number): Promise<void> {
  await page.evaluate((i) => {
    const nb = (window as any).svdLab.shell.currentWidget.content;
    nb.activeCellIndex = i;
    nb.mode = "edit";
    const editor = nb.activeCell.editor;
    editor.setCursorPosition(editor.getPositionAt(editor.model.sharedModel.getSource().length));
    editor.focus();
  }, cellIndex);
}
