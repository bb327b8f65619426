import type { AlertView, Notification } from "../types.ts";
import { firstLines, headline, plainText } from "./text.ts";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function alertJson(view: AlertView) {
  return {
    fingerprint: view.fingerprint,
    title: view.title,
    project: view.project,
    tier: view.tier,
    severity: view.severity,
    location: view.location,
    failingSince: iso(view.failingSince),
    failedRuns: view.failedRuns,
    resolvedAt: iso(view.resolvedAt),
    error: firstLines(view.error).join("\n") || undefined,
    diagnosis: view.diagnosis,
    links: view.links,
  };
}

/** A stable, versioned JSON document (close to Alertmanager's webhook shape). */
export function renderWebhook(n: Notification) {
  return {
    version: "1",
    kind: n.kind,
    status: n.firing.length > 0 ? "firing" : n.kind === "digest" ? "digest" : "resolved",
    reason: n.reason,
    groupKey: n.groupKey,
    group: n.group,
    severity: n.severity,
    title: headline(n),
    text: plainText(n),
    run: {
      id: n.run.runId,
      environment: n.run.environment,
      kind: n.run.kind,
      reportUrl: n.run.reportUrl,
      deploys: n.run.deploys,
    },
    decidedAt: iso(n.decidedAt),
    firing: n.firing.map(alertJson),
    resolved: n.resolved.map(alertJson),
    digest: n.digest.map((item) => ({ ...item, lastAt: iso(item.lastAt) })),
    fallbackFor: n.fallbackFor,
  };
}
