// What a verified delivery asks for: a run, or nothing (and why). Pure code
// over the parsed body; the receiver verifies, parses and journals around it.

/** A delivery that asks for a run. */
export type Trigger =
  | {
      source: "vercel";
      deliveryId: string;
      eventType: string;
      /** From the payload; the Vercel API, when configured, is asked again. */
      deployment: { id: string; url?: string; sha?: string };
    }
  | { source: "render"; deliveryId: string; eventType: string; serviceId: string };

export type Decision =
  | { kind: "run"; trigger: Trigger }
  | { kind: "ignore"; reason: string }
  | { kind: "invalid"; reason: string };

/** Event type and delivery id, read without trusting the body: for the journal of any delivery. */
export function describeDelivery(
  body: unknown,
  headerId?: string,
): { eventType?: string; eventId?: string } {
  const record = isRecord(body) ? body : {};
  const eventType = text(record.type);
  const eventId = headerId?.trim() || text(record.id);
  return {
    ...(eventType ? { eventType: eventType.slice(0, 100) } : {}),
    ...(eventId ? { eventId: eventId.slice(0, 100) } : {}),
  };
}

// Vercel's webhook body: { id, type, createdAt, payload: { deployment: { id, url, meta }, target,
// project: { id } } } (https://vercel.com/docs/webhooks/webhooks-api#payload and
// #deployment.succeeded); `id` is the delivery's, `meta.githubCommitSha` the commit of a Git deploy.
export function decideVercel(body: unknown, options: { projectId?: string } = {}): Decision {
  if (!isRecord(body)) return { kind: "invalid", reason: "the body is not a JSON object" };
  const type = text(body.type);
  if (!type) return { kind: "invalid", reason: "the body has no event type" };
  if (type !== "deployment.succeeded")
    return { kind: "ignore", reason: `${type} is not deployment.succeeded` };
  const payload = isRecord(body.payload) ? body.payload : {};
  const deployment = isRecord(payload.deployment) ? payload.deployment : {};
  const id = text(deployment.id);
  const deliveryId = text(body.id);
  if (!id) return { kind: "invalid", reason: "payload.deployment.id is missing" };
  if (!deliveryId) return { kind: "invalid", reason: "the delivery has no id" };
  const project = isRecord(payload.project) ? text(payload.project.id) : undefined;
  if (options.projectId && project && project !== options.projectId)
    return { kind: "ignore", reason: `project ${project} is not VERCEL_PROJECT_ID` };
  const meta = isRecord(deployment.meta) ? deployment.meta : {};
  const url = text(deployment.url);
  const sha = text(meta.githubCommitSha);
  return {
    kind: "run",
    trigger: {
      source: "vercel",
      deliveryId,
      eventType: type,
      deployment: { id, ...(url ? { url } : {}), ...(sha ? { sha } : {}) },
    },
  };
}

// Render's webhook body: { type, timestamp, data: { id, serviceId, serviceName, status } }, the
// delivery's id in the `webhook-id` header (https://render.com/docs/webhooks); a deploy_ended
// event's status is succeeded, failed or canceled
// (https://render.com/changelog/webhooks-for-completed-actions-now-include-the-actions-result).
export function decideRender(
  body: unknown,
  deliveryId: string,
  options: { serviceId?: string } = {},
): Decision {
  if (!isRecord(body)) return { kind: "invalid", reason: "the body is not a JSON object" };
  const type = text(body.type);
  if (!type) return { kind: "invalid", reason: "the body has no event type" };
  if (type !== "deploy_ended") return { kind: "ignore", reason: `${type} is not deploy_ended` };
  const data = isRecord(body.data) ? body.data : {};
  const serviceId = text(data.serviceId);
  if (!serviceId) return { kind: "invalid", reason: "data.serviceId is missing" };
  if (options.serviceId && serviceId !== options.serviceId)
    return { kind: "ignore", reason: `service ${serviceId} is not RENDER_SERVICE_ID` };
  const status = text(data.status);
  if (status !== "succeeded")
    return { kind: "ignore", reason: `the deploy ended ${status ?? "without a status"}` };
  return { kind: "run", trigger: { source: "render", deliveryId, eventType: type, serviceId } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
