// Dead-man's switch pings in healthchecks.io's pinging API: `<url>/start`
// when a cycle begins, `<url>` when it ends well, `<url>/fail` when not. Any
// service that alerts on missing pings works the same way.
//
// The URL is a secret (anyone holding it can ping), so no message, error or
// callback here ever carries it: they say "the heartbeat URL".
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "../alerts/retry.ts";
import { request, retryForStatus } from "../alerts/transports/http.ts";
import { type CycleRecord, countsOf, RESULT_STATUSES } from "./types.ts";

export type HeartbeatSignal = "start" | "success" | "fail";

export interface PingResult {
  ok: boolean;
  /** The last HTTP status received, if any attempt got one. */
  status?: number;
  error?: string;
  attempts: number;
}

export interface HeartbeatFailure {
  signal: HeartbeatSignal;
  runId: string;
  attempts: number;
  status?: number;
  error: string;
}

export interface HeartbeatOptions {
  /** MONITOR_HEARTBEAT_URL: the check's ping URL, optionally with a query (`?create=1`). */
  url: string;
  /** Per attempt. */
  timeoutMs?: number;
  attempts?: number;
  /** First wait between attempts; doubles, with jitter. */
  backoffMs?: number;
  /** Called once per ping that failed after its attempts; the monitor counts and logs it. */
  onFailure?: (failure: HeartbeatFailure) => void;
  random?: () => number;
}

export interface Heartbeat {
  start(runId: string): Promise<PingResult>;
  success(cycle: CycleRecord): Promise<PingResult>;
  fail(cycle: CycleRecord): Promise<PingResult>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PATH_SUFFIX: Record<HeartbeatSignal, string> = {
  start: "/start",
  success: "",
  fail: "/fail",
};

/** Parses the URL once, refusing what would fail every ping; the message never shows the value. */
export function parseHeartbeatUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("MONITOR_HEARTBEAT_URL: the heartbeat URL is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error("MONITOR_HEARTBEAT_URL: the heartbeat URL must be http:// or https://");
  }
  if (parsed.username || parsed.password) {
    throw new Error("MONITOR_HEARTBEAT_URL: the heartbeat URL must not carry a user or password");
  }
  return parsed;
}

/**
 * healthchecks.io pairs a start with its end by `rid`, which must be a UUID.
 * A run id that is not one maps to a name-based UUID (version 5 layout over
 * SHA-1), so start and end of one cycle get the same rid.
 */
export function runIdAsUuid(runId: string): string {
  if (UUID.test(runId)) return runId.toLowerCase();
  const bytes = createHash("sha1").update(`synthetic-monitor:${runId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The suffix goes on the path, before any query; `rid` joins the query. */
export function pingUrlOf(base: URL, signal: HeartbeatSignal, runId: string): string {
  const url = new URL(base);
  url.hash = "";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${PATH_SUFFIX[signal]}`;
  url.searchParams.set("rid", runIdAsUuid(runId));
  return url.toString();
}

/** What the ping log shows: counts and ids only, never error text or the target's URLs. */
export function heartbeatBody(cycle: CycleRecord): string {
  const counts = countsOf(cycle);
  const seconds = (Date.parse(cycle.endedAt) - Date.parse(cycle.startedAt)) / 1000;
  return [
    `synthetic monitor cycle ${cycle.runId}: ${cycle.status}`,
    `environment ${cycle.environment}, location ${cycle.location}, job ${cycle.job}`,
    `checks: ${RESULT_STATUSES.map((status) => `${counts[status]} ${status}`).join(", ")}`,
    `exit code ${cycle.exitCode ?? "none"}, ${Number.isFinite(seconds) ? `${seconds.toFixed(1)} s` : "duration unknown"}`,
    "",
  ].join("\n");
}

export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const base = parseHeartbeatUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const attempts = Math.max(1, options.attempts ?? 3);
  const backoffMs = options.backoffMs ?? 500;
  const random = options.random ?? Math.random;

  async function ping(signal: HeartbeatSignal, runId: string, body: string): Promise<PingResult> {
    const url = pingUrlOf(base, signal, runId);
    let result: PingResult = { ok: false, attempts: 0, error: "not attempted" };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const reply = await request(
        url,
        { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body },
        AbortSignal.timeout(timeoutMs),
      );
      if (reply.kind === "status" && reply.status >= 200 && reply.status < 300) {
        return { ok: true, status: reply.status, attempts: attempt };
      }
      // The reply's own body is left out: a server may echo the request line.
      result =
        reply.kind === "status"
          ? { ok: false, status: reply.status, attempts: attempt, error: `HTTP ${reply.status}` }
          : reply.kind === "timeout"
            ? { ok: false, attempts: attempt, error: `no answer within ${timeoutMs} ms` }
            : { ok: false, attempts: attempt, error: reply.reason };
      const again = reply.kind !== "status" || retryForStatus(reply.status) === "yes";
      if (!again || attempt === attempts) break;
      await sleep(backoffDelay(attempt, backoffMs, random));
    }
    const error = `${signal} ping to the heartbeat URL failed after ${result.attempts} attempt${result.attempts === 1 ? "" : "s"}: ${result.error}`;
    const failure: HeartbeatFailure = { signal, runId, attempts: result.attempts, error };
    if (result.status !== undefined) failure.status = result.status;
    try {
      options.onFailure?.(failure);
    } catch {
      // A failing callback must not turn a lost ping into a lost cycle.
    }
    return { ...result, error };
  }

  return {
    start: (runId) => ping("start", runId, `synthetic monitor cycle ${runId}: started\n`),
    success: (cycle) => ping("success", cycle.runId, heartbeatBody(cycle)),
    fail: (cycle) => ping("fail", cycle.runId, heartbeatBody(cycle)),
  };
}
