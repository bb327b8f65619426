import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { type HttpReceiver, httpReceiver, slackOk } from "../alerts/test/support/receivers.ts";
import {
  bootStack,
  FREE_PORTS,
  type RunningPostgres,
  type RunningStack,
  startPostgres,
} from "../stack/index.ts";
import { processesWithEnv, startMonitor } from "./support/monitor-process.ts";

const parsePrometheus = createRequire(import.meta.url)("parse-prometheus-text-format") as (
  text: string,
) => Array<{ name: string; metrics: Array<{ value?: string; labels?: Record<string, string> }> }>;

// The monitor as users run it (`node monitor/cli.ts`, what `npm run monitor`
// starts), against the reference stack and real loopback receivers. The
// default schedule never comes due; a seconds-level schedule runs the root
// check (backend /health) alone, so each cycle takes a few seconds.
const NEVER = "0 0 1 1 *";
const FAST_HEALTH_ONLY = {
  every: NEVER,
  schedules: [
    { name: "health", cron: "*/5 * * * * *", only: { projects: ["api"], tags: ["@root"] } },
  ],
  jitterSeconds: 0,
  cycleTimeoutMinutes: 2,
  stopGraceSeconds: 60,
  recheck: { attempts: 1, backoff: "fixed", delaySeconds: 0.2 },
  tighten: { cron: "* * * * * *", passes: 2 },
};

async function configFile(dir: string, name: string, config: unknown): Promise<string> {
  const file = path.join(dir, `${name}.mjs`);
  await writeFile(file, `export default ${JSON.stringify(config, null, 2)};\n`);
  return file;
}

/** Waits for a webhook message whose JSON body satisfies `wanted`; its index. */
async function messageWith(
  receiver: HttpReceiver,
  wanted: (body: { status?: string }) => boolean,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = 0; ; seen++) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(left, 0));
    });
    const arrived = await Promise.race([receiver.inbox.waitFor(seen + 1), timedOut]);
    clearTimeout(timer);
    if (arrived === "timeout")
      throw new Error(
        `no such webhook message within ${timeoutMs} ms; got ${receiver.received.map((r) => r.body.slice(0, 120)).join("\n")}`,
      );
    if (wanted(JSON.parse(receiver.received[seen]?.body ?? "{}"))) return seen;
  }
}

