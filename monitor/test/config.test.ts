import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { loadMonitorConfig } from "../config-file.ts";
import { defineMonitor, MonitorConfigError, type MonitorConfigInput } from "../config-schema.ts";
import { MonitorEnvError, monitorEnv } from "../env.ts";
import projectConfig from "../monitor.config.ts";

/** Asserts that `run` throws `kind` and that its message matches every pattern. */
function refuses(run: () => unknown, kind: new (...args: never[]) => Error, ...patterns: RegExp[]) {
  assert.throws(run, (error: Error) => {
    assert.ok(
      error instanceof kind,
      `expected a ${kind.name}, got ${error.name}: ${error.message}`,
    );
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

const refusesConfig = (input: unknown, ...patterns: RegExp[]) =>
  refuses(() => defineMonitor(input as MonitorConfigInput), MonitorConfigError, ...patterns);

describe("defineMonitor", () => {
  test("an empty config gets every default", () => {
    const config = defineMonitor({});
    assert.equal(config.every, "*/5 * * * *");
    assert.equal(config.timezone, "UTC");
    assert.deepEqual(config.schedules, []);
    assert.equal(config.jitterSeconds, 5);
    assert.equal(config.cycleTimeoutMinutes, 10);
    assert.equal(config.stopGraceSeconds, 60);
    assert.deepEqual(config.recheck, {
      attempts: 1,
      backoff: "exponential",
      delaySeconds: 5,
      networkOnly: false,
    });
    assert.deepEqual(config.tighten, { cron: "*/30 * * * * *", passes: 2 });
    assert.deepEqual(config.maintenance, []);
    assert.equal(config.retentionDays, 90);
    assert.equal(config.quorum, undefined);
  });

  test("a schedule and a maintenance window get their defaults", () => {
    const config = defineMonitor({
      schedules: [{ name: "nightly-email", cron: "0 3 * * *" }],
      maintenance: [
        { id: "db-upgrade", effect: "pause", when: { cron: "0 2 * * sun", durationMinutes: 30 } },
      ],
    });
    assert.deepEqual(config.schedules[0], {
      name: "nightly-email",
      cron: "0 3 * * *",
      timezone: "UTC",
      only: {},
    });
    assert.deepEqual(config.maintenance[0], {
      id: "db-upgrade",
      effect: "pause",
      scope: {},
      when: { cron: "0 2 * * sun", durationMinutes: 30, timezone: "UTC" },
      comment: "",
    });
  });

  test("six-field (seconds) cron expressions are accepted", () => {
    const config = defineMonitor({
      every: "*/1 * * * * *",
      schedules: [{ name: "fast", cron: "*/10 * * * * *" }],
    });
    assert.equal(config.every, "*/1 * * * * *");
    assert.equal(config.schedules[0]?.cron, "*/10 * * * * *");
  });

  test("a bad cron names its field", () => {
    refusesConfig({ every: "every five minutes" }, /every: is not a cron expression/);
    refusesConfig({ every: "61 * * * *" }, /every: is not a cron expression/);
    refusesConfig(
      { schedules: [{ name: "nightly", cron: "0 25 * * *" }] },
      /schedules\.0\.cron: is not a cron expression/,
    );
    refusesConfig(
      {
        maintenance: [
          { id: "weekly", effect: "pause", when: { cron: "nope", durationMinutes: 10 } },
        ],
      },
      /maintenance\.0\.when\.cron: is not a cron expression/,
    );
    refusesConfig({ tighten: { cron: "* *" } }, /tighten\.cron: is not a cron expression/);
  });

  test("a bad timezone names its field", () => {
    refusesConfig({ timezone: "Mars/Olympus" }, /timezone: is not an IANA time zone/);
    refusesConfig(
      { schedules: [{ name: "nightly", cron: "0 3 * * *", timezone: "Europe/Nowhere" }] },
      /schedules\.0\.timezone: is not an IANA time zone/,
    );
  });

  test("a one-off window that ends before it starts is refused", () => {
    refusesConfig(
      {
        maintenance: [
          {
            id: "upgrade",
            effect: "silence",
            when: { startsAt: "2026-05-02T10:00:00Z", endsAt: "2026-05-02T09:00:00Z" },
          },
        ],
      },
      /maintenance\.0\.when: a window must end after it starts/,
    );
  });

  test("schedule names are unique and never the default schedule's", () => {
    refusesConfig(
      {
        schedules: [
          { name: "nightly", cron: "0 3 * * *" },
          { name: "nightly", cron: "0 4 * * *" },
        ],
      },
      /schedules: the name "nightly"/,
    );
    refusesConfig(
      { schedules: [{ name: "default", cron: "0 3 * * *" }] },
      /schedules: .*"default"/,
    );
  });

  test('the re-check job\'s name "recheck" is reserved too', {}, () => {
    refusesConfig({ schedules: [{ name: "recheck", cron: "0 3 * * *" }] }, /"recheck"/);
  });

  test("unknown keys are refused, at the root and inside", () => {
    refusesConfig({ evry: "* * * * *" }, /\(root\): Unrecognized key: "evry"/);
    refusesConfig(
      { schedules: [{ name: "nightly", cron: "0 3 * * *", tz: "UTC" }] },
      /schedules\.0: Unrecognized key: "tz"/,
    );
    refusesConfig({ recheck: { attempts: 1, retries: 2 } }, /recheck: Unrecognized key: "retries"/);
  });

  test("the error names where the config came from", () => {
    refuses(
      () => defineMonitor({ jitterSeconds: -1 }, "MONITOR_CONFIG ./mine.mjs"),
      MonitorConfigError,
      /^MONITOR_CONFIG \.\/mine\.mjs is invalid/,
      /jitterSeconds:/,
    );
  });

  test("a parsed config parses again to itself", () => {
    const once = defineMonitor({
      every: "*/2 * * * *",
      schedules: [{ name: "smoke", cron: "*/1 * * * *", only: { tags: ["@smoke"] } }],
      maintenance: [
        {
          id: "upgrade",
          effect: "pause",
          when: { startsAt: "2026-05-02T09:00:00Z", endsAt: new Date("2026-05-02T10:00:00Z") },
        },
        {
          id: "backup",
          effect: "silence",
          scope: { projects: ["schema"] },
          when: { cron: "0 2 * * *", durationMinutes: 15, timezone: "Europe/Berlin" },
        },
        {
          id: "weekend",
          effect: "silence",
          when: { days: ["sat", "sun"], from: "22:00", to: "06:00" },
          comment: "deploy window",
        },
      ],
      quorum: { locations: 2, withinMinutes: 10 },
    });
    assert.deepEqual(defineMonitor(once), once);
    assert.deepEqual(defineMonitor(defineMonitor(once)), once);
  });
});

test("schedules and windows without a time zone take the config's; their own wins", () => {
  const config = defineMonitor({
    timezone: "America/New_York",
    schedules: [
      { name: "east", cron: "0 9 * * *" },
      { name: "tokyo", cron: "0 9 * * *", timezone: "Asia/Tokyo" },
    ],
    maintenance: [
      { id: "weekly", effect: "pause", when: { days: ["sun"], from: "01:00", to: "02:00" } },
      {
        id: "once",
        effect: "pause",
        when: { startsAt: "2026-12-05T02:00:00Z", endsAt: "2026-12-05T03:00:00Z" },
      },
    ],
  });
  assert.deepEqual(
    config.schedules.map((s) => s.timezone),
    ["America/New_York", "Asia/Tokyo"],
  );
  const weekly = config.maintenance[0]?.when;
  assert.ok(weekly && "days" in weekly);
  assert.equal(weekly.timezone, "America/New_York");
  assert.deepEqual(defineMonitor(config), config, "a parsed config parses to itself");
});

describe("loadMonitorConfig", () => {
  let dir = "";
  const file = async (name: string, text: string) => {
    dir ||= await mkdtemp(path.join(tmpdir(), "monitor-config-test-"));
    await writeFile(path.join(dir, name), text);
    return name;
  };
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const rejectsWith = async (load: Promise<unknown>, ...patterns: RegExp[]) => {
    await assert.rejects(load, (error: Error) => {
      assert.ok(error instanceof MonitorConfigError, `expected a MonitorConfigError: ${error}`);
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    });
  };

  test("without a path it is the project's own config", async () => {
    assert.equal(await loadMonitorConfig(undefined, "/nowhere"), projectConfig);
    assert.equal(await loadMonitorConfig("", "/nowhere"), projectConfig);
    assert.equal(projectConfig.every, "*/5 * * * *");
  });

  test("a module exporting a plain object is checked and gets the defaults", async () => {
    const name = await file(
      "plain.mjs",
      'export default { every: "*/10 * * * *", schedules: [{ name: "nightly", cron: "0 3 * * *" }] };\n',
    );
    const config = await loadMonitorConfig(name, dir);
    assert.equal(config.every, "*/10 * * * *");
    assert.equal(config.schedules[0]?.timezone, "UTC", "the schedule's defaults are filled in");
    assert.equal(config.jitterSeconds, 5);
  });

  test("a missing module names MONITOR_CONFIG", async () => {
    await rejectsWith(
      loadMonitorConfig("does-not-exist.mjs", dir || tmpdir()),
      /MONITOR_CONFIG does-not-exist\.mjs/,
      /could not be loaded/,
    );
  });

  test("a module without a default export names MONITOR_CONFIG", async () => {
    const name = await file("named.mjs", 'export const config = { every: "* * * * *" };\n');
    await rejectsWith(
      loadMonitorConfig(name, dir),
      /MONITOR_CONFIG named\.mjs/,
      /has no default export/,
    );
  });

  test("a module with a bad field names MONITOR_CONFIG and the field", async () => {
    const name = await file(
      "bad.mjs",
      'export default { every: "*/5 * * *", retentionDays: 0 };\n',
    );
    await rejectsWith(
      loadMonitorConfig(name, dir),
      /^MONITOR_CONFIG bad\.mjs is invalid/,
      /every: is not a cron expression/,
      /retentionDays:/,
    );
  });
});

describe("monitorEnv", () => {
  test("defaults: port 9464 on 127.0.0.1, .monitor under the root, location default", () => {
    const env = monitorEnv({}, "/srv/suite");
    assert.equal(env.port, 9464);
    assert.equal(env.host, "127.0.0.1");
    assert.equal(env.dir, path.resolve("/srv/suite", ".monitor"));
    assert.equal(env.location, "default");
    assert.equal(env.environment, "local");
    assert.equal(env.configPath, undefined);
    assert.equal(env.schedule, undefined);
    assert.equal(env.databaseUrl, undefined);
    assert.equal(env.heartbeatUrl, undefined);
  });

  test("values are read, trimmed, and the dir resolved against the root", () => {
    const env = monitorEnv(
      {
        MONITOR_PORT: " 0 ",
        MONITOR_DIR: "state/monitor",
        MONITOR_LOCATION: "eu-west",
        MONITOR_DATABASE_URL: "postgresql://monitor@db:5432/history",
        MONITOR_HEARTBEAT_URL: "https://hc-ping.com/abc",
        MONITOR_CONFIG: "./mine.mjs",
      },
      "/srv/suite",
    );
    assert.equal(env.port, 0, "0 turns the HTTP endpoint off");
    assert.equal(env.dir, "/srv/suite/state/monitor");
    assert.equal(env.location, "eu-west");
    assert.equal(env.databaseUrl, "postgresql://monitor@db:5432/history");
    assert.equal(env.heartbeatUrl, "https://hc-ping.com/abc");
    assert.equal(env.configPath, "./mine.mjs");
  });

  test("a bad value names the variable and never shows the value", () => {
    const cases: Array<[string, string]> = [
      ["MONITOR_PORT", "http-port"],
      ["MONITOR_PORT", "70000"],
      ["MONITOR_PORT", "-1"],
      ["MONITOR_DATABASE_URL", "mysql://monitor:hunter2secret@db/history"],
      ["MONITOR_HEARTBEAT_URL", "ftp://hc-ping.com/secret-uuid-1234"],
      ["MONITOR_LOCATION", "eu west/office!"],
    ];
    for (const [name, value] of cases) {
      refuses(() => monitorEnv({ [name]: value }, "/srv"), MonitorEnvError, new RegExp(`${name}:`));
      try {
        monitorEnv({ [name]: value }, "/srv");
      } catch (error) {
        assert.ok(
          !(error as Error).message.includes(value),
          `${name}'s message must not show its value: ${(error as Error).message}`,
        );
      }
    }
  });
});
