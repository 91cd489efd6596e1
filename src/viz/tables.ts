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
}

function formatCell(v: Cell, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  }
  return v;
}

export function metricTable(rows: Record<string, Cell>[], opts: TableOptions = {}): MimeBundle {
  const columns = opts.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const digits = opts.digits ?? 4;
  const bestRow: Record<string, number> = {};
  for (const [col, dir] of Object.entries(opts.best ?? {})) {
    let idx = -1;
    rows.forEach((r, i) => {
      const v = r[col];
      if (typeof v !== "number" || !Number.isFinite(v)) return;
      const cur = idx < 0 ? undefined : (rows[idx]![col] as number);
      if (cur === undefined || (dir === "max" ? v > cur : v < cur)) idx = i;
    });
    if (idx >= 0) bestRow[col] = idx;
  }
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
              const body = bestRow[columns[j]!] === i ? `<b>${escapeHtml(s)}</b>` : escapeHtml(s);
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
    ...text.map((r, i) => `| ${r.map((s, j) => (bestRow[columns[j]!] === i ? `**${s}**` : s).replace(/\|/g, "\\|")).join(" | ")} |`),
  ].join("\n");
  return { data: { [MIME.html]: html, [MIME.markdown]: md, [MIME.plain]: plain } };
}
