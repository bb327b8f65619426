import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { checkLabelOf, MonitorMetrics } from "../metrics.ts";
import type { CycleRecord, ResultRecord } from "../types.ts";

interface Sample {
  value?: string;
  labels?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}
// The parser ships no types; it is a plain CommonJS function.
const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string,
) => Family[];

function result(title: string, patch: Partial<ResultRecord>): ResultRecord {
  return {
    checkId: `browser:tests/${title}.spec.ts:${title}`,
    project: "browser",
    file: `tests/${title}.spec.ts`,
    title,
    tier: "journeys",
    severity: "critical",
    tags: [],
    status: "passed",
    durationMs: 1_200,
    retries: 0,
    timings: {},
    ...patch,
  };
}

function cycle(runId: string, endedAt: string, results: ResultRecord[]): CycleRecord {
  return {
    runId,
    location: "eu-1",
    environment: "staging",
    job: "default",
    startedAt: new Date(Date.parse(endedAt) - 30_000).toISOString(),
    endedAt,
    status: results.some((r) => r.status === "failed") ? "failed" : "passed",
    exitCode: results.some((r) => r.status === "failed") ? 1 : 0,
    versions: {},
    maintenance: [],
    results,
  };
}

const FIRST_END = "2026-12-02T10:00:00.000Z";
const SECOND_END = "2026-12-02T10:05:00.000Z";
const seconds = (iso: string) => String(Date.parse(iso) / 1000);

function family(families: Family[], name: string): Family {
  const found = families.find((f) => f.name === name);
  assert.ok(found, `${name} should be exposed`);
  return found;
}

