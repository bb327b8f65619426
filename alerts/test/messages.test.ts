import assert from "node:assert/strict";
import { test } from "node:test";
import { renderEmail } from "../messages/email.ts";
import { renderSlack } from "../messages/slack.ts";
import { renderSms, SMS_LIMIT } from "../messages/sms.ts";
import { plainText } from "../messages/text.ts";
import type { Notification } from "../types.ts";
import {
  check,
  critical,
  EngineHarness,
  MINUTE,
  T0,
  testPolicy,
} from "./support/engine-harness.ts";

test("an alert says what, where, since when, how many runs, the error's first lines, run and links", () => {
  const engine = new EngineHarness(testPolicy(), "scheduled");
  const result = critical("auth › register returns 201", "failed", {
    error:
      "\u001b[31mError: expect(received).toBe(expected)\u001b[39m\n\nExpected: 201\nReceived: 500\nline 4\nline 5\nline 6 is cut",
  });
  const withLinks = { ...result, links: { trace: "https://ci.example/artifacts/trace.zip" } };
  engine.run([withLinks], T0);
  const n = EngineHarness.on(
    "email",
    engine.run([withLinks], T0 + 7 * MINUTE).sent,
  )[0] as Notification;
  const text = plainText({ ...n, run: { ...n.run, reportUrl: "https://ci.example/report/" } });
  assert.match(text, /^\[FIRING:1\] critical local · backend: 1 check failing/);
  assert.match(text, /✖ auth › register returns 201/);
  assert.match(text, /tests\/api\/health\.spec\.ts:3 · tier backend · project api · critical/);
  assert.match(text, /failing since 2026-11-26 02:00 UTC \(7 min, 2 runs\)/);
  assert.match(
    text,
    /│ Error: expect\(received\)\.toBe\(expected\)\n {2}│ Expected: 201/,
    "ANSI codes stripped",
  );
  assert.doesNotMatch(text, /line 6 is cut/, "only the first five lines");
  assert.match(text, /Trace: https:\/\/ci\.example\/artifacts\/trace\.zip/);
  assert.match(
    text,
    /Run run-2 · environment local \(scheduled\) · report https:\/\/ci\.example\/report\//,
  );
});

test("a resolved notice says when it recovered and how long it was down", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  engine.run([check("profile page", "failed")], T0);
  engine.run([check("profile page", "failed")], T0 + 5 * MINUTE);
  const n = EngineHarness.on(
    "email",
    engine.run([check("profile page", "passed")], T0 + 20 * MINUTE).sent,
  )[0] as Notification;
  const text = plainText(n);
  assert.match(text, /^\[RESOLVED:1\] local · backend: check passing again/);
  assert.match(
    text,
    /✔ profile page\n.*\n {2}passing again at 2026-11-26 02:20 UTC after 2 runs, down 20 min/,
  );
  const email = renderEmail(n);
  assert.equal(email.subject, "[RESOLVED:1] local · backend: check passing again");
  assert.match(email.html, /<li><b>✔ profile page<\/b>/);
});

test("SMS stays ASCII and within one segment, whatever the input", () => {
  const titles = [
    "short",
    "ünïcödé — “quoted” › nested › deeper",
    "x".repeat(400),
    `${"word ".repeat(60)}end`,
  ];
  for (const title of titles) {
    for (const count of [1, 3, 50]) {
      const engine = new EngineHarness(testPolicy(), "acceptance");
      const results = Array.from({ length: count }, (_, i) => critical(`${title} ${i}`, "failed"));
      const n = EngineHarness.on("sms", engine.run(results, T0).sent)[0] as Notification;
      for (const variant of [
        n,
        { ...n, firing: [], resolved: n.firing },
        { ...n, fallbackFor: { channel: "pagerduty" as const, reason: "x" } },
      ]) {
        const sms = renderSms(variant);
        assert.ok(sms.length <= SMS_LIMIT, `${sms.length} chars: ${sms}`);
        assert.match(sms, /^[\x20-\x7e]+$/);
      }
    }
  }
});

