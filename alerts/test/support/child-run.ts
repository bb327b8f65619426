import { configFromEnv } from "../../config.ts";
import policy from "../../policy.ts";
import { runAlerts } from "../../run.ts";
import type { CheckResult } from "../../types.ts";

/** Runs one alerting pass in a fresh process: `node --import tsx child-run.ts '<json>'`. */
const input = JSON.parse(process.argv[2] ?? "{}") as {
  env: Record<string, string>;
  results: CheckResult[];
  now: number;
};
const report = await runAlerts({
  results: input.results,
  config: configFromEnv(input.env),
  policy,
  now: () => input.now,
  log: () => {},
});
const sent = report.delivered
  .filter((d) => d.result.ok)
  .map(
    (d) =>
      `${d.notification.channel}:${d.notification.reason}:${d.notification.firing.map((v) => v.title).join("+")}`,
  );
process.stdout.write(JSON.stringify({ ok: report.ok, sent }));
