import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { MonitorMetrics } from "../metrics.ts";
import { type HealthView, type MonitorServer, startMonitorServer } from "../server.ts";

const parse = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string,
) => Array<{ name: string; metrics: Array<{ value?: string }> }>;

const STARTING: HealthView = {
  overdue: false,
  lastCycle: null,
  nextDueAt: null,
  overdueAfter: null,
};
let view: HealthView = STARTING;
let server: MonitorServer;
const metrics = new MonitorMetrics({ environment: "staging", location: "eu-1" });

before(async () => {
  server = await startMonitorServer({ port: 0, metrics, health: () => view });
});
after(() => server.close());

test("port 0 picks a free port on loopback", () => {
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}`);
});

test("/healthz: starting, then ok with the last cycle, then 503 once the scheduler says overdue", async () => {
  const starting = await fetch(`${server.url}/healthz`);
  assert.equal(starting.status, 200);
  assert.match(starting.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await starting.json(), {
    status: "starting",
    lastCycle: null,
    nextDueAt: null,
    overdueAfter: null,
  });

  const lastCycle = { runId: "run-1", status: "passed" as const, endedAt: "2026-12-02T10:00:00Z" };
  view = {
    overdue: false,
    lastCycle,
    nextDueAt: "2026-12-02T10:05:00Z",
    overdueAfter: "2026-12-02T10:15:00Z",
  };
  const ok = await fetch(`${server.url}/healthz`);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {
    status: "ok",
    lastCycle,
    nextDueAt: "2026-12-02T10:05:00Z",
    overdueAfter: "2026-12-02T10:15:00Z",
  });

  view = { ...view, overdue: true };
  const overdue = await fetch(`${server.url}/healthz?probe=1`);
  assert.equal(overdue.status, 503, "an overdue monitor fails its health check");
  assert.equal(((await overdue.json()) as { status: string }).status, "overdue");
  view = STARTING;
});

test("/metrics: Prometheus text with its content type", async () => {
  metrics.heartbeatFailed();
  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), metrics.contentType);
  assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
  const families = parse(await response.text());
  const failures = families.find((f) => f.name === "synthetic_heartbeat_failures_total");
  assert.equal(failures?.metrics[0]?.value, "1");
});

test("other paths are 404 and other methods 405, both as JSON", async () => {
  const missing = await fetch(`${server.url}/nope`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { error: string }).error, "not found");

  const posted = await fetch(`${server.url}/metrics`, { method: "POST", body: "x" });
  assert.equal(posted.status, 405);
  assert.equal(posted.headers.get("allow"), "GET, HEAD");
  assert.match(((await posted.json()) as { error: string }).error, /POST is not allowed/);

  const head = await fetch(`${server.url}/healthz`, { method: "HEAD" });
  assert.equal(head.status, 200, "HEAD is GET without a body");
});

test("a view that throws is a 500 without its message, reported to onError", async () => {
  const errors: unknown[] = [];
  const broken = await startMonitorServer({
    port: 0,
    metrics,
    health: () => {
      throw new Error("secret detail");
    },
    onError: (error) => errors.push(error),
  });
  try {
    const response = await fetch(`${broken.url}/healthz`);
    assert.equal(response.status, 500);
    assert.doesNotMatch(await response.text(), /secret detail/);
    assert.equal(errors.length, 1);
  } finally {
    await broken.close();
  }
});

test("close() returns while a scrape is still in flight", async () => {
  let scraping = () => {};
  const scraped = new Promise<void>((resolve) => {
    scraping = resolve;
  });
  const stuck = {
    contentType: metrics.contentType,
    text: () => {
      scraping();
      return new Promise<string>(() => {});
    },
  };
  const own = await startMonitorServer({ port: 0, metrics: stuck, health: () => STARTING });
  const scrape = fetch(`${own.url}/metrics`).then(
    () => "answered",
    () => "cut off",
  );
  await scraped;
  const started = Date.now();
  await own.close();
  assert.ok(Date.now() - started < 1_000, "closed at once, not when the scrape ends");
  assert.equal(await scrape, "cut off");
});

test("a port in use is an error naming it", async () => {
  await assert.rejects(
    startMonitorServer({ port: server.port, metrics, health: () => STARTING }),
    new RegExp(`cannot listen on 127\\.0\\.0\\.1:${server.port} \\(EADDRINUSE\\)`),
  );
});
