// A small hand-made history for the dashboard's API tests: three checks over
// three days (and one result 40 days back), so every figure can be worked out
// by hand in the tests. Times are fixed; the dashboard is told it is NOW.
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineMonitor } from "../../monitor/config-schema.ts";
import type { HistoryStore } from "../../monitor/history/index.ts";
import type { CycleRecord, ResultRecord, ResultStatus } from "../../monitor/types.ts";
import type { DashboardSource } from "../source.ts";

export const NOW = Date.parse("2026-11-30T12:00:00Z");
export const PREFIX = `dashboard-test-${randomBytes(3).toString("hex")}`;
export const XSS = `<script>alert(1)</script><img src=x onerror=alert(2)> at https://internal.example/api`;

export const CHECKS = {
  home: {
    checkId: "browser › home page",
    project: "browser",
    tier: "frontend",
    title: "home page",
    tags: ["@public"],
  },
  health: {
    checkId: "api › health",
    project: "api",
    tier: "backend",
    title: "backend health",
    tags: ["@critical"],
  },
  signIn: {
    checkId: "supabase › sign in",
    project: "supabase",
    tier: "Supabase auth",
    title: "sign in",
    tags: [],
  },
} as const;
type CheckName = keyof typeof CHECKS;

function result(
  name: CheckName,
  status: ResultStatus,
  durationMs: number,
  fields: Partial<ResultRecord> = {},
): ResultRecord {
  const check = CHECKS[name];
  return {
    ...check,
    tags: [...check.tags],
    file: `tests/${check.project}/${name}.spec.ts`,
    severity: "critical",
    status,
    durationMs,
    retries: 0,
    timings: {},
    ...(status === "failed" ? { error: XSS, diagnosis: "backend on Render · answered 503" } : {}),
    ...fields,
  };
}

let sequence = 0;
function cycle(
  at: string,
  results: ResultRecord[],
  fields: Partial<CycleRecord> = {},
): CycleRecord {
  const started = Date.parse(at);
  return {
    runId: `${PREFIX}-${sequence++}`,
    location: "eu",
    environment: "production",
    job: "default",
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + 30_000).toISOString(),
    status: results.some((r) => r.status === "failed") ? "failed" : "passed",
    exitCode: 0,
    versions: { backend: "v1" },
    maintenance: [],
    results,
    ...fields,
  };
}

export const DEPLOY = {
  platform: "render" as const,
  id: "dep-1",
  status: "live",
  phase: "live" as const,
  createdAt: Date.parse("2026-11-30T09:00:00Z"),
  liveAt: Date.parse("2026-11-30T09:05:00Z"),
  commit: { sha: "abcdef1234567" },
};

export const CYCLES: CycleRecord[] = [
  cycle("2026-10-21T12:00:00Z", [result("home", "failed", 50), result("signIn", "passed", 50)]),
  cycle("2026-11-28T10:00:00Z", [
    result("home", "passed", 50, { timings: { "home TTFB": 100 } }),
    result("health", "passed", 100),
    result("signIn", "passed", 50),
  ]),
  cycle(
    "2026-11-28T11:00:00Z",
    [
      result("home", "passed", 50, { timings: { "home TTFB": 110 } }),
      result("health", "passed", 200),
      result("signIn", "passed", 50),
    ],
    { maintenance: [{ id: "db-upgrade", effect: "silence" }] },
  ),
  cycle("2026-11-29T10:00:00Z", [
    result("home", "degraded", 50, { timings: { "home TTFB": 200 } }),
    result("health", "failed", 300),
    result("signIn", "passed", 50),
  ]),
  cycle("2026-11-29T10:05:00Z", [
    result("home", "passed", 50, { timings: { "home TTFB": 300 } }),
    result("health", "failed", 400, { retries: 2 }),
    result("signIn", "skipped", 0),
  ]),
  cycle("2026-11-29T11:00:00Z", [result("health", "passed", 500)], { versions: { backend: "v2" } }),
  cycle(
    "2026-11-30T11:30:00Z",
    [result("home", "passed", 50), result("health", "failed", 600), result("signIn", "passed", 50)],
    { versions: { backend: "v2" }, deploys: [DEPLOY] },
  ),
];

export const CONFIG = defineMonitor({
  maintenance: [
    {
      id: "db-upgrade",
      effect: "silence",
      scope: { projects: ["schema"] },
      when: { startsAt: "2026-11-28T11:00:00Z", endsAt: "2026-11-28T12:00:00Z" },
    },
    {
      id: "auth-migration",
      effect: "silence",
      scope: { projects: ["supabase"] },
      when: { startsAt: "2026-11-30T11:00:00Z", endsAt: "2026-11-30T13:00:00Z" },
      comment: "moving auth",
    },
  ],
});

