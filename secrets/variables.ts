// Which values are secrets: the one list of secret variables, read by the
// artifact side (redaction reporter, trace recorder, secret scan) and by the
// alert engine alike; the parts of a secret URL that are secrets alone; and,
// for alert messages only, a heuristic over variable names. Two lists drifted
// once (ALERT_STATE_DATABASE_URL was hidden from alerts but never scanned for
// in traces, VERCEL_PROTECTION_BYPASS the other way round), hence one.
import { hasNoTarget } from "../target/config.ts";

/** A secret value and the variable it came from: findings name the variable, never the value. */
export interface NamedSecret {
  name: string;
  value: string;
}

/**
 * Every variable whose value is a secret whenever it is set. `target` ones
 * count for artifacts only when a target is configured (with none, the suite
 * boots the reference stack and makes its own).
 *
 * Not listed: MAIL_SINK_SMTP_URL, the reference stack's loopback mail sink. It
 * carries no credential, the stack sets it for every local run (listing it
 * would make its address a "leak" in every local report), and alert messages
 * still hide it through the name heuristic below (`*_SMTP_URL`).
 */
export const SECRET_VARIABLES = [
  { name: "SUPABASE_SERVICE_ROLE_KEY", of: "target" },
  { name: "SUPABASE_DB_URL", of: "target" },
  { name: "VERCEL_PROTECTION_BYPASS", of: "target" },
  { name: "SUPABASE_JWT_SECRET", of: "target" },
  // Platform access (platform/env.ts) and the deploy webhooks' secrets (on-deploy/).
  { name: "VERCEL_TOKEN", of: "target" },
  { name: "RENDER_API_KEY", of: "target" },
  { name: "SUPABASE_ACCESS_TOKEN", of: "target" },
  { name: "VERCEL_WEBHOOK_SECRET", of: "target" },
  { name: "RENDER_WEBHOOK_SECRET", of: "target" },
  { name: "GITHUB_TOKEN", of: "alerting" },
  { name: "ALERT_SMTP_URL", of: "alerting" },
  { name: "ALERT_SLACK_WEBHOOK_URL", of: "alerting" },
  { name: "ALERT_TWILIO_AUTH_TOKEN", of: "alerting" },
  { name: "ALERT_PAGERDUTY_ROUTING_KEY", of: "alerting" },
  { name: "ALERT_WEBHOOK_URL", of: "alerting" },
  { name: "ALERT_STATE_DATABASE_URL", of: "alerting" },
  { name: "MONITOR_DATABASE_URL", of: "alerting" },
  { name: "MONITOR_HEARTBEAT_URL", of: "alerting" },
  { name: "MONITOR_DASHBOARD_TOKEN", of: "alerting" },
] as const satisfies ReadonlyArray<{ name: string; of: "target" | "alerting" }>;

/** Shorter values (a password like "pass") would match ordinary text everywhere. */
const MIN_SECRET_LENGTH = 8;

/** The listed variables that are set, trimmed, in list order. */
export function listedSecrets(
  env: NodeJS.ProcessEnv,
  variables: ReadonlyArray<{ name: string }> = SECRET_VARIABLES,
): NamedSecret[] {
  return variables
    .map(({ name }) => ({ name, value: env[name]?.trim() ?? "" }))
    .filter((secret) => secret.value !== "");
}

/**
 * Every configured secret for the artifact side, named by its variable, plus
 * the parts of secret URLs that are secrets alone.
 */
export function configuredSecrets(env: NodeJS.ProcessEnv = process.env): NamedSecret[] {
  const noTarget = hasNoTarget(env);
  const variables = SECRET_VARIABLES.filter((variable) => !(noTarget && variable.of === "target"));
  return withParts(
    listedSecrets(env, variables).filter((secret) => secret.value.length >= MIN_SECRET_LENGTH),
  );
}

/**
 * The secrets, each value once (the first name wins), followed by the parts
 * of URL secrets, named `<variable> (part)`: receivers echo a webhook's path
 * back, and a database password shows up without its URL. A password counts
 * from `minPasswordLength` characters (other parts from MIN_SECRET_LENGTH).
 */
export function withParts(
  secrets: readonly NamedSecret[],
  minPasswordLength = MIN_SECRET_LENGTH,
): NamedSecret[] {
  const found: NamedSecret[] = [];
  const add = (name: string, value: string) => {
    if (!found.some((secret) => secret.value === value)) found.push({ name, value });
  };
  for (const secret of secrets) add(secret.name, secret.value);
  for (const secret of [...found]) {
    for (const part of secretUrlParts(secret.value, minPasswordLength))
      add(`${secret.name} (part)`, part);
  }
  return found;
}

/**
 * Byte sequences a secret can take in an artifact or a message: as is,
 * escaped inside a JSON string, and URL-encoded (a header or query string).
 */
export function secretForms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

// The parts of a URL that are secrets alone: its password (as written and
// decoded), query values, and for http(s) its path and last path segment,
// where webhooks keep their credential (Slack's /services/T…/B…/token). A
// database or SMTP URL's path is only a database name.
function secretUrlParts(value: string, minPasswordLength: number): string[] {
  if (!URL.canParse(value) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  const url = new URL(value);
  const passwords = [url.password, decoded(url.password)];
  const parts = [...url.searchParams.values()];
  if (/^https?:$/.test(url.protocol)) parts.push(url.pathname, url.pathname.split("/").pop() ?? "");
  return [
    ...passwords.filter((part) => part.length >= minPasswordLength),
    ...parts.filter((part) => part.length >= MIN_SECRET_LENGTH),
  ];
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray "%": the password as written is all there is
  }
}

const SECRET_ENV_NAME =
  /(^|_)(KEY|KEYS|SECRET|TOKEN|PASSWORD|PASSWD|PASS|AUTH|CREDENTIALS?|WEBHOOK|WEBHOOK_URL|DSN|DATABASE_URL|DB_URL|SMTP_URL|SERVICE_ROLE)($|_)/i;
const MIN_ENV_SECRET = 6;

/**
 * For alert messages, on top of the list: values of any variable whose name
 * says it holds a secret, and any URL carrying a password. Too broad for
 * artifacts, where a false finding fails the report.
 */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value = ""]) =>
      SECRET_ENV_NAME.test(name) ? value.length >= MIN_ENV_SECRET : hasPassword(value),
    )
    .map(([, value]) => value as string);
}

function hasPassword(value: string): boolean {
  return URL.canParse(value) && new URL(value).password !== "";
}
