import assert from "node:assert/strict";
import { test } from "node:test";
import { fingerprintOf } from "../identity.ts";
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

test("a flaky check (passed on retry) never pages; it lands in the digest", () => {
  const engine = new EngineHarness();
  for (let i = 0; i < 4; i++) {
    const { sent } = engine.run(
      [critical("login", "flaky", { error: "Timeout 5000ms exceeded" })],
      T0 + i * MINUTE,
    );
    assert.equal(sent.filter((n) => n.kind === "alert").length, 0, "flaky must not alert");
    if (i === 0) {
      const digest = sent.find((n) => n.kind === "digest");
      assert.equal(digest?.channel, "email", "the first flaky result goes out in the digest");
      assert.equal(digest?.digest[0]?.kind, "flaky");
      assert.match(digest?.digest[0]?.error ?? "", /Timeout 5000ms/);
    }
  }
  const record = Object.values(engine.state.checks)[0];
  assert.equal(record?.status, "ok");
  assert.equal(record?.consecutiveFailures, 0);
});

test("the digest waits for its interval during scheduled runs and counts repeats", () => {
  const engine = new EngineHarness();
  engine.run([check("search", "flaky")], T0);
  const quiet = engine.run([check("search", "flaky")], T0 + 10 * MINUTE);
  assert.equal(quiet.sent.length, 0, "inside the 60 min digest interval nothing is sent");
  engine.run([check("search", "flaky")], T0 + 20 * MINUTE);
  const due = engine.run([check("search", "passed")], T0 + 61 * MINUTE);
  assert.equal(due.sent[0]?.kind, "digest");
  assert.equal(due.sent[0]?.digest[0]?.count, 2, "two flaky runs since the last digest");
});

test("scheduled runs wait for N consecutive failed runs (critical N=2, warning N=3)", () => {
  const engine = new EngineHarness();
  const results = (outcome: "failed") => [
    critical("health", outcome),
    check("profile page", outcome),
  ];
  assert.equal(engine.run(results("failed"), T0).sent.length, 0, "one failed run is not an outage");
  const second = engine.run(results("failed"), T0 + 5 * MINUTE).sent;
  assert.deepEqual(
    on("sms", second).map((n) => titles(n.firing)),
    [["health"]],
  );
  assert.deepEqual(
    titles(on("slack", second)[0]?.firing ?? []),
    ["health"],
    "warning not yet at N=3",
  );
  const third = engine.run(results("failed"), T0 + 10 * MINUTE).sent;
  assert.deepEqual(titles(on("slack", third)[0]?.firing ?? []), ["health", "profile page"]);
  assert.equal(on("slack", third)[0]?.reason, "grown");
  assert.equal(
    on("sms", third).length,
    0,
    "SMS heard about health already; the warning is not routed there",
  );
});

test("acceptance runs alert on the first final failure", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const { sent } = engine.run([check("profile page", "failed")], T0);
  assert.deepEqual(
    on("email", sent).map((n) => n.reason),
    ["new"],
  );
});

test("T minutes of continuous failure fire before N runs are reached", () => {
  const engine = new EngineHarness();
  engine.run([check("slow page", "failed")], T0);
  const { sent } = engine.run([check("slow page", "failed")], T0 + 31 * MINUTE);
  assert.equal(on("email", sent).length, 1, "30 minutes of failure is enough for a warning");
});

test("a run without a result for a check (skipped, interrupted) leaves its counters alone", () => {
  const engine = new EngineHarness();
  engine.run([critical("health", "failed")], T0);
  engine.run([], T0 + 5 * MINUTE);
  const { sent } = engine.run([critical("health", "failed")], T0 + 10 * MINUTE);
  assert.equal(on("sms", sent).length, 1, "two failed runs with a gap between still make N=2");
});

test("identity is stable while the error text, duration and run change", () => {
  const engine = new EngineHarness();
  engine.run([critical("health", "failed", { error: "Error: 503 after 1200ms" })], T0);
  const { sent } = engine.run(
    [critical("health", "failed", { error: "Error: ECONNRESET after 30ms" })],
    T0 + MINUTE,
  );
  const firing = on("sms", sent)[0]?.firing ?? [];
  assert.equal(firing.length, 1, "the same check, not two new ones");
  assert.equal(Object.keys(engine.state.checks).length, 1);
  assert.equal(
    firing[0]?.fingerprint,
    fingerprintOf({
      environment: "local",
      project: "api",
      file: "tests/api/health.spec.ts",
      title: "health",
    }),
  );
  assert.equal(firing[0]?.failedRuns, 2);
});

