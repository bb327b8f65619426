import { asRecord } from "../../journeys/request.ts";
import { type Row, rowsOf } from "../check.ts";
import { type Answer, jsonObject, type Probe, probe } from "../http.ts";

// The backend (Render): its health endpoint, asked twice (a free instance
// asleep answers the first request only once it has woken up), and whether
// its CORS lets the frontend's origin in.

export interface BackendSeen {
  /** Unset: the app has no backend of its own. */
  backendUrl: string | undefined;
  healthPath: string;
  /** Whether the app profile declares a backend. */
  declared: boolean;
  first?: Probe;
  second?: Probe;
}

export async function observeBackend(
  backendUrl: string | undefined,
  healthPath: string,
  declared: boolean,
): Promise<BackendSeen> {
  if (!backendUrl) return { backendUrl, healthPath, declared };
  const url = `${backendUrl}${healthPath}`;
  const first = await probe(url);
  const second = await probe(url);
  return { backendUrl, healthPath, declared, first, second };
}

/** A first answer this much slower than the second (and slow itself) is a cold start. */
const WAKE_FACTOR = 4;
const WAKE_MIN_MS = 2_000;

export function judgeBackend(seen: BackendSeen): Row {
  const row = rowsOf("backend");
  const { first, second, healthPath } = seen;
  if (!seen.backendUrl || !first || !second) {
    return seen.declared
      ? row(
          "warn",
          "BACKEND_URL is not set, but the app profile declares a backend",
          "the backend journeys are skipped; set BACKEND_URL to check them",
        )
      : row("ok", "BACKEND_URL is not set", "the app has no backend: backend journeys are skipped");
  }
  const last = "answer" in second ? second : first;
  if (!("answer" in last)) {
    return row(
      "fail",
      `GET ${healthPath} got no answer: ${"error" in first ? first.error : ""}`,
      "backend journeys, and pages that call the backend, fail (BACKEND_URL wrong, or the service is down)",
    );
  }
  const answer = last.answer;
  const times =
    "answer" in first && "answer" in second
      ? `in ${first.answer.ms} ms, again in ${second.answer.ms} ms`
      : `in ${answer.ms} ms`;
  const waking =
    "answer" in second &&
    ("error" in first
      ? first.timedOut
      : first.answer.ms >= WAKE_MIN_MS && first.answer.ms > WAKE_FACTOR * second.answer.ms);
  if (waking && answer.status < 400) {
    const before = "error" in first ? first.error : `${first.answer.ms} ms`;
    return row(
      "warn",
      `GET ${healthPath} took ${before} at first, then ${second.answer.ms} ms`,
      "looks like a Render free instance waking up: a scheduled run's first requests may time out",
    );
  }
  if (answer.status === 502 || answer.status === 503) {
    const failing = failingChecks(answer);
    return failing
      ? row(
          "fail",
          `GET ${healthPath} answered ${answer.status}: the backend reports ${failing} failing`,
          "the backend is up but a dependency is down: journeys that need it fail",
        )
      : row(
          "fail",
          `GET ${healthPath} answered ${answer.status} ${times}`,
          "deploy in progress, suspended or sleeping: backend journeys fail until it answers",
        );
  }
  if (answer.status >= 400) {
    return row(
      "fail",
      `GET ${healthPath} answered ${answer.status} ${times}`,
      "the health path (app profile backend.health) is wrong, or the service misroutes it",
    );
  }
  return row(
    "ok",
    `GET ${healthPath} answered ${answer.status} ${times}`,
    "the backend is up for its journeys",
  );
}

/** The checks a JSON health body marks as not ok (`{checks: {auth: {ok: false}}}`), if any. */
function failingChecks(answer: Answer): string | undefined {
  const checks = asRecord(jsonObject(answer.body).checks);
  const failing = Object.keys(checks).filter((name) => asRecord(checks[name]).ok === false);
  return failing.length > 0 ? failing.join(", ") : undefined;
}

export interface CorsSeen {
  origin: string;
  path: string;
  preflight: Probe;
}

/** A browser's preflight for a JSON POST with a token, from the frontend's origin. */
export async function observeCors(
  backendUrl: string,
  path: string,
  frontendUrl: string,
): Promise<CorsSeen> {
  const origin = new URL(frontendUrl).origin;
  const preflight = await probe(`${backendUrl}${path}`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type,authorization",
    },
  });
  return { origin, path, preflight };
}

export function judgeCors({ origin, path, preflight }: CorsSeen): Row {
  const row = rowsOf("backend CORS");
  if ("error" in preflight) {
    return row(
      "warn",
      `not checked: OPTIONS ${path} got no answer (${preflight.error})`,
      "see the backend row",
    );
  }
  const allowed = preflight.answer.headers["access-control-allow-origin"];
  if (allowed === origin || allowed === "*") {
    return row(
      "ok",
      `a preflight from ${origin} is allowed`,
      "the browser lets the pages call the backend",
    );
  }
  return row(
    "fail",
    `a preflight from ${origin} to ${path} answered ${preflight.answer.status}, Access-Control-Allow-Origin ${allowed ? `"${allowed}"` : "missing"}`,
    "the backend does not allow the frontend's origin: the browser blocks the pages' calls to it, so UI journeys through the backend fail",
  );
}
