import type { Observation } from "./observation.ts";
import type { Deploy, Diagnosis, PlatformSnapshot } from "./types.ts";

// Failure signatures: from what a failing test saw on the wire and what the
// platforms' APIs said at the start of the run, the tier at fault and, where
// a well-known signature matches, its cause. Pure: the fixture gathers, this
// decides, the reporters show `line` first. The most specific signature wins;
// a failure no signature explains still gets its tier.

export interface DiagnoseInput {
  /** The test's Playwright project (the tier it checks, when nothing else tells). */
  project: string;
  errors: string[];
  observations: Observation[];
  platform: PlatformSnapshot | undefined;
  target: {
    frontendUrl: string;
    backendUrl: string | undefined;
    supabaseUrl: string;
    /** VERCEL_PROTECTION_BYPASS is set (the suite sends it). */
    bypassConfigured: boolean;
  };
  /** Signatures the check itself is about (`signature` annotations, e.g. "cold-start"). */
  about: string[];
}

type Where = "frontend" | "backend" | "auth" | "database" | "elsewhere";
type Tier = Diagnosis["tier"];

const TIER_OF: Record<Exclude<Where, "elsewhere">, Tier> = {
  frontend: "frontend on Vercel",
  backend: "backend on Render",
  auth: "Supabase auth",
  database: "database",
};

const PROJECT_TIER: Record<string, Tier> = {
  browser: "frontend on Vercel",
  api: "backend on Render",
  supabase: "Supabase auth",
  schema: "database",
};

/** Days of certificate validity under which a TLS certificate counts as expiring. */
export const CERTIFICATE_WARNING_DAYS = 14;

const PAUSED_STATUSES = new Set(["INACTIVE", "PAUSING", "PAUSED"]);
/** Projects whose checks talk to Supabase itself. */
const SUPABASE_PROJECTS = new Set(["supabase", "schema"]);
const RATE_LIMIT_CODES =
  /\b(over_request_rate_limit|over_email_send_rate_limit|over_sms_send_rate_limit)\b/;