function samples(families: Family[], name: string, labels: Record<string, string>): Sample[] {
  return families
    .filter((f) => f.name === name)
    .flatMap((f) => f.metrics)
    .filter((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
}

/**
 * The parser folds all series of a labelled histogram into one sample (it
 * keys them by `le` alone), so histograms are read as what they are on the
 * wire: plain _bucket, _sum and _count series.
 */
function histogram(text: string, name: string, labels: Record<string, string>) {
  const plain = parse(text.replace(/^# TYPE (\S+) histogram$/gm, "# TYPE $1 untyped"));
  const value = (suffix: string, extra: Record<string, string> = {}) =>
    only(plain, `${name}_${suffix}`, { ...labels, ...extra }).value;
  return {
    count: value("count"),
    sum: value("sum"),
    bucket: (le: string) => value("bucket", { le }),
  };
}

function only(families: Family[], name: string, labels: Record<string, string>): Sample {
  const found = samples(families, name, labels);
  assert.equal(found.length, 1, `${name} ${JSON.stringify(labels)} should be one series`);
  return found[0] as Sample;
}

async function afterTwoCycles() {
  const metrics = new MonitorMetrics({ environment: "staging", location: "eu-1" });
  metrics.observeCycle(
    cycle("run-1", FIRST_END, [
      result("login", { status: "failed", retries: 2, durationMs: 4_000 }),
      result("search", { status: "passed", durationMs: 300 }),
    ]),
    31.5,
  );
  metrics.observeCycle(
    cycle("run-2", SECOND_END, [
      result("login", { status: "passed", retries: 1, durationMs: 2_000 }),
      result("search", { status: "skipped", durationMs: 0 }),
    ]),
    12,
  );
  metrics.alertsSent("slack", 2);
  metrics.heartbeatFailed();
  metrics.historyBuffered(3);
  const text = await metrics.text();
  return { metrics, text, families: parse(text) };
}

test("a check failing then passing: its status flips, last success and retries follow", async () => {
  const { families, text } = await afterTwoCycles();
  const login = { check: "login", environment: "staging", location: "eu-1", tier: "journeys" };
  const status = (s: string) => only(families, "synthetic_check_status", { ...login, status: s });
  assert.equal(status("passed").value, "1", "the second cycle's status wins");
  assert.equal(status("failed").value, "0", "the first cycle's failure is cleared");
  assert.equal(status("flaky").value, "0");
  assert.equal(
    samples(families, "synthetic_check_status", { ...login, status: "skipped" }).length,
    0,
    "skipped is no status a check can be in",
  );
  assert.equal(
    only(families, "synthetic_check_last_success_timestamp_seconds", login).value,
    seconds(SECOND_END),
    "last success is the passing cycle's end",
  );
  assert.equal(only(families, "synthetic_check_retries_total", login).value, "3");
  const duration = histogram(text, "synthetic_check_duration_seconds", login);
  assert.equal(duration.count, "2");
  assert.equal(duration.sum, "6");
  assert.equal(duration.bucket("0.05"), "0");
  assert.equal(duration.bucket("2.5"), "1", "2 s in, 4 s not");
  assert.equal(duration.bucket("60"), "2");
});

test("a skipped result changes neither status nor last success", async () => {
  const { families, text } = await afterTwoCycles();
  const search = { check: "search" };
  assert.equal(
    only(families, "synthetic_check_status", { ...search, status: "passed" }).value,
    "1",
  );
  assert.equal(
    only(families, "synthetic_check_last_success_timestamp_seconds", search).value,
    seconds(FIRST_END),
    "the skipped second cycle leaves the first cycle's success",
  );
  assert.equal(histogram(text, "synthetic_check_duration_seconds", search).count, "1");
});

test("cycles are counted and timed by job and status; monitor-level series carry env and location", async () => {
  const { families, text } = await afterTwoCycles();
  const job = { environment: "staging", location: "eu-1", job: "default" };
  assert.equal(only(families, "synthetic_cycles_total", { ...job, status: "failed" }).value, "1");
  assert.equal(only(families, "synthetic_cycles_total", { ...job, status: "passed" }).value, "1");
  const passed = histogram(text, "synthetic_cycle_duration_seconds", { ...job, status: "passed" });
  assert.equal(passed.sum, "12");
  assert.equal(passed.bucket("10"), "0");
  assert.equal(passed.bucket("30"), "1");
  assert.equal(
    only(families, "synthetic_cycle_last_end_timestamp_seconds", job).value,
    seconds(SECOND_END),
  );
  const monitor = { environment: "staging", location: "eu-1" };
  assert.equal(
    only(families, "synthetic_alerts_sent_total", { ...monitor, channel: "slack" }).value,
    "2",
  );
  assert.equal(only(families, "synthetic_heartbeat_failures_total", monitor).value, "1");
  assert.equal(only(families, "synthetic_history_buffered_cycles", monitor).value, "3");
  assert.equal(family(families, "synthetic_cycles_total").type, "COUNTER");
  assert.equal(family(families, "synthetic_check_duration_seconds").type, "HISTOGRAM");
});

test("the registry is the instance's own: two monitors do not share series", async () => {
  const { metrics } = await afterTwoCycles();
  const fresh = new MonitorMetrics({ environment: "prod", location: "us-1" });
  const families = parse(await fresh.text());
  assert.equal(family(families, "synthetic_cycles_total").metrics.length, 0);
  assert.equal(only(families, "synthetic_heartbeat_failures_total", {}).value, "0");
  assert.notEqual(fresh.registry, metrics.registry);
  assert.match(fresh.contentType, /^text\/plain; version=0\.0\.4/);
});

test("a check that moves tier keeps one status series", async () => {
  const metrics = new MonitorMetrics({ environment: "staging", location: "eu-1" });
  metrics.observeCycle(cycle("run-1", FIRST_END, [result("login", { tier: "smoke" })]), 1);
  metrics.observeCycle(cycle("run-2", SECOND_END, [result("login", { tier: "journeys" })]), 1);
  const families = parse(await metrics.text());
  const tiers = samples(families, "synthetic_check_status", { check: "login", status: "passed" });
  assert.deepEqual(
    tiers.map((s) => s.labels?.tier),
    ["journeys"],
  );
});

test("the check label is the title; long ones are cut but stay distinct, empty ones use the checkId", () => {
  assert.equal(checkLabelOf({ title: "home › loads", checkId: "x" }), "home › loads");
  assert.equal(
    checkLabelOf({ title: "", checkId: "api:tests/a.spec.ts:a" }),
    "api:tests/a.spec.ts:a",
  );
  const long = "journey › ".repeat(30);
  const a = checkLabelOf({ title: `${long}a`, checkId: "" });
  const b = checkLabelOf({ title: `${long}b`, checkId: "" });
  assert.ok(a.length <= 150, "cut to a legend's length");
  assert.notEqual(a, b, "the hash keeps them apart");
});
