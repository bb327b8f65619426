import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { startRig } from "../alerts/test/support/rig.ts";
import { runPlaywright, writeProject } from "../reporters/test/support/playwright-project.ts";

/**
 * Time from the end of the last test to the last notification accepted by the
 * loopback receivers, over real `playwright test` runs with all five channels
 * configured. Usage: tsx bench/alerts.ts [runs=20]
 */

const RUNS = Number(process.argv[2] ?? 20);
const GOAL_P95_MS = 200;
const CHANNELS = ["email", "slack", "sms", "pagerduty", "webhook"] as const;

const spec = (failing: number) => `
import { expect, test } from "@playwright/test";
test("backend › /health answers 200", async () => {});
for (let i = 0; i < ${failing}; i++) {
  test(\`backend › check \${i} answers 200\`, { tag: ["@critical"] }, async () => {
    expect(503, "the fault is on").toBe(200);
  });
}
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function scenario(label: string, failing: number) {
  const rig = await startRig({ parseMail: false });
  const dir = join(rig.dir, "project");
  await writeProject(dir, { "bench.spec.ts": spec(failing) });
  const total: number[] = [];
  const ours: number[] = [];
  const problems: string[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const seen = {
        email: rig.email.mails.length,
        slack: rig.slack.received.length,
        sms: rig.sms.received.length,
        pagerduty: rig.pagerduty.received.length,
        webhook: rig.webhook.received.length,
      };
      const journalPath = join(rig.dir, `journal-${run}.jsonl`);
      // A fresh state file per run: every run is an acceptance run that alerts.
      const result = await runPlaywright(dir, {
        ...rig.env,
        ALERT_STATE_PATH: join(rig.dir, `state-${run}.json`),
        ALERT_JOURNAL_PATH: journalPath,
        SYNTHETIC_RUN_ID: `bench-${failing}-${run}`,
        // Playwright restarts its worker after every failed test: two workers halve that wait.
        WORKERS: "2",
      });
      const start = (await readFile(journalPath, "utf8"))
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .find((entry) => entry.type === "run.start");
      const arrivals = {
        email: rig.email.mails.slice(seen.email).map((m) => m.at),
        slack: rig.slack.received.slice(seen.slack).map((r) => r.at),
        sms: rig.sms.received.slice(seen.sms).map((r) => r.at),
        pagerduty: rig.pagerduty.received.slice(seen.pagerduty).map((r) => r.at),
        webhook: rig.webhook.received.slice(seen.webhook).map((r) => r.at),
      };
      for (const channel of CHANNELS) {
        if (arrivals[channel].length !== 1) {
          problems.push(
            `run ${run}: ${channel} got ${arrivals[channel].length} messages\n${result.output}`,
          );
        }
      }
      const last = Math.max(...Object.values(arrivals).flat());
      total.push(last - start.testsEndedAt);
      ours.push(last - start.startedAtPrecise);
    }
  } finally {
    await rig.close();
  }
  return { label, total, ours, problems };
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
const results = [
  await scenario("1 failing check", 1),
  await scenario("50 failing checks, 1 group", 50),
];

console.log(
  `\nalert latency over ${RUNS} real playwright runs each, loopback receivers, channels: ${CHANNELS.join(", ")}`,
);
console.log("end of last test → last notification accepted");
console.log(
  `${"scenario".padEnd(28)}${"p50".padStart(10)}${"p95".padStart(10)}${"max".padStart(10)}   reporter onEnd → last accepted (p50 / p95)`,
);
for (const r of results) {
  console.log(
    `${r.label.padEnd(28)}${fmt(percentile(r.total, 50))}${fmt(percentile(r.total, 95))}${fmt(Math.max(...r.total))}   ${fmt(percentile(r.ours, 50))} / ${fmt(percentile(r.ours, 95))}`,
  );
}
const problems = results.flatMap((r) => r.problems);
const worstP95 = Math.max(...results.map((r) => percentile(r.total, 95)));
console.log(`messages per channel per run: ${problems.length ? "NOT always 1" : "always 1"}`);
console.log(
  `goal p95 ≤ ${GOAL_P95_MS} ms: ${worstP95 <= GOAL_P95_MS ? "met" : "MISSED"} (worst p95 ${worstP95.toFixed(1)} ms)`,
);
for (const problem of problems) console.error(problem);
process.exitCode = problems.length ? 1 : 0;