describe("npm run monitor against the reference stack", () => {
  let stack: RunningStack;
  let history: RunningPostgres;
  let webhook: HttpReceiver;
  let heartbeat: HttpReceiver;
  let dir: string;

  before(async () => {
    [stack, history, webhook, heartbeat] = await Promise.all([
      bootStack({ ports: FREE_PORTS, envFile: false }),
      startPostgres(),
      httpReceiver(slackOk),
      httpReceiver(() => ({ status: 200, body: "OK" })),
    ]);
    dir = await mkdtemp(path.join(tmpdir(), "monitor-e2e-"));
  });
  after(async () => {
    await Promise.all([stack?.stop(), history?.stop(), webhook?.close(), heartbeat?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  test("a fault is re-checked, alerted after two failing cycles, resolved when it is gone; heartbeat, metrics and history agree; SIGTERM leaves nothing behind", async () => {
    const monitorDir = path.join(dir, "fault");
    const monitor = startMonitor({
      ...stack.env,
      SYNTHETIC_ENV: "local",
      MONITOR_CONFIG: await configFile(dir, "fast", FAST_HEALTH_ONLY),
      MONITOR_DATABASE_URL: history.url,
      MONITOR_DIR: monitorDir,
      MONITOR_PORT: "0",
      MONITOR_LOCATION: "e2e",
      MONITOR_HEARTBEAT_URL: `${heartbeat.url}/ping/0b5c6f3e-1111-4222-8333-944445555666`,
      ALERT_WEBHOOK_URL: `${webhook.url}/hook`,
      ALERT_STATE_PATH: path.join(monitorDir, "alerts", "state.json"),
      ALERT_JOURNAL_PATH: path.join(monitorDir, "alerts", "journal.jsonl"),
    });
    try {
      const [, base] = await monitor.waitFor(/serving (http:\/\/[\d.:]+)\/healthz/, 30_000);
      await monitor.waitFor(/health cycle \w+: passed/, 60_000);
      assert.equal(webhook.received.length, 0, "a healthy target alerts nobody");

      await stack.faults.set("backend-down");
      const faultAt = monitor.log().length;
      await webhook.inbox.waitFor(1);
      const firing = JSON.parse(webhook.received[0]?.body ?? "{}") as { status?: string };
      assert.equal(firing.status, "firing");
      assert.match(webhook.received[0]?.body ?? "", /GET \/health is up/);

      const db = new pg.Client({ connectionString: history.url });
      await db.connect();
      try {
        // The alert goes out at the end of the cycle's run; its history is written just after.
        const failedRows = async () =>
          (
            await db.query<{ retries: number; job: string }>(
              `select r.retries, c.job from synthetic_monitor.results r join synthetic_monitor.cycles c using (run_id)
               where r.location = 'e2e' and r.status = 'failed' and r.title like '%GET /health is up%'`,
            )
          ).rows;
        let rechecked = await failedRows();
        for (let i = 0; i < 50 && rechecked.length < 2; i++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          rechecked = await failedRows();
        }
        assert.ok(
          rechecked.length >= 2,
          `two failed cycles are in the history: ${JSON.stringify(rechecked)}`,
        );
        const scheduled = rechecked.filter((r) => r.job === "health");
        assert.ok(
          scheduled.length > 0 && scheduled.every((r) => r.retries === 1),
          `a scheduled cycle re-runs a failure before its verdict: ${JSON.stringify(rechecked)}`,
        );
        assert.ok(
          rechecked.filter((r) => r.job === "recheck").every((r) => r.retries === 0),
          "a re-check cycle is the re-run itself",
        );

        await stack.faults.clear("backend-down");
        // The group's other checks (warnings, three failed runs) may fire first; then everything resolves.
        const resolvedAt = await messageWith(
          webhook,
          (body) => body.status === "resolved",
          120_000,
        );
        assert.ok(resolvedAt > 0, "a resolved notice follows the firing one");
        assert.match(
          monitor.log().slice(faultAt),
          /recheck cycle \w+: started \(api; [^)]*tests\/api\/health\.spec\.ts:\d+/,
          "while it failed, the check also ran on the tightened schedule, alone with the other failing ones",
        );

        // Heartbeats: a start per cycle, success for passing ones, fail for failing ones.
        const paths = heartbeat.received.map((r) => new URL(r.path, heartbeat.url).pathname);
        for (const suffix of ["/start", "/fail", ""])
          assert.ok(
            paths.some((p) => p === `/ping/0b5c6f3e-1111-4222-8333-944445555666${suffix}`),
            `a heartbeat ping to …${suffix || " (success)"}`,
          );
        assert.ok(
          heartbeat.received.every((r) => !r.body.includes(stack.urls.backend)),
          "heartbeat bodies carry no target URL",
        );

        const health = await fetch(`${base}/healthz`);
        assert.equal(health.status, 200);
        // /metrics counts what the history holds (a scrape between a cycle's metrics and its write retries).
        let scraped = -1;
        let stored = -2;
        for (let attempt = 0; attempt < 10 && scraped !== stored; attempt++) {
          const families = parsePrometheus(await (await fetch(`${base}/metrics`)).text());
          const cycles = families.find((f) => f.name === "synthetic_cycles_total");
          scraped = (cycles?.metrics ?? []).reduce((sum, m) => sum + Number(m.value ?? 0), 0);
          const { rows } = await db.query<{ n: string }>(
            "select count(*) as n from synthetic_monitor.cycles where location = 'e2e'",
          );
          stored = Number(rows[0]?.n);
        }
        assert.equal(scraped, stored, "synthetic_cycles_total equals the cycles in the history");
      } finally {
        await db.end();
      }
    } finally {
      monitor.child.kill("SIGTERM");
      await monitor.exited;
    }
    assert.equal(await monitor.exited, 0, monitor.log().slice(-2000));
    assert.match(monitor.log(), /stopped/);
    assert.deepEqual(await processesWithEnv(monitorDir), [], "no process of the monitor's is left");
  });

  test("--once: a paused cycle is recorded and exits 0; a hung cycle is killed at its timeout, recorded as timed out, exits 1 and leaves nothing behind", async () => {
    const monitorDir = path.join(dir, "once");
    const common = {
      ...stack.env,
      SYNTHETIC_ENV: "local",
      MONITOR_DATABASE_URL: history.url,
      MONITOR_DIR: monitorDir,
      MONITOR_PORT: "0",
      MONITOR_LOCATION: "once",
      ALERT_STATE_PATH: path.join(monitorDir, "alerts", "state.json"),
      ALERT_JOURNAL_PATH: path.join(monitorDir, "alerts", "journal.jsonl"),
    };
    const paused = startMonitor(
      {
        ...common,
        MONITOR_CONFIG: await configFile(dir, "paused", {
          ...FAST_HEALTH_ONLY,
          maintenance: [
            {
              id: "db-upgrade",
              effect: "pause",
              when: {
                startsAt: new Date(Date.now() - 60_000).toISOString(),
                endsAt: new Date(Date.now() + 3_600_000).toISOString(),
              },
            },
          ],
        }),
      },
      ["--once", "--job", "health"],
    );
    assert.equal(await paused.exited, 0, paused.log());
    assert.match(paused.log(), /paused by maintenance db-upgrade/);

    const hung = startMonitor(
      {
        ...common,
        MONITOR_CONFIG: await configFile(dir, "hung", {
          ...FAST_HEALTH_ONLY,
          cycleTimeoutMinutes: 0.02,
        }),
      },
      ["--once", "--job", "health"],
    );
    assert.equal(await hung.exited, 1, hung.log());
    assert.match(hung.log(), /health cycle \w+: timed-out/);
    assert.deepEqual(
      await processesWithEnv(monitorDir),
      [],
      "the killed cycle took its workers with it",
    );

    // Slower than /health's degraded budget (750 ms), within its failing one (1000 ms).
    await stack.faults.set("backend-latency=850");
    // Three slow cycles: the check passes each time; its "degraded" companion warns after the warning threshold.
    for (let run = 0; run < 3; run++) {
      const slow = startMonitor(
        {
          ...common,
          MONITOR_CONFIG: await configFile(dir, "slow", FAST_HEALTH_ONLY),
          ALERT_WEBHOOK_URL: `${webhook.url}/slow`,
        },
        ["--once", "--job", "health"],
      );
      assert.equal(await slow.exited, 0, `degraded never fails a cycle:\n${slow.log()}`);
      assert.match(
        slow.log(),
        /~ \[api\] backend health › GET \/health is up and reaches the database \(degraded\)/,
      );
    }
    const warned = webhook.received
      .filter((r) => r.path === "/slow")
      .map((r) => JSON.parse(r.body) as { status: string; severity: string; text: string });
    assert.equal(warned.length, 1, "one warning after three degraded runs");
    assert.equal(warned[0]?.status, "firing");
    assert.equal(warned[0]?.severity, "warning");
    assert.match(warned[0]?.text ?? "", /GET \/health is up and reaches the database › degraded/);
    assert.match(warned[0]?.text ?? "", /over its degraded budget of 750 ms/);
    await stack.faults.clear("backend-latency");

    // Silenced: the checks run and are recorded, nobody is told; after the window the alert goes out.
    const silenced = await configFile(dir, "silenced", {
      ...FAST_HEALTH_ONLY,
      maintenance: [
        {
          id: "deploy",
          effect: "silence",
          when: {
            startsAt: new Date(Date.now() - 60_000).toISOString(),
            endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          },
        },
      ],
    });
    await stack.faults.set("backend-down");
    try {
      for (let run = 0; run < 2; run++) {
        const quiet = startMonitor(
          { ...common, MONITOR_CONFIG: silenced, ALERT_WEBHOOK_URL: `${webhook.url}/once` },
          ["--once", "--job", "health"],
        );
        assert.equal(await quiet.exited, 1, quiet.log());
      }
      assert.deepEqual(
        webhook.received.filter((r) => r.path === "/once").map((r) => r.body.slice(0, 300)),
        [],
        "a silenced window alerts nobody",
      );
      const loud = startMonitor(
        {
          ...common,
          MONITOR_CONFIG: await configFile(dir, "loud", FAST_HEALTH_ONLY),
          ALERT_WEBHOOK_URL: `${webhook.url}/once`,
        },
        ["--once", "--job", "health"],
      );
      assert.equal(await loud.exited, 1, loud.log());
      const sent = webhook.received.filter((r) => r.path === "/once");
      assert.equal(sent.length, 1, "still failing once the window is over: announced");
      assert.match(sent[0]?.body ?? "", /"status":"firing"/);
    } finally {
      await stack.faults.clear("backend-down");
    }

    const db = new pg.Client({ connectionString: history.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ status: string; maintenance: unknown }>(
        "select status, maintenance from synthetic_monitor.cycles where location = 'once' order by started_at",
      );
      assert.deepEqual(
        rows.map((r) => r.status),
        ["paused", "timed-out", "passed", "passed", "passed", "failed", "failed", "failed"],
      );
      assert.deepEqual(rows[0]?.maintenance, [{ id: "db-upgrade", effect: "pause" }]);
      assert.deepEqual(rows[5]?.maintenance, [{ id: "deploy", effect: "silence" }]);
      const degraded = await db.query<{ status: string; timings: Record<string, number> }>(
        "select r.status, r.timings from synthetic_monitor.results r join synthetic_monitor.cycles c using (run_id) where c.location = 'once' and c.status = 'passed'",
      );
      assert.deepEqual(
        degraded.rows.map((r) => r.status),
        ["degraded", "degraded", "degraded"],
      );
      assert.ok(
        (degraded.rows[0]?.timings["backend /health"] ?? 0) >= 850,
        "the timing is in the history",
      );
    } finally {
      await db.end();
    }
  });

  test("two locations with a quorum of 2: a failure one location sees alone alerts nobody; seen from both, it alerts", async () => {
    const monitorDir = path.join(dir, "quorum");
    const config = await configFile(dir, "quorum", {
      ...FAST_HEALTH_ONLY,
      quorum: { locations: 2, withinMinutes: 10 },
    });
    const hook = await httpReceiver(slackOk);
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const at = (location: string, extra: Record<string, string> = {}) =>
      startMonitor(
        {
          ...stack.env,
          ...extra,
          // Its own environment: the other tests' failures of the same check are not this quorum's.
          SYNTHETIC_ENV: "quorum",
          MONITOR_CONFIG: config,
          MONITOR_DATABASE_URL: history.url,
          MONITOR_DIR: path.join(monitorDir, location),
          MONITOR_PORT: "0",
          MONITOR_LOCATION: location,
          ALERT_WEBHOOK_URL: `${hook.url}/hook`,
          // One alert state for both locations, as a shared database would be.
          ALERT_STATE_PATH: path.join(monitorDir, "state.json"),
          ALERT_JOURNAL_PATH: path.join(monitorDir, "journal.jsonl"),
        },
        ["--once", "--job", "health"],
      );
    try {
      // Location b cannot reach the backend (its own network problem); a can.
      for (let run = 0; run < 2; run++) {
        const b = at("b", { BACKEND_URL: `http://127.0.0.1:${closed}` });
        assert.equal(await b.exited, 1, b.log());
        assert.match(
          b.log(),
          /quorum: backend health › GET \/health is up and reaches the database: failing from 1 of the 2 locations/,
        );
      }
      assert.equal(hook.received.length, 0, "one location failing alone alerts nobody");

      await stack.faults.set("backend-down");
      for (let run = 0; run < 2; run++) {
        const a = at("a");
        assert.equal(await a.exited, 1, a.log());
      }
      await hook.inbox.waitFor(1);
      assert.equal(
        (JSON.parse(hook.received[0]?.body ?? "{}") as { status?: string }).status,
        "firing",
      );
    } finally {
      await stack.faults.clear("backend-down");
      await hook.close();
    }
  });
});
