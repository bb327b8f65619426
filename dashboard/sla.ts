// SLA figures per tier for a chosen period: uptime (from the hourly rollups,
// exact at the edges) and the p95 of every duration of the tier's checks.
import { queries } from "../monitor/history/index.ts";
import { BadParameter, DAY_MS } from "./http.ts";
import { type DashboardSource, nowOf } from "./source.ts";
import { TIERS, type TierKey, tierOf } from "./tiers.ts";

export const MAX_SLA_DAYS = 400;

export interface SlaFigures {
  from: string;
  to: string;
  rows: Array<{
    tier: TierKey;
    label: string;
    uptime: number | null;
    p95Ms: number | null;
    checks: number;
  }>;
}

export async function slaFigures(
  source: DashboardSource,
  range: { from?: Date | undefined; to?: Date | undefined },
): Promise<SlaFigures> {
  const to = range.to ?? new Date(nowOf(source));
  const from = range.from ?? new Date(to.getTime() - 30 * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new BadParameter("from", "from must be before to");
  if (to.getTime() - from.getTime() > MAX_SLA_DAYS * DAY_MS)
    throw new BadParameter("from", `the period may span at most ${MAX_SLA_DAYS} days`);
  const rows = await source.history.run(async (db) => {
    const [catalog, uptimes] = await Promise.all([
      queries.checkCatalog(db, { since: from }),
      queries.uptime(db, { from, to }),
    ]);
    const tierByCheck = new Map<string, TierKey>();
    for (const entry of catalog) {
      const tier = tierOf(entry);
      if (tier) tierByCheck.set(entry.checkId, tier);
    }
    return Promise.all(
      TIERS.map(async (definition) => {
        const mine = uptimes.filter((row) => tierByCheck.get(row.checkId) === definition.tier);
        const total = mine.reduce((sum, row) => sum + row.total, 0);
        const failed = mine.reduce((sum, row) => sum + row.failed, 0);
        const checkIds = mine.map((row) => row.checkId);
        const pooled =
          checkIds.length > 0
            ? await queries.pooledPercentiles(db, { from, to, checkIds })
            : { p95: null };
        return {
          tier: definition.tier,
          label: definition.label,
          uptime: total === 0 ? null : (total - failed) / total,
          p95Ms: pooled.p95 === null ? null : Math.round(pooled.p95 * 10) / 10,
          checks: checkIds.length,
        };
      }),
    );
  });
  return { from: from.toISOString(), to: to.toISOString(), rows };
}

const csvCell = (value: string) =>
  /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export function slaCsv(figures: SlaFigures): string {
  const lines = ["tier,label,uptime,p95_ms,checks"];
  for (const row of figures.rows) {
    lines.push(
      [
        row.tier,
        csvCell(row.label),
        row.uptime === null ? "" : row.uptime.toFixed(6),
        row.p95Ms === null ? "" : String(row.p95Ms),
        String(row.checks),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
