import { defineMonitor } from "./config-schema.ts";

// The project's monitor configuration: every check every 5 minutes, a failing
// check re-run once within its cycle after 5 s and then every 30 s until it
// has passed twice. MONITOR_CONFIG names your own module (same shape); the
// README's "Continuous monitoring" section shows schedules and maintenance windows.
export default defineMonitor({
  every: "*/5 * * * *",
  jitterSeconds: 5,
  cycleTimeoutMinutes: 10,
  recheck: { attempts: 1, backoff: "exponential", delaySeconds: 5, networkOnly: false },
  tighten: { cron: "*/30 * * * * *", passes: 2 },
  maintenance: [],
  retentionDays: 90,
});
