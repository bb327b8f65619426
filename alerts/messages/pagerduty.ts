import type { Notification } from "../types.ts";
import { firstLines, headline } from "./text.ts";

const SUMMARY_LIMIT = 1024;

/**
 * PagerDuty keys incidents by dedup_key: the group key. While anything in the
 * group fires the event is a trigger (updating the same incident); when the
 * last alert resolves it is a resolve.
 */
export function renderPagerDuty(n: Notification, routingKey: string) {
  if (n.firing.length === 0) {
    return { routing_key: routingKey, event_action: "resolve" as const, dedup_key: n.groupKey };
  }
  // The first alert's cause leads, as everywhere else (the headline alone only counts checks).
  const cause = n.firing.find((view) => view.diagnosis)?.diagnosis;
  const summary = cause ? `${headline(n)} · ${cause}` : headline(n);
  const links = n.firing
    .flatMap((view) =>
      view.links?.trace ? [{ href: view.links.trace, text: `Trace: ${view.title}` }] : [],
    )
    .slice(0, 10);
  if (n.run.reportUrl) links.unshift({ href: n.run.reportUrl, text: "Test report" });
  return {
    routing_key: routingKey,
    event_action: "trigger" as const,
    dedup_key: n.groupKey,
    payload: {
      summary: summary.length > SUMMARY_LIMIT ? `${summary.slice(0, SUMMARY_LIMIT - 1)}…` : summary,
      source: `synthetic-monitor/${n.run.environment}`,
      severity: n.severity === "critical" ? ("critical" as const) : ("warning" as const),
      component: n.group.tier,
      group: n.run.environment,
      class: "synthetic-check",
      custom_details: {
        run: n.run.runId,
        run_kind: n.run.kind,
        failing: n.firing.map((view) => ({
          title: view.title,
          location: view.location,
          failing_since: view.failingSince ? new Date(view.failingSince).toISOString() : undefined,
          failed_runs: view.failedRuns,
          diagnosis: view.diagnosis,
          error: firstLines(view.error, 3).join("\n") || undefined,
        })),
        fallback_for: n.fallbackFor,
        live_deploys: n.run.deploys?.live.map(
          (d) => `${d.platform} ${d.id}${d.commit ? ` ${d.commit.sha.slice(0, 7)}` : ""}`,
        ),
      },
    },
    links,
  };
}
