// The run history against real PostgreSQL (embedded, from stack/index.ts):
// the store, its queries and location lock; the spool that keeps cycles while
// the database is away; the persistent embedded database the monitor uses by default.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { type RunningPostgres, startPostgres } from "../../stack/index.ts";
import {
  BufferedHistory,
  HistoryStore,
  HistoryUnavailableError,
  queries,
  Spool,
  startEmbeddedHistory,
} from "../history/index.ts";
import type { CycleRecord, ResultRecord, ResultStatus } from "../types.ts";

// Everything written here is recognisable: run ids start with this.
const PREFIX = `history-test-${randomBytes(3).toString("hex")}`;
const HOUR = 3_600_000;
let sequence = 0;

function result(index: number, status: ResultStatus, fields: Partial<ResultRecord> = {}) {
  return {
    checkId: `api › check ${index}`,
    project: "api",
    file: `tests/check-${index}.spec.ts`,
    title: `check ${index}`,
    tier: "api",
    severity: "critical",
    tags: ["@critical", "@smoke"],
    status,
    durationMs: 100 * (index + 1),
    retries: 0,
    timings: { "home TTFB": 50 + index },
    ...fields,
  } satisfies ResultRecord;
}

function cycle(fields: Partial<CycleRecord> = {}): CycleRecord {
  const startedAt = fields.startedAt ?? new Date().toISOString();
  const started = new Date(startedAt).getTime();
  return {
    runId: `${PREFIX}-${sequence++}`,
    location: "eu",
    environment: "production",
    job: "default",
    startedAt,
    endedAt: new Date(Number.isNaN(started) ? 0 : started + 30_000).toISOString(),
    status: "failed",
    exitCode: 1,
    versions: { backend: "abc1234" },
    maintenance: [{ id: "deploy", effect: "silence" }],
    results: [
      result(0, "passed"),
      result(1, "failed", { error: "expected 200, got 503", retries: 2 }),
      result(2, "skipped", { tags: [], timings: {} }),
    ],
    ...fields,
  };
}

