/** Metric tables (PSNR/SSIM per method, per field position...) as HTML, Markdown and plain text. */
import { escapeHtml, MIME, type MimeBundle } from "./mime";

export type Cell = number | string | null | undefined;

export interface TableOptions {
  /** Column order (default: keys of the first row, then any new keys in order of appearance). */
  columns?: string[];
  /** Significant decimals for numbers (default 4). */
  digits?: number;
  caption?: string;
  /** Mark the best value per numeric column: "max" (PSNR, SSIM) or "min" (loss) by column name. */
  best?: Record<string, "max" | "min">;
  /**
   * Column whose value says which rows are comparable (e.g. "image"): the best value is marked
   * within each group of rows sharing it, never across groups (a restored star scoring above a
   * blurred scene is no comparison). Default: all rows form one group.
   */
  compareWithin?: string;
}

function formatCell(v: Cell, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  }
  return v;
}

/** Per column named in `best`: the indices of the best row of each comparable group. */
function bestRows(rows: Record<string, Cell>[], opts: TableOptions): Map<string, Set<number>> {
  const within = opts.compareWithin;
  if (within !== undefined && !rows.some((r) => within in r))
    throw new RangeError(`viz.metricTable: compareWithin names column '${within}', which no row has (columns: ${[...new Set(rows.flatMap((r) => Object.keys(r)))].join(", ")})`);
  const out = new Map<string, Set<number>>();
  for (const [col, dir] of Object.entries(opts.best ?? {})) {
    const bestOfGroup = new Map<Cell, number>();
    rows.forEach((r, i) => {
      const v = r[col];
      if (typeof v !== "number" || !Number.isFinite(v)) return;
      const group = within === undefined ? null : r[within];
      const idx = bestOfGroup.get(group);
      const cur = idx === undefined ? undefined : (rows[idx]![col] as number);
      if (cur === undefined || (dir === "max" ? v > cur : v < cur)) bestOfGroup.set(group, i);
    });
    out.set(col, new Set(bestOfGroup.values()));
  }
  return out;
}

export function metricTable(rows: Record<string, Cell>[], opts: TableOptions = {}): MimeBundle {
  const columns = opts.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const digits = opts.digits ?? 4;
  const best = bestRows(rows, opts);
  const isBest = (col: string, i: number): boolean => best.get(col)?.has(i) ?? false;
  const text = rows.map((r) => columns.map((c) => formatCell(r[c], digits)));
  const isNum = columns.map((c) => rows.some((r) => typeof r[c] === "number"));
  const html =
    `<table class="svd-metrics">` +
    (opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : "") +
    `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>` +
    text
      .map(
        (cells, i) =>
          `<tr>${cells
            .map((s, j) => {
              const style = isNum[j] ? ' style="text-align:right"' : "";
              const body = isBest(columns[j]!, i) ? `<b>${escapeHtml(s)}</b>` : escapeHtml(s);
              return `<td${style}>${body}</td>`;
            })
            .join("")}</tr>`,
      )
      .join("") +
    `</tbody></table>`;
  const widths = columns.map((c, j) => Math.max(c.length, ...text.map((r) => r[j]!.length)));
  const line = (cells: string[]): string => cells.map((s, j) => (isNum[j] ? s.padStart(widths[j]!) : s.padEnd(widths[j]!))).join("  ");
  const plain = [opts.caption ?? "", line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...text.map(line)]
    .filter((l, i) => i > 0 || l !== "")
    .join("\n");
  const md = [
    `| ${columns.join(" | ")} |`,
    `| ${isNum.map((n) => (n ? "---:" : "---")).join(" | ")} |`,
    ...text.map((r, i) => `| ${r.map((s, j) => (isBest(columns[j]!, i) ? `**${s}**` : s).replace(/\|/g, "\\|")).join(" | ")} |`),
  ].join("\n");
  return { data: { [MIME.html]: html, [MIME.markdown]: md, [MIME.plain]: plain } };
}
