import assert from "node:assert/strict";
import { test } from "node:test";
import { percentStateChange } from "../flapping.ts";
import {
  check,
  critical,
  EngineHarness,
  MINUTE,
  T0,
  testPolicy,
  titles,
} from "./support/engine-harness.ts";

const on = EngineHarness.on;

test("routing: the first matching route wins unless it says continue", () => {
  const policy = testPolicy({
    routes: [
      { match: { severity: "critical" }, channels: ["sms"], continue: true },
      { match: { tier: "backend" }, channels: ["slack"] },
      { channels: ["email"] },
    ],
  });
  const engine = new EngineHarness(policy, "acceptance");
  const { sent } = engine.run(
    [
      critical("health", "failed"),
      check("home page", "failed", { tier: "frontend", project: "browser" }),
    ],
    T0,
  );
  const where = (title: string) =>
    sent
      .filter((n) => n.firing.some((v) => v.title === title))
      .map((n) => n.channel)
      .sort();
  assert.deepEqual(
    where("health"),
    ["slack", "sms"],
    "critical → SMS, continue → backend route → Slack, stop",
  );
  assert.deepEqual(where("home page"), ["email"], "falls through to the catch-all route");
});

test("groups: one message per environment and tier", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const { sent } = engine.run(
    [
      check("a", "failed"),
      check("b", "failed"),
      check("c", "failed", { tier: "database", project: "schema" }),
    ],
    T0,
  );
  assert.deepEqual(
    on("email", sent)
      .map((n) => n.groupKey)
      .sort(),
    ["synthetic/local/backend", "synthetic/local/database"],
  );
});

test("escalation: after M runs (or X minutes) still firing the next tier joins", () => {
  const policy = testPolicy({
    routes: [
      {
        channels: ["slack"],
        escalate: [
          { afterRuns: 3, channels: ["sms"] },
          { afterMinutes: 60, channels: ["email"] },
        ],
      },
    ],
  });
  const engine = new EngineHarness(policy, "acceptance");
  const failing = [check("profile page", "failed")];
  assert.deepEqual(
    engine.run(failing, T0).sent.map((n) => n.channel),
    ["slack"],
  );
  assert.equal(engine.run(failing, T0 + MINUTE).sent.length, 0);
  const third = engine.run(failing, T0 + 2 * MINUTE).sent;
  assert.deepEqual(
    third.map((n) => n.channel),
    ["sms"],
    "third firing run adds SMS",
  );
  const later = engine.run(failing, T0 + 61 * MINUTE).sent;
  assert.deepEqual(later.map((n) => `${n.channel}:${n.reason}`).sort(), [
    "email:new",
    "slack:reminder",
  ]);
  const resolved = engine.run([check("profile page", "passed")], T0 + 62 * MINUTE).sent;
  assert.deepEqual(
    resolved.map((n) => n.channel).sort(),
    ["email", "slack", "sms"],
    "everyone told hears the resolve",
  );
});

test("inhibition: a failing @root check mutes the rest of its environment", () => {
  const engine = new EngineHarness(
    testPolicy({ inhibit: [{ source: { tag: "@root" } }] }),
    "acceptance",
  );
  const dependents = Array.from({ length: 20 }, (_, i) => check(`dependent ${i}`, "failed"));
  const root = critical("backend /health", "failed", { tags: ["@critical", "@root"] });
  const otherEnv = check("staging page", "failed", { environment: "staging" });
  const { sent, pairs } = engine.run([root, ...dependents, otherEnv], T0);
  const alerts = sent.filter((n) => n.kind === "alert");
  assert.deepEqual(
    [...new Set(alerts.flatMap((n) => titles(n.firing)))],
    ["backend /health"],
    "one outage, one alert",
  );
  assert.ok(
    pairs.some((p) => p.muted.some((m) => m.reason === "inhibited")),
    "the journal says why",
  );
  const recovered = engine.run([{ ...root, outcome: "passed" }, ...dependents], T0 + MINUTE).sent;
  const email = on("email", recovered)[0];
  assert.equal(
    email?.firing.length,
    20,
    "root back up: the dependents that still fail are announced",
  );
  assert.deepEqual(titles(email?.resolved ?? []), ["backend /health"]);
});