export const SILENCE = {
  matchers: { project: ["api"] },
  startsAt: Date.parse("2026-11-29T09:00:00Z"),
  endsAt: Date.parse("2026-11-29T10:00:00Z"),
  comment: "known outage",
};

/** A journal of one incident of the health check: fired with two notifications, resolved with one. */
export async function alertFiles(): Promise<{ journalPath: string; statePath: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), `${PREFIX}-alerts-`));
  const at = (iso: string) => Date.parse(iso);
  const lines = [
    { ts: "2026-11-29T10:00:40.000Z", runId: "r1", type: "run.start" },
    {
      ts: "2026-11-29T10:00:40.000Z",
      runId: "r1",
      type: "check",
      fingerprint: "f1",
      title: "backend health",
      outcome: "failed",
      status: "firing",
      events: ["triggered"],
      at: at("2026-11-29T10:00:40Z"),
    },
    {
      ts: "2026-11-29T10:00:40.000Z",
      runId: "r1",
      type: "decision",
      key: "g|email",
      decision: { action: "send", reason: "new" },
      firing: ["f1"],
      resolved: [],
      muted: [],
    },
    {
      ts: "2026-11-29T10:00:40.000Z",
      runId: "r1",
      type: "decision",
      key: "g|slack",
      decision: { action: "send", reason: "new" },
      firing: ["f1"],
      resolved: [],
      muted: [],
    },
    {
      ts: "2026-11-29T10:00:41.000Z",
      runId: "r1",
      type: "attempt",
      key: "g|email",
      channel: "email",
      attempt: 1,
    },
    {
      ts: "2026-11-29T10:00:41.000Z",
      runId: "r1",
      type: "delivered",
      key: "g|email",
      channel: "email",
      reason: "new",
      ok: true,
    },
    {
      ts: "2026-11-29T10:00:42.000Z",
      runId: "r1",
      type: "undelivered",
      key: "g|slack",
      channel: "slack",
      reason: "new",
      ok: false,
    },
    {
      ts: "2026-11-29T11:00:40.000Z",
      runId: "r2",
      type: "check",
      fingerprint: "f1",
      title: "backend health",
      outcome: "passed",
      status: "ok",
      events: ["resolved"],
      at: at("2026-11-29T11:00:40Z"),
    },
    {
      ts: "2026-11-29T11:00:40.000Z",
      runId: "r2",
      type: "decision",
      key: "g|email",
      decision: { action: "send", reason: "resolved" },
      firing: [],
      resolved: ["f1"],
      muted: [],
    },
    {
      ts: "2026-11-29T11:00:41.000Z",
      runId: "r2",
      type: "delivered",
      key: "g|email",
      channel: "email",
      reason: "resolved",
      ok: true,
    },
  ];
  const journalPath = path.join(dir, "journal.jsonl");
  await writeFile(journalPath, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n{"cut off`);
  const statePath = path.join(dir, "state.json");
  const labels = {
    environment: "production",
    project: "api",
    file: "tests/api/health.spec.ts",
    title: "backend health",
    tier: "backend",
    severity: "critical",
    tags: [],
  };
  await writeFile(
    statePath,
    JSON.stringify({
      revision: 2,
      state: {
        version: 1,
        checks: { f1: { fingerprint: "f1", labels } },
        notifications: {},
        digests: {},
      },
    }),
  );
  return { journalPath, statePath };
}

export async function writeHistory(store: HistoryStore): Promise<void> {
  for (const record of CYCLES) await store.write(record);
}

export async function sourceOf(store: HistoryStore): Promise<DashboardSource> {
  const { journalPath, statePath } = await alertFiles();
  return {
    history: store,
    maintenance: CONFIG.maintenance,
    alerts: { journalPath, state: { kind: "file", path: statePath }, silences: [SILENCE] },
    now: () => NOW,
  };
}

/** Minimal page shells and assets, so the routes are tested apart from the real pages. */
export async function pagesFixture(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `${PREFIX}-pages-`));
  for (const name of ["overview", "check", "timings", "incidents", "sla", "status", "login"])
    await writeFile(
      path.join(dir, `${name}.html`),
      `<!doctype html><html lang="en"><head><link rel="stylesheet" href="/assets/style.css"><script defer src="/assets/${name}.js"></script></head><body data-page="${name}"></body></html>`,
    );
  await writeFile(path.join(dir, "style.css"), "body{}");
  await writeFile(path.join(dir, "overview.js"), "void 0;");
  await writeFile(path.join(dir, "notes.txt"), "not an asset");
  return dir;
}