const RATE_LIMIT_FIELD: Record<string, { field: string; what: string }> = {
  over_email_send_rate_limit: { field: "rate_limit_email_sent", what: "emails an hour" },
  over_sms_send_rate_limit: { field: "rate_limit_sms_sent", what: "SMS an hour" },
};
const VERCEL_ERRORS: Record<string, string> = {
  FUNCTION_INVOCATION_TIMEOUT: "function timeout",
  EDGE_FUNCTION_INVOCATION_TIMEOUT: "function timeout",
  FUNCTION_INVOCATION_FAILED: "function crashed",
  DEPLOYMENT_NOT_FOUND: "deployment not found",
  DEPLOYMENT_PAUSED: "deployment paused",
  DEPLOYMENT_DISABLED: "deployment disabled",
};
const NETWORK = [
  {
    pattern: /\b(ENOTFOUND|EAI_AGAIN)\b|getaddrinfo|ERR_NAME_NOT_RESOLVED/,
    cause: "DNS lookup failed",
  },
  {
    pattern: /CERT_|certificate|SSL|ERR_TLS|UNABLE_TO_VERIFY|self[- ]signed/i,
    cause: "TLS handshake refused",
  },
  { pattern: /\bECONNREFUSED\b|ERR_CONNECTION_REFUSED/, cause: "connection refused" },
  {
    pattern:
      /\b(ECONNRESET|EPIPE|UND_ERR_SOCKET)\b|socket hang up|other side closed|ERR_CONNECTION_RESET/,
    cause: "connection reset",
  },
  {
    pattern: /\b(ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b|ERR_TIMED_OUT/,
    cause: "no route or no answer",
  },
];

export function diagnose(input: DiagnoseInput): Diagnosis | undefined {
  const seen = input.observations.map((observation) => ({
    observation,
    where: whereOf(observation.url, input.target),
  }));
  const failing = seen.filter(({ observation }) => isFailure(observation));
  const first = (where: Where[]) => failing.find((item) => where.includes(item.where));
  const errors = input.errors.join("\n");
  const platform = input.platform;

  // Supabase: paused project, the suite rate-limited, a service the platform calls unhealthy.
  const supabaseFailure = first(["auth", "database"]);
  const paused = failing.find((item) => item.observation.status === 540);
  const projectStatus = platform?.supabase?.status;
  const projectPaused = projectStatus !== undefined && PAUSED_STATUSES.has(projectStatus);
  // A paused project takes the backend and server-rendered pages down with it: any failure counts.
  const anyFailure = supabaseFailure ?? failing[0];
  if (paused || (projectPaused && (anyFailure || SUPABASE_PROJECTS.has(input.project)))) {
    const item = paused ?? anyFailure;
    const tier = item?.where === "auth" ? "Supabase auth" : "database";
    const facts = [
      projectStatus && PAUSED_STATUSES.has(projectStatus)
        ? `Management API status ${projectStatus}`
        : undefined,
      paused ? `${request(paused.observation)} answered 540` : undefined,
    ].filter(Boolean);
    return make(tier, "project paused", facts.join("; "));
  }
  const limited = rateLimit(failing, errors);
  if (limited) {
    const limits = platform?.supabase?.authRateLimits;
    const known = RATE_LIMIT_FIELD[limited.code];
    const allowed = known && limits?.[known.field];
    const allowance =
      allowed !== undefined && known ? ` (the project allows ${allowed} ${known.what})` : "";
    const at = limited.item ? ` on ${request(limited.item.observation)}` : "";
    const tier = limited.item?.where === "backend" ? "backend on Render" : "Supabase auth";
    return make(tier, "rate-limited by the target", `429 ${limited.code}${at}${allowance}`);
  }

  // Render: suspended, a deploy under way, a cold start over the team's budget.
  const backendFailure = first(["backend"]);
  const render = platform?.render;
  const routing = backendFailure?.observation.headers["x-render-routing"] ?? "";
  if (
    (render?.service.suspended && (backendFailure || input.project === "api")) ||
    /suspend/i.test(routing)
  ) {
    const via = render?.service.suspended
      ? `Render API: service ${render.service.name} is suspended`
      : `x-render-routing: ${routing}`;
    return make("backend on Render", "service suspended", via);
  }
  const building = render?.deploys.find((deploy) => deploy.phase === "building");
  if (building && backendFailure && isUnavailable(backendFailure.observation)) {
    return make(
      "backend on Render",
      "deploy in progress",
      `deploy ${deployName(building)} (${building.status}) started ${clock(building.createdAt)}; ${request(backendFailure.observation)} answered ${answer(backendFailure.observation)}`,
    );
  }
  const probe = platform?.probes.backend;
  if (
    probe?.coldStartMs !== undefined &&
    probe.coldStartMs > probe.budgetMs &&
    // Only the check about it: the probe left the instance warm, later failures have other causes.
    input.about.includes("cold-start")
  ) {
    return make(
      "backend on Render",
      "cold start",
      `the run's first request took ${seconds(probe.firstMs)}, its re-check ${seconds(probe.secondMs ?? 0)}: a spin-up of ${seconds(probe.coldStartMs)}, over the budget of ${seconds(probe.budgetMs)} (RENDER_COLD_START_BUDGET_MS)`,
    );
  }

  // Vercel: Deployment Protection refusing the suite, a platform error the edge names.
  const frontendFailures = failing.filter((item) => item.where === "frontend");
  const refused = seen.find(
    ({ observation, where }) =>
      where === "frontend" && observation.status === 401 && fromProtection(observation),
  );
  if (
    refused &&
    (frontendFailures.length > 0 || input.project === "browser" || failing.length === 0)
  ) {
    const secret = input.target.bypassConfigured
      ? "the VERCEL_PROTECTION_BYPASS the suite sends was refused (rotated?)"
      : "no VERCEL_PROTECTION_BYPASS is set: give the suite the project's Protection Bypass for Automation secret";
    return make(
      "frontend on Vercel",
      "protection refused",
      `${request(refused.observation)} answered 401 from Deployment Protection; ${secret}`,
    );
  }
  const edgeError = seen.find(({ observation, where }) => {
    const code = observation.headers["x-vercel-error"];
    // An asset's NOT_FOUND beside a failure elsewhere is no cause: only failing answers or known codes.
    return where === "frontend" && code && (isFailure(observation) || code in VERCEL_ERRORS);
  });
  if (edgeError) {
    const code = edgeError.observation.headers["x-vercel-error"] ?? "";
    return make(
      "frontend on Vercel",
      VERCEL_ERRORS[code] ?? `Vercel error ${code}`,
      `${request(edgeError.observation)} answered ${edgeError.observation.status ?? "no status"} with x-vercel-error ${code}`,
    );
  }

  const unhealthy = unhealthyService(
    platform?.supabase?.services ?? [],
    supabaseFailure?.where,
    input.project,
  );
  if (unhealthy && (supabaseFailure || SUPABASE_PROJECTS.has(input.project))) {
    const tier = unhealthy.name === "auth" ? "Supabase auth" : "database";
    return make(
      tier,
      "service unhealthy",
      `Supabase reports ${unhealthy.name} ${unhealthy.status}${unhealthy.error ? `: ${unhealthy.error}` : ""}`,
    );
  }

  const expiring = platform?.probes.certificates.find(
    (certificate) => certificate.daysLeft < CERTIFICATE_WARNING_DAYS,
  );
  if (expiring && (input.about.includes("tls-certificate") || NETWORK[1]?.pattern.test(errors))) {
    return make(
      "network",
      "TLS certificate expiring",
      `${new URL(expiring.url).host}'s certificate ${expiring.daysLeft < 0 ? "expired" : "expires"} ${new Date(expiring.validTo).toISOString().slice(0, 10)} (${expiring.daysLeft} days left)`,
    );
  }

  // No signature: the network, then whoever answered badly, then the project's tier.
  const broken = failing.find((item) => item.observation.error) ?? undefined;
  const networkText = broken?.observation.error ?? errors;
  const network = NETWORK.find((kind) => kind.pattern.test(networkText));
  if (network && (broken || failing.length === 0)) {
    const host = broken ? ` reaching ${hostOf(broken.observation.url)} (${broken.where})` : "";
    return make("network", network.cause, host.trim() || undefined);
  }
  const answered = failing.find((item) => item.where !== "elsewhere");
  if (answered) {
    const where = answered.where as Exclude<Where, "elsewhere">;
    return make(
      TIER_OF[where],
      undefined,
      `${request(answered.observation)} answered ${answer(answered.observation)}`,
    );
  }
  const tier = PROJECT_TIER[input.project];
  return tier ? make(tier, undefined, undefined) : undefined;
}

function make(tier: Tier, cause: string | undefined, detail: string | undefined): Diagnosis {
  const line = [tier, cause].filter(Boolean).join(" · ");
  return { tier, ...(cause ? { cause } : {}), line: detail ? `${line}: ${detail}` : line };
}

/** A reply that says something is wrong on the far side: 5xx, 429, Supabase's 54x, or none at all. */
function isFailure(observation: Observation): boolean {
  if (observation.error) return true;
  const status = observation.status ?? 0;
  return status >= 500 || status === 429;
}

function isUnavailable(observation: Observation): boolean {
  return observation.error !== undefined || [502, 503, 504].includes(observation.status ?? 0);
}

/**
 * Deployment Protection's own 401, not the app's: Vercel Authentication sets
 * its nonce cookie and answers its sign-in page (x-vercel-id alone is on
 * every Vercel response).
 */
function fromProtection(observation: Observation): boolean {
  return (
    /_vercel_sso_nonce/.test(observation.headers["set-cookie"] ?? "") ||
    (/vercel/i.test(observation.headers.server ?? "") &&
      /Vercel Authentication|Authentication Required/i.test(observation.body ?? ""))
  );
}

/** The unhealthy service a failure there depends on: auth for Auth, the database's for the rest. */
function unhealthyService(
  services: NonNullable<PlatformSnapshot["supabase"]>["services"],
  where: Where | undefined,
  project: string,
) {
  const unhealthy = services.filter((service) => !service.healthy);
  const forAuth = where === "auth" || (where === undefined && project === "supabase");
  const wanted = forAuth ? ["auth"] : ["db", "rest", "pooler", "pg_bouncer"];
  return (
    unhealthy.find((service) => wanted.includes(service.name)) ??
    (where === undefined ? unhealthy[0] : undefined)
  );
}

function rateLimit(
  failing: Array<{ observation: Observation; where: Where }>,
  errors: string,
): { code: string; item?: { observation: Observation; where: Where } } | undefined {
  for (const item of failing) {
    if (item.observation.status !== 429) continue;
    const code = item.observation.body?.match(RATE_LIMIT_CODES)?.[1];
    if (code || item.where === "auth") return { code: code ?? "over_request_rate_limit", item };
  }
  const code = errors.match(RATE_LIMIT_CODES)?.[1];
  return code ? { code } : undefined;
}

/** Which part of the target a URL belongs to. */
export function whereOf(url: string, target: DiagnoseInput["target"]): Where {
  if (!URL.canParse(url)) return "elsewhere";
  const parsed = new URL(url);
  const within = (base: string | undefined) => {
    if (!base || !URL.canParse(base)) return false;
    const root = new URL(base);
    return (
      root.origin === parsed.origin && parsed.pathname.startsWith(root.pathname.replace(/\/+$/, ""))
    );
  };
  if (within(target.supabaseUrl)) {
    return parsed.pathname.includes("/auth/v1") ? "auth" : "database";
  }
  if (within(target.backendUrl)) return "backend";
  if (within(target.frontendUrl)) return "frontend";
  return "elsewhere";
}

function request(observation: Observation): string {
  const path = URL.canParse(observation.url) ? new URL(observation.url).pathname : observation.url;
  return `${observation.method} ${path}`;
}

function answer(observation: Observation): string {
  if (observation.error) return `no reply (${observation.error.split("\n")[0]?.slice(0, 120)})`;
  return String(observation.status);
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : url;
}

function deployName(deploy: Deploy): string {
  const commit = deploy.commit?.sha ? ` of commit ${deploy.commit.sha.slice(0, 7)}` : "";
  return `${deploy.id}${commit}`;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