async function rowCount(url: string, sql: string, values: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(sql, values);
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe("history store (embedded PostgreSQL)", () => {
  let server: RunningPostgres;
  let store: HistoryStore;

  before(async () => {
    server = await startPostgres();
    store = new HistoryStore(server.url);
  });
  after(async () => {
    await store?.close();
    await server?.stop();
  });

  test("a written cycle reads back as it was written", async () => {
    const written = cycle({ location: "readback" });
    await store.write(written);
    assert.deepEqual(await store.lastCycle("readback"), written);
    assert.equal(await store.lastCycle("nowhere"), undefined, "no cycle of an unknown location");
  });

  test("a cycle's deploys and a failure's diagnosis are kept, for deploy markers and causes", async () => {
    const deploy = {
      platform: "render" as const,
      id: "dep-abc",
      status: "live",
      phase: "live" as const,
      createdAt: Date.UTC(2026, 11, 3, 9, 0),
      liveAt: Date.UTC(2026, 11, 3, 9, 4),
      commit: { sha: "abc1234def", message: "Fix login" },
      trigger: "new_commit",
    };
    const base = cycle({ location: "deploys" });
    const written: CycleRecord = {
      ...base,
      deploys: [deploy],
      results: base.results.map((item, index) =>
        index === 0 ? { ...item, diagnosis: "backend on Render · cold start: …" } : item,
      ),
    };
    await store.write(written);
    assert.deepEqual(await store.lastCycle("deploys"), written);
  });

  test("writing the same run id twice keeps one copy; a changed cycle replaces it", async () => {
    const once = cycle({ location: "twice" });
    await store.write(once);
    await store.write(once);
    const byRun = "select count(*) as n from synthetic_monitor.results where run_id = $1";
    assert.equal(await rowCount(server.url, byRun, [once.runId]), 3, "no doubled results");
    const hours =
      "select sum(total + skipped) as n from synthetic_monitor.check_hours where location = $1";
    assert.equal(await rowCount(server.url, hours, ["twice"]), 3, "no doubled summaries");
    const changed = { ...once, status: "passed" as const, results: [result(0, "passed")] };
    await store.write(changed);
    assert.deepEqual(await store.lastCycle("twice"), changed);
    assert.equal(await rowCount(server.url, hours, ["twice"]), 1, "summaries follow the rewrite");
  });

  test("prune deletes cycles older than the retention, with their results and summaries", async () => {
    const old = cycle({
      location: "prune",
      startedAt: new Date(Date.now() - 10 * 24 * HOUR).toISOString(),
    });
    const recent = cycle({ location: "prune" });
    await store.write(old);
    await store.write(recent);
    assert.equal(await store.prune(5), 1);
    const left = "select count(*) as n from synthetic_monitor.results where location = 'prune'";
    assert.equal(
      await rowCount(server.url, left),
      recent.results.length,
      "old results cascaded away",
    );
    const hours =
      "select count(*) as n from synthetic_monitor.check_hours where location = 'prune' and hour < now() - interval '5 days'";
    assert.equal(await rowCount(server.url, hours), 0, "old summaries gone");
    assert.equal((await store.lastCycle("prune"))?.runId, recent.runId);
    await assert.rejects(store.prune(0), RangeError);
  });

  test("the tables are outside public and have row level security on", async () => {
    const sql = `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'synthetic_monitor' and c.relkind = 'r' and c.relrowsecurity`;
    assert.equal(
      await rowCount(server.url, sql),
      4,
      "cycles, results, check_hours, check_hour_timings",
    );
    const exposed = "select count(*) as n from pg_tables where schemaname = 'public'";
    assert.equal(await rowCount(server.url, exposed), 0);
  });

  test("a second monitor of a location is told, waits, and gets the lock when the first closes", async () => {
    const first = new HistoryStore(server.url);
    const second = new HistoryStore(server.url);
    try {
      const firstWaits: string[] = [];
      await first.lockLocation("lock-eu", (message) => firstWaits.push(message));
      assert.deepEqual(firstWaits, [], "a free location is taken at once");
      const waits: string[] = [];
      let held = false;
      const taking = second
        .lockLocation("lock-eu", (message) => waits.push(message))
        .then((lock) => {
          held = true;
          return lock;
        });
      // Wait on the second session being blocked in pg_advisory_lock, not on time.
      while (
        (await rowCount(
          server.url,
          "select count(*) as n from pg_locks where locktype = 'advisory' and not granted",
        )) === 0
      ) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(held, false, "the second monitor waits");
      assert.equal(waits.length, 1, "and is told once");
      assert.match(waits[0] ?? "", /another monitor .*holds location "lock-eu"/);
      assert.match(waits[0] ?? "", /synthetic-monitor lock-eu pid \d+/, "naming the holder");
      const other = await second.lockLocation("lock-us", () =>
        assert.fail("another location is free"),
      );
      await other.release();
      await first.close();
      const lock = await taking;
      assert.equal(lock.location, "lock-eu");
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test("recentResults: per check and location, the latest status since a time", async () => {
    const start = Date.now() - 2 * HOUR;
    await store.write(cycle({ location: "q-a", startedAt: new Date(start).toISOString() }));
    const later = cycle({
      location: "q-a",
      startedAt: new Date(start + HOUR).toISOString(),
      results: [result(0, "failed"), result(1, "passed")],
    });
    await store.write(later);
    await store.write(cycle({ location: "q-b", startedAt: new Date(start).toISOString() }));
    const rows = await store.recentResults({
      since: new Date(start - 1),
      checkIds: ["api › check 0", "api › check 1"],
    });
    const seen = rows
      .filter((row) => row.location.startsWith("q-"))
      .map((row) => `${row.checkId}@${row.location}=${row.status}`);
    assert.deepEqual(seen, [
      "api › check 0@q-a=failed",
      "api › check 0@q-b=passed",
      "api › check 1@q-a=passed",
      "api › check 1@q-b=failed",
    ]);
    assert.equal(rows.find((row) => row.location === "q-a")?.runId, later.runId);
  });

  test("dashboard queries agree with the results, also for periods cut mid-hour", async () => {
    // Six cycles 20 minutes apart from a whole hour: two hours, each read partly.
    const base = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
    for (let i = 0; i < 6; i++) {
      await store.write(
        cycle({
          location: "dash",
          startedAt: new Date(base + i * 20 * 60_000).toISOString(),
          results: [
            result(0, i === 0 ? "failed" : "passed", {
              durationMs: 100 * (i + 1),
              timings: { ttfb: i },
            }),
          ],
        }),
      );
    }
    // From 10 past the first hour to 50 past the second: cycles 1…5.
    const period = {
      from: new Date(base + 10 * 60_000),
      to: new Date(base + 110 * 60_000),
      location: "dash",
    };
    const [uptime] = await store.run((db) => queries.uptime(db, period));
    assert.deepEqual(uptime, { checkId: "api › check 0", total: 5, failed: 0, uptime: 1 });
    const all = await store.run((db) =>
      queries.uptime(db, { ...period, from: new Date(base), checkIds: ["api › check 0"] }),
    );
    assert.deepEqual(all, [{ checkId: "api › check 0", total: 6, failed: 1, uptime: 5 / 6 }]);

    const [durations] = await store.run((db) => queries.durationPercentiles(db, period));
    assert.equal(durations?.count, 5);
    assert.equal(durations?.p50, 400, "percentile_cont over 200…600");
    assert.ok(Math.abs((durations?.p95 ?? 0) - 580) < 1e-9);

    const days = await store.run((db) =>
      queries.dailyStatus(db, { days: 2, location: "dash", to: new Date(base + 2 * HOUR) }),
    );
    assert.equal(
      days.reduce((sum, day) => sum + day.total, 0),
      6,
      "every result is in some day",
    );
    assert.equal(
      days.reduce((sum, day) => sum + day.failed, 0),
      1,
    );

    const series = await store.run((db) =>
      queries.timingSeries(db, {
        name: "ttfb",
        from: new Date(base),
        to: new Date(base + 2 * HOUR),
        location: "dash",
      }),
    );
    assert.deepEqual(
      series.map((point) => [point.hour, point.count, point.avg, point.max]),
      [
        [new Date(base).toISOString(), 3, 1, 2],
        [new Date(base + HOUR).toISOString(), 3, 4, 5],
      ],
    );

    const latest = await store.run((db) =>
      queries.latestStatus(db, { since: new Date(base), location: "dash" }),
    );
    assert.deepEqual(
      latest.map((row) => [row.checkId, row.status, row.startedAt]),
      [["api › check 0", "passed", new Date(base + 100 * 60_000).toISOString()]],
    );
  });

  test("an unreachable database is named (host:port/db), its password never", async () => {
    const closed = new HistoryStore("postgres://monitor:s3cret-pw@127.0.0.1:1/history");
    try {
      await assert.rejects(closed.write(cycle()), (error: Error) => {
        assert.ok(error instanceof HistoryUnavailableError, String(error));
        assert.match(error.message, /127\.0\.0\.1:1\/history/);
        assert.doesNotMatch(error.message, /s3cret-pw/);
        return true;
      });
    } finally {
      await closed.close();
    }
  });
});

describe("history spool and buffered writes", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "history-spool-"));
    // As root, Postgres runs as `postgres`, which must be able to enter the clusters' parent.
    await chmod(dir, 0o755);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("a spool line that is no cycle goes to spool.rejected.jsonl; the rest flush in order", async () => {
    const spool = new Spool(path.join(dir, "corrupt"));
    const a = cycle();
    const b = cycle();
    await spool.append(a);
    await writeFile(spool.path, '{"runId": "half a line\n', { flag: "a" });
    await spool.append(b);
    const stored: string[] = [];
    const reasons: string[] = [];
    const flushed = await spool.flush(
      async (c) => void stored.push(c.runId),
      (r) => reasons.push(r),
    );
    assert.deepEqual(flushed, { flushed: 2, rejected: 1 });
    assert.deepEqual(stored, [a.runId, b.runId]);
    assert.equal(await readFile(spool.rejectedPath, "utf8"), '{"runId": "half a line\n');
    assert.match(reasons[0] ?? "", /no cycle record; moved to .*spool\.rejected\.jsonl/);
    assert.equal(await spool.pending(), 0);
    assert.deepEqual((await readdir(spool.dir)).sort(), ["spool.rejected.jsonl"]);
  });

  test("a flush cut off by the database leaves the rest for the next flush", async () => {
    const spool = new Spool(path.join(dir, "cut"));
    const cycles = [cycle(), cycle(), cycle()];
    for (const c of cycles) await spool.append(c);
    const stored: string[] = [];
    let calls = 0;
    const writer = async (c: CycleRecord) => {
      calls += 1;
      if (calls === 2)
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      stored.push(c.runId);
    };
    await assert.rejects(spool.flush(writer), /ECONNREFUSED/);
    const late = cycle();
    await spool.append(late);
    assert.equal(await spool.pending(), 4, "three set aside, one new");
    await spool.flush(writer);
    // The first is written again: the store's idempotent writes make that harmless.
    assert.deepEqual(
      stored,
      [cycles[0], cycles[0], cycles[1], cycles[2], late].map((c) => c?.runId),
    );
  });

  test("database down: cycles go to the spool; back up: flushed first, none lost or doubled", async () => {
    const password = "spool-test-pw";
    const pgDir = path.join(dir, "pg");
    let server = await startPostgres({ dataDir: pgDir, password });
    const port = server.port;
    const store = new HistoryStore(server.url);
    const logs: string[] = [];
    const spool = new Spool(path.join(dir, "down"));
    const history = new BufferedHistory(store, spool, (m) => logs.push(m));
    const cycles = [
      cycle({ location: "down" }),
      cycle({ location: "down" }),
      cycle({ location: "down" }),
      cycle({ location: "down" }),
    ];
    try {
      assert.equal(await history.write(cycles[0] as CycleRecord), "written");
      await server.stop();
      assert.equal(await history.write(cycles[1] as CycleRecord), "buffered");
      assert.equal(await history.write(cycles[2] as CycleRecord), "buffered");
      assert.equal(await spool.pending(), 2, "both cycles wait on disk");
      assert.equal(logs.length, 1, `told once while down: ${logs.join(" | ")}`);
      assert.match(logs[0] ?? "", new RegExp(`127\\.0\\.0\\.1:${port}/postgres`));
      assert.doesNotMatch(logs.join("\n"), new RegExp(password));

      server = await startPostgres({ dataDir: pgDir, password, port });
      assert.equal(await history.write(cycles[3] as CycleRecord), "written");
      const runs = await rowCount(
        server.url,
        "select count(*) as n from synthetic_monitor.cycles where location = 'down'",
      );
      assert.equal(runs, 4, "every cycle once");
      const results = await rowCount(
        server.url,
        "select count(*) as n from synthetic_monitor.results where location = 'down'",
      );
      assert.equal(results, 4 * 3, "no result doubled");
      assert.equal(await spool.pending(), 0, "spool emptied");
      assert.deepEqual(await readdir(spool.dir), [], "no file left behind");
      assert.match(logs.at(-1) ?? "", /stored 2 buffered cycle/);
    } finally {
      await store.close();
      await server.stop();
    }
  });

  test("a cycle the database refuses is kept in spool.rejected.jsonl and reported", async () => {
    const server = await startPostgres();
    const store = new HistoryStore(server.url);
    const spool = new Spool(path.join(dir, "refused"));
    const history = new BufferedHistory(store, spool);
    try {
      const bad = cycle({ startedAt: "not a time" });
      await assert.rejects(history.write(bad), /refused cycle .*kept in .*spool\.rejected\.jsonl/);
      await spool.append({ ...bad, runId: `${bad.runId}-spooled` });
      assert.equal(
        await history.write(cycle()),
        "written",
        "a refused spooled cycle blocks nothing",
      );
      const rejected = (await readFile(spool.rejectedPath, "utf8")).trim().split("\n");
      assert.deepEqual(
        rejected.map((line) => JSON.parse(line).runId),
        [bad.runId, `${bad.runId}-spooled`],
      );

      // A setting to fix (here a wrong password) is no outage: told, and the cycle waits.
      const wrongUrl = new URL(server.url);
      wrongUrl.password = "wrong-pw";
      const wrong = new HistoryStore(wrongUrl.toString());
      const misconfigured = new BufferedHistory(wrong, new Spool(path.join(dir, "wrong")));
      try {
        await assert.rejects(misconfigured.write(cycle()), (error: Error) => {
          assert.match(
            error.message,
            /127\.0\.0\.1:\d+\/postgres could not store cycle .*password authentication failed.*kept in .*spool\.jsonl/,
          );
          assert.doesNotMatch(error.message, /wrong-pw/);
          return true;
        });
        assert.equal(await misconfigured.pending(), 1);
      } finally {
        await wrong.close();
      }
    } finally {
      await store.close();
      await server.stop();
    }
  });

  test("the embedded history keeps its data across stop and start", async () => {
    const home = path.join(dir, "monitor-home");
    const first = await startEmbeddedHistory(home);
    const written = cycle({ location: "embedded" });
    let store = new HistoryStore(first.url);
    try {
      await store.write(written);
    } finally {
      await store.close();
      await first.stop();
    }
    const passwordFile = path.join(home, "pg-password");
    assert.equal((await stat(passwordFile)).mode & 0o777, 0o600);
    const password = await readFile(passwordFile, "utf8");
    assert.ok(existsSync(path.join(home, "pg", "PG_VERSION")), "the cluster stays on disk");

    const second = await startEmbeddedHistory(home);
    store = new HistoryStore(second.url);
    try {
      assert.deepEqual(await store.lastCycle("embedded"), written);
      assert.equal(await readFile(passwordFile, "utf8"), password, "the password is made once");
    } finally {
      await store.close();
      await second.stop();
    }
  });
});