test("Slack stays inside Block Kit limits with 60 alerts", () => {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const results = Array.from({ length: 60 }, (_, i) =>
    check(`check ${i} ${"long ".repeat(30)}`, "failed", { error: "e\n".repeat(50) }),
  );
  const n = EngineHarness.on("slack", engine.run(results, T0).sent)[0] as Notification;
  const { text, blocks } = renderSlack(n);
  assert.ok(blocks.length <= 50, `${blocks.length} blocks`);
  assert.match(JSON.stringify(blocks), /…and 20 more/);
  for (const block of blocks) {
    const body = (block.text as { text?: string } | undefined)?.text ?? "";
    assert.ok(body.length <= 3000);
  }
  const header = blocks[0]?.text as { text: string } | undefined;
  assert.ok((header?.text.length ?? 0) <= 150, "header limit");
  assert.match(text, /^\[FIRING:60\]/);
});

test("an alert leads with the failure's tier and cause, relates it to the deploy before it, and names what is live", () => {
  const engine = new EngineHarness(testPolicy(), "scheduled");
  const previous = {
    platform: "render" as const,
    id: "dep-old",
    status: "deactivated",
    phase: "superseded" as const,
    createdAt: T0 - 60 * MINUTE,
    liveAt: T0 - 55 * MINUTE,
    commit: { sha: "0123456789abcdef", message: "Last good" },
  };
  const released = {
    platform: "render" as const,
    id: "dep-new",
    status: "live",
    phase: "live" as const,
    createdAt: T0 - 6 * MINUTE,
    liveAt: T0 - 2 * MINUTE,
    commit: { sha: "abc1234fedcba98", message: "Move sessions to Redis\nlong body" },
  };
  engine.deploys = { live: [released], recent: [released, previous] };
  const diagnosis =
    "backend on Render · deploy in progress: deploy dep-x (update_in_progress) started 02:00 UTC; GET /health answered 503";
  const result = { ...critical("backend health", "failed", { error: "Expected 200" }), diagnosis };
  engine.run([result], T0);
  const n = EngineHarness.on(
    "email",
    engine.run([result], T0 + 7 * MINUTE).sent,
  )[0] as Notification;
  const text = plainText(n);
  assert.match(
    text,
    /✖ backend health\n {2}⚑ backend on Render · deploy in progress: deploy dep-x/,
  );
  assert.match(
    text,
    /failing since 2026-11-26 02:00 UTC \(7 min, 2 runs\), 2 min after Render deploy dep-new \(commit abc1234 "Move sessions to Redis"\) went live at 01:58 UTC/,
  );
  assert.match(
    text,
    /\nLive: Render deploy dep-new \(commit abc1234 "Move sessions to Redis"\) live since 01:58 UTC\nRun run-2/,
  );
  assert.match(
    renderSlack(n)
      .blocks.map((b) => JSON.stringify(b))
      .join(""),
    /⚑ backend on Render · deploy in progress/,
  );
  assert.match(renderEmail(n).html, /⚑ backend on Render · deploy in progress/);
  assert.match(renderSms(n), /\(backend on Render - deploy in progress\)/);

  // Rolled back: the deploy from before the incident is live again, and the resolve says so.
  const rolledBack = {
    ...previous,
    id: "dep-rollback",
    status: "live",
    phase: "live" as const,
    trigger: "rollback",
    createdAt: T0 + 8 * MINUTE,
    liveAt: T0 + 9 * MINUTE,
  };
  engine.deploys = { live: [rolledBack], recent: [rolledBack, released, previous] };
  const resolved = EngineHarness.on(
    "email",
    engine.run([critical("backend health", "passed")], T0 + 20 * MINUTE).sent,
  )[0] as Notification;
  assert.match(
    plainText(resolved),
    /passing again at 2026-11-26 02:20 UTC after 2 runs, down 20 min, after a rollback: Render deploy dep-rollback \(commit 0123456 "Last good"\) is live again in place of dep-new/,
  );
});