test("inhibition: two failing root checks do not mute each other", () => {
  const engine = new EngineHarness(
    testPolicy({ inhibit: [{ source: { tag: "@root" } }] }),
    "acceptance",
  );
  const roots = [
    critical("backend /health", "failed", { tags: ["@root"] }),
    critical("supabase reachable", "failed", { tags: ["@root"], tier: "Supabase auth" }),
  ];
  const { sent } = engine.run(roots, T0);
  assert.equal(on("sms", sent).flatMap((n) => n.firing).length, 2);
});

test("silences: quiet inside the window, state keeps counting, announced when it ends", () => {
  const policy = testPolicy({
    silences: [
      {
        matchers: { tier: "backend" },
        startsAt: new Date(T0),
        endsAt: new Date(T0 + 30 * MINUTE),
        comment: "deploy",
      },
    ],
  });
  const engine = new EngineHarness(policy, "acceptance");
  for (let i = 0; i < 3; i++) {
    const { sent } = engine.run([critical("health", "failed")], T0 + i * 10 * MINUTE);
    assert.equal(sent.length, 0, `run ${i} is inside the maintenance window`);
  }
  const record = Object.values(engine.state.checks)[0];
  assert.equal(record?.consecutiveFailures, 3, "state kept updating");
  const after = engine.run([critical("health", "failed")], T0 + 30 * MINUTE).sent;
  assert.deepEqual(after.map((n) => n.channel).sort(), ["email", "slack", "sms"]);
  assert.equal(after[0]?.firing[0]?.failedRuns, 4);
});

test("silences: an alert announced before the window that resolves inside it is resolved after it", () => {
  const policy = testPolicy({
    silences: [
      {
        matchers: { tier: "backend" },
        startsAt: new Date(T0 + 5 * MINUTE),
        endsAt: new Date(T0 + 30 * MINUTE),
      },
    ],
  });
  const engine = new EngineHarness(policy, "acceptance");
  assert.equal(engine.run([check("health", "failed")], T0).sent.length, 2);
  assert.equal(engine.run([check("health", "passed")], T0 + 10 * MINUTE).sent.length, 0, "muted");
  const { sent } = engine.run([check("other", "passed")], T0 + 31 * MINUTE);
  assert.deepEqual(
    sent.map((n) => n.reason),
    ["resolved", "resolved"],
  );
});

test("flapping: one start notice, then quiet, then one stop notice", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const digestKinds: string[] = [];
  let alertsWhileFlapping = 0;
  let at = T0;
  for (let i = 0; i < 16; i++) {
    at += MINUTE;
    const { sent } = engine.run([check("search", i % 2 === 0 ? "failed" : "passed")], at);
    const flappingNow = Object.values(engine.state.checks)[0]?.flapping;
    for (const n of sent) digestKinds.push(...n.digest.map((d) => d.kind));
    if (flappingNow && !digestKinds.includes("flapping-start"))
      assert.fail("flapping without a start notice");
    if (flappingNow) alertsWhileFlapping += sent.filter((n) => n.kind === "alert").length;
  }
  assert.deepEqual(digestKinds, ["flapping-start"], "exactly one start notice so far");
  assert.equal(alertsWhileFlapping, 0, "no fire/resolve churn while flapping");
  let stopped = false;
  for (let i = 0; i < 21 && !stopped; i++) {
    at += MINUTE;
    const { sent } = engine.run([check("search", "passed")], at);
    for (const n of sent) digestKinds.push(...n.digest.map((d) => d.kind));
    stopped = !Object.values(engine.state.checks)[0]?.flapping;
  }
  assert.ok(stopped, "settles within the 21-run window");
  assert.deepEqual(digestKinds, ["flapping-start", "flapping-stop"]);
});

test("flap detection weighs recent changes more (Nagios curve)", () => {
  const steady = Array(21).fill("P");
  assert.equal(percentStateChange(steady), 0);
  const alternating = Array.from({ length: 21 }, (_, i) => (i % 2 ? "P" : "F"));
  assert.equal(Math.round(percentStateChange(alternating)), 100);
  const recent = [...Array(17).fill("P"), "F", "P", "F", "P"];
  const old = ["F", "P", "F", "P", ...Array(17).fill("P")];
  assert.ok(
    percentStateChange(recent) > percentStateChange(old),
    "the same changes count more when recent",
  );
});

test("notifier-health checks go to notifier channels, never to the channel they are about", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const broken = check("notifier slack delivers alerts", "failed", {
    tier: "notifier",
    project: "alerts",
    severity: "critical",
  });
  const { sent } = engine.run([{ ...broken, avoidChannel: "slack" }], T0, "notifier");
  assert.deepEqual(
    sent.map((n) => n.channel),
    ["email"],
  );
});