test("50 failures in one group make one message per channel", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const results = Array.from({ length: 50 }, (_, i) => critical(`check ${i}`, "failed"));
  const { sent } = engine.run(results, T0);
  for (const channel of ["sms", "slack", "email"] as const) {
    const messages = on(channel, sent);
    assert.equal(messages.length, 1, `${channel}: one message`);
    assert.equal(messages[0]?.firing.length, 50, `${channel}: listing all 50`);
  }
});

test("repeat interval: reminders after the interval, at most `amount` of them", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const failing = [check("profile page", "failed")];
  assert.equal(on("slack", engine.run(failing, T0).sent)[0]?.reason, "new");
  assert.equal(
    on("slack", engine.run(failing, T0 + 30 * MINUTE).sent).length,
    0,
    "nothing new inside the hour",
  );
  assert.equal(on("slack", engine.run(failing, T0 + 60 * MINUTE).sent)[0]?.reason, "reminder");
  assert.equal(on("slack", engine.run(failing, T0 + 90 * MINUTE).sent).length, 0);
  assert.equal(on("slack", engine.run(failing, T0 + 120 * MINUTE).sent)[0]?.reason, "reminder");
  assert.equal(
    on("slack", engine.run(failing, T0 + 240 * MINUTE).sent).length,
    0,
    "two reminders, then quiet",
  );
  const grown = engine.run([...failing, check("search", "failed")], T0 + 241 * MINUTE).sent;
  assert.equal(on("slack", grown)[0]?.reason, "grown", "a new failure is news again");
});

test("resolve after K consecutive passes, with a resolved notice to everyone who was told", () => {
  const engine = new EngineHarness();
  for (let i = 0; i < 3; i++) engine.run([check("profile page", "failed")], T0 + i * 5 * MINUTE);
  assert.equal(
    engine.run([check("profile page", "passed")], T0 + 15 * MINUTE).sent.length,
    0,
    "K=2: one pass is not enough",
  );
  const { sent } = engine.run([check("profile page", "passed")], T0 + 20 * MINUTE);
  const notice = on("email", sent)[0];
  assert.equal(notice?.reason, "resolved");
  assert.deepEqual(titles(notice?.resolved ?? []), ["profile page"]);
  assert.equal(notice?.resolved[0]?.failedRuns, 3);
  assert.equal(
    on("sms", sent).length,
    0,
    "SMS never heard about this warning, so no resolve there",
  );
  assert.equal(
    engine.state.notifications["synthetic/local/backend|email"],
    undefined,
    "log cleared",
  );
});

test("no phantom recovery: a check that never fired, or never reached a channel, resolves silently", () => {
  const engine = new EngineHarness();
  engine.run([critical("health", "failed")], T0);
  assert.equal(
    engine.run([critical("health", "passed")], T0 + MINUTE).sent.length,
    0,
    "pending → ok is not news",
  );

  engine.failing.add("sms");
  engine.run([critical("health", "failed")], T0 + 2 * MINUTE);
  const fired = engine.run([critical("health", "failed")], T0 + 3 * MINUTE);
  assert.equal(on("sms", fired.sent).length, 0, "SMS could not deliver");
  const { sent } = engine.run([critical("health", "passed")], T0 + 4 * MINUTE);
  assert.equal(on("slack", sent)[0]?.reason, "resolved");
  assert.equal(on("sms", sent).length, 0, "SMS never announced it, so it gets no resolve");
  assert.equal(sent.filter((n) => n.channel === "sms").length, 0);
  assert.equal(fired.planned.filter((n) => n.channel === "sms").length, 1, "SMS was planned");
});

test("an undelivered notification is not logged as sent: the next run tries again", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  engine.failing.add("sms");
  engine.run([critical("health", "failed")], T0);
  engine.failing.clear();
  const { sent } = engine.run([critical("health", "failed")], T0 + 5 * MINUTE);
  assert.equal(on("sms", sent)[0]?.reason, "new", "SMS retried with the still-firing alert");
  assert.equal(on("slack", sent).length, 0, "Slack delivered last run; nothing new for it");
});
