/** One timing against its budget; rows of a run make the SLA table. */
export interface SlaRow {
  check: string;
  measuredMs: number;
  budgetMs?: number | undefined;
}

export const SLA_HEADER = "check,measured ms,budget ms,verdict";

export function slaCsv(rows: SlaRow[]): string {
  return `${[SLA_HEADER, ...rows.map(slaLine)].join("\n")}\n`;
}

function slaLine(row: SlaRow): string {
  const verdict =
    row.budgetMs === undefined
      ? "no budget"
      : row.measuredMs <= row.budgetMs
        ? "within"
        : "over budget";
  return [csvCell(row.check), row.measuredMs, row.budgetMs ?? "", verdict].join(",");
}

export function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
