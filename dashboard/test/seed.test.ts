// The dashboard's seeded history against real PostgreSQL (embedded): the same
// seed makes the same history, the database holds what the summary says, the
// day-at-a-time writes leave the same hourly rollups HistoryStore.write
// makes, and the story (incidents, maintenance, deploys, the XSS and @public
// checks, the alert journal) is in it.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { HistoryStore } from "../../monitor/history/index.ts";
import type { CycleRecord } from "../../monitor/types.ts";
import { type RunningPostgres, startPostgres } from "../../stack/index.ts";
import {
  addTo,
  emptyTally,
  PUBLIC_TAG,
  type SeedOptions,
  type SeedSummary,
  seededCycles,
  seedHistory,
  type Tally,
  XSS_ERROR,
} from "./seed.ts";

const NOW = Date.UTC(2026, 11, 3, 12, 0);
const SMALL: SeedOptions = { days: 90, checks: 6, everyMinutes: 60, now: NOW, seed: 15 };

describe("the dashboard's seeded history (embedded PostgreSQL)", () => {
  let server: RunningPostgres;
  let store: HistoryStore;
  let dir: string;
  let summary: SeedSummary;

  const rows = <T>(sql: string, values: unknown[] = []) =>
    store.run(async (db) => (await db.query(sql, values)).rows as T[]);

  before(async () => {
    [server, dir] = await Promise.all([
      startPostgres(),
      mkdtemp(path.join(tmpdir(), "dashboard-seed-")),
    ]);
    store = new HistoryStore(server.url);
    summary = await seedHistory(store, { ...SMALL, journalPath: path.join(dir, "journal.jsonl") });
  });
  after(async () => {
    await store?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the same seed makes the same cycles, another seed others", () => {
    const again = [...seededCycles(SMALL)];
    assert.deepEqual(
      again.map((c) => [c.runId, Date.parse(c.startedAt), c.status]),
      summary.runs.map((r) => [r.runId, r.startedAt, r.status]),
      "the summary describes the cycles the generator makes",
    );
    assert.deepEqual([...seededCycles(SMALL)], again, "a second generation is identical");
    const other = [...seededCycles({ ...SMALL, seed: 16 })];
    assert.notDeepEqual(
      other.map((c) => c.results.map((r) => r.durationMs)),
      again.map((c) => c.results.map((r) => r.durationMs)),
      "another seed draws other durations",
    );
  });

  test("cycles and results in the database are the summary's, day by day and project by project", async () => {
    assert.equal(summary.cycles, (90 * 24 * 60) / 60);
    const [counts] = await rows<{ cycles: number; results: number }>(
      `select (select count(*) from synthetic_monitor.cycles)::int as cycles,
              (select count(*) from synthetic_monitor.results)::int as results`,
    );
    assert.deepEqual(counts, { cycles: summary.cycles, results: summary.results });

    const byDay: SeedSummary["byDay"] = {};
    for (const row of await rows<{ day: string; project: keyof Tally; status: string; n: number }>(
      `select (started_at at time zone 'UTC')::date::text as day, project, status, count(*)::int as n
       from synthetic_monitor.results group by 1, 2, 3`,
    )) {
      const day = byDay[row.day] ?? {};
      byDay[row.day] = day;
      const tally = day[row.project as keyof typeof day] ?? emptyTally();
      day[row.project as keyof typeof day] = tally;
      for (let i = 0; i < row.n; i++) addTo(tally, row.status as Parameters<typeof addTo>[1]);
    }
    assert.deepEqual(byDay, summary.byDay);
  });

  test("the hourly rollups hold every result, and equal the ones HistoryStore.write makes", async () => {
    const [rollup] = await rows<{ total: number; skipped: number; hours: number }>(
      `select sum(total)::int as total, sum(skipped)::int as skipped, count(distinct hour)::int as hours
       from synthetic_monitor.check_hours where location = $1`,
      [summary.location],
    );
    const skipped = Object.values(summary.byDay)
      .flatMap((day) => Object.values(day))
      .reduce((sum, tally) => sum + tally.skipped, 0);
    assert.deepEqual(rollup, {
      total: summary.results - skipped,
      skipped,
      hours: summary.runs.filter((r) => r.status !== "paused").length,
    });
    const [timings] = await rows<{ names: string[] }>(
      "select array_agg(distinct name order by name) as names from synthetic_monitor.check_hour_timings",
    );
    assert.deepEqual(timings?.names, ["backend /health", "home LCP", "home TTFB"]);

    // One day of 5-minute cycles written both ways, side by side in two locations.
    const day: SeedOptions = { days: 1, checks: 6, everyMinutes: 5, now: NOW, seed: 3 };
    await seedHistory(store, { ...day, location: "by-day" });
    for (const cycle of seededCycles(day)) {
      const single: CycleRecord = { ...cycle, runId: `w${cycle.runId}`, location: "by-cycle" };
      await store.write(single);
    }
    const hours = (location: string) =>
      rows(
        // Values sorted: array_agg's order is the scan's, and percentiles do not depend on it.
        `select h.hour, h.check_id, h.total, h.failed, h.degraded, h.flaky, h.skipped,
           (select array_agg(d order by d) from unnest(h.durations) as d) as durations,
           (select json_object_agg(t.name, (select array_agg(v order by v) from unnest(t.vals) as v) order by t.name)
            from synthetic_monitor.check_hour_timings as t
            where t.hour = h.hour and t.check_id = h.check_id and t.location = h.location) as timings
         from synthetic_monitor.check_hours as h where h.location = $1 order by 1, 2`,
        [location],
      );
    const batched = await hours("by-day");
    assert.equal(batched.length, 24 * 6, "every hour of every check");
    assert.deepEqual(batched, await hours("by-cycle"));
  });

  test("the story is in it: the checks now, the XSS and @public checks, a paused window, version changes and deploys", async () => {
    const index = (role: string) => summary.checks.findIndex((c) => c.role === role);
    const last = summary.runs.at(-1);
    assert.equal(last?.results[index("auth")], "failed", "Supabase auth is down now");
    assert.equal(last?.results[index("health")], "degraded", "the backend is slow now");
    for (const role of ["home", "schema", "secrets", "xss"])
      assert.equal(last?.results[index(role)], "passed", `${role} is up now`);

    assert.deepEqual(
      summary.checks.filter((c) => c.tags.includes(PUBLIC_TAG)).map((c) => c.role),
      ["home"],
    );
    const xss = await rows<{ error: string | null; n: number }>(
      "select error, count(*)::int as n from synthetic_monitor.results where check_id = $1 and status = 'failed' group by 1",
      [summary.xssCheck.checkId],
    );
    assert.ok(
      xss.some((row) => row.error === XSS_ERROR && row.n >= 3),
      `the XSS check fails with the script text: ${JSON.stringify(xss)}`,
    );

    const paused = summary.runs.filter((r) => r.status === "paused");
    assert.ok(paused.length >= 2, "the maintenance window paused cycles");
    assert.ok(paused.every((r) => r.maintenance.includes("db-maintenance")));
    assert.ok(
      paused.every((r) => r.results.every((s) => s === null)),
      "a paused cycle ran nothing",
    );

    const versions = await rows<{ backend: string }>(
      `select distinct versions->>'backend' as backend from synthetic_monitor.cycles
       where status <> 'paused' order by 1`,
    );
    assert.ok(versions.length >= 4, `the backend's version changed: ${JSON.stringify(versions)}`);
    const [deploys] = await rows<{ n: number }>(
      `select count(distinct d->>'id')::int as n
       from synthetic_monitor.cycles, jsonb_array_elements(deploys) as d`,
    );
    assert.ok((deploys?.n ?? 0) >= 8, "cycles name the live Vercel and Render deploys");
    const statuses = new Set(summary.runs.flatMap((r) => r.results));
    for (const status of ["passed", "failed", "timed-out", "flaky", "degraded", "skipped"])
      assert.ok(statuses.has(status as never), `some result is ${status}`);
  });

  test("the alert journal: fired, reminded and resolved alerts, deliveries accepted and refused", async () => {
    const text = await readFile(path.join(dir, "journal.jsonl"), "utf8");
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { ts: string; type: string; events?: string[] });
    assert.deepEqual(lines, summary.journal.entries);
    assert.deepEqual(
      lines.map((l) => l.ts),
      lines.map((l) => l.ts).sort(),
      "lines are in time order",
    );
    const events = new Set(lines.flatMap((l) => l.events ?? []));
    for (const event of ["pending", "triggered", "resolved"]) assert.ok(events.has(event), event);
    const types = new Set(lines.map((l) => l.type));
    for (const type of ["check", "decision", "attempt", "delivered", "undelivered", "run.end"])
      assert.ok(types.has(type), `a ${type} line`);
    const reasons = summary.journal.alerts.flatMap((a) => a.notifications.map((n) => n.reason));
    assert.ok(reasons.includes("reminder") && reasons.includes("resolved"), reasons.join());
    const open = summary.journal.alerts.filter((a) => a.resolvedAt === null);
    assert.deepEqual(
      open.map((a) => a.fingerprint),
      [summary.checks[summary.checks.findIndex((c) => c.role === "auth")]?.checkId],
      "only Supabase auth is still firing",
    );
  });
});
