import { TAGS } from "../contract/vocabulary.ts";
import { definePolicy } from "./policy-schema.ts";

/**
 * The project's alert policy: who hears about what, and when. Channels named
 * here but not configured through env are skipped, so this one policy serves
 * local runs (mail sink only) and production (all channels) alike.
 */
export default definePolicy({
  groupBy: ["environment", "tier"],
  thresholds: {
    // An acceptance run gates a deploy: its first final failure is news.
    acceptance: {
      critical: { failures: 1, passesToResolve: 1 },
      warning: { failures: 1, passesToResolve: 1 },
    },
    // Scheduled monitoring runs every few minutes: one bad run is not an outage.
    scheduled: {
      critical: { failures: 2, minutes: 10, passesToResolve: 2 },
      warning: { failures: 3, minutes: 30, passesToResolve: 2 },
    },
  },
  flapping: { low: 25, high: 50 },
  routes: [
    { match: { severity: "critical" }, channels: ["pagerduty", "sms"], continue: true },
    { match: { severity: "critical" }, channels: ["slack", "email", "webhook"] },
    {
      channels: ["slack", "email", "webhook"],
      escalate: [{ afterMinutes: 120, afterRuns: 24, channels: ["sms"] }],
    },
  ],
  channels: {
    pagerduty: { fallback: "sms", reminders: { intervalMinutes: 60, amount: 0 } },
    sms: { fallback: "slack", reminders: { intervalMinutes: 60, amount: 2 } },
    slack: { fallback: "email" },
    email: { fallback: "slack" },
    webhook: { fallback: "email" },
  },
  reminders: { intervalMinutes: 240, amount: 3 },
  // One outage is one alert: a failing root check (tagged @root) mutes every
  // other check of its environment.
  inhibit: [{ source: { tag: TAGS.root }, target: {}, equal: ["environment"] }],
  silences: [],
  digest: { channels: ["slack", "email"], intervalMinutes: { acceptance: 0, scheduled: 24 * 60 } },
  notifier: { channels: ["slack", "email", "sms", "webhook"] },
  delivery: { budgetMs: 10_000, attemptTimeoutMs: 3_000, maxAttempts: 4, backoffMs: 250 },
  forgetAfterDays: 30,
});
