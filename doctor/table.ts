import type { Row } from "./check.ts";

// The rows as a plain-text table that fits the terminal: long cells wrap
// within their column, so a finding stays readable in CI logs too.

type Cells = Record<keyof Row, string>;

const HEADINGS: Cells = {
  check: "check",
  status: "status",
  found: "found",
  means: "what it means for the journeys",
};

export function renderTable(rows: readonly Row[], width = 120): string {
  const checkWidth = Math.max(...[HEADINGS, ...rows].map((row) => row.check.length));
  const statusWidth = HEADINGS.status.length;
  const gaps = 3 * 2;
  const rest = Math.max(40, width - checkWidth - statusWidth - gaps);
  const foundWidth = Math.floor(rest / 2);
  const meansWidth = rest - foundWidth;
  const widths = [checkWidth, statusWidth, foundWidth, meansWidth];
  const line = (row: Cells) => {
    const cells = [
      [row.check],
      [row.status],
      wrap(row.found, foundWidth),
      wrap(row.means, meansWidth),
    ];
    const height = Math.max(...cells.map((cell) => cell.length));
    return Array.from({ length: height }, (_, index) =>
      cells
        .map((cell, column) => (cell[index] ?? "").padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    ).join("\n");
  };
  const rule = widths.map((size) => "-".repeat(size)).join("  ");
  return [line(HEADINGS), rule, ...rows.map(line)].join("\n");
}

/** Words into lines of at most `width` characters; a longer word is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let piece = word; piece.length > 0; piece = piece.slice(width)) {
      const part = piece.slice(0, width);
      if (current === "") current = part;
      else if (current.length + 1 + part.length <= width) current += ` ${part}`;
      else {
        lines.push(current);
        current = part;
      }
    }
  }
  if (current !== "" || lines.length === 0) lines.push(current);
  return lines;
}
