import { ConfigError, hasNoTarget, parseConfig } from "../target/config.ts";

/** A secret value and the variable it came from: findings name the variable, never the value. */
export interface NamedSecret {
  name: string;
  value: string;
}

/** Alert channels' credentials: secrets whenever they are set. */
export const ALERT_SECRET_VARS = [
  "ALERT_SMTP_URL",
  "ALERT_SLACK_WEBHOOK_URL",
  "ALERT_TWILIO_AUTH_TOKEN",
  "ALERT_PAGERDUTY_ROUTING_KEY",
  "ALERT_WEBHOOK_URL",
] as const;

/** The variables behind `parseConfig().secrets`, to name its values. */
const TARGET_SECRET_VARS = [
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_DB_URL",
  "VERCEL_PROTECTION_BYPASS",
  "SUPABASE_JWT_SECRET",
] as const;

/** Shorter values (a password like "postgres") would match ordinary text everywhere. */
const MIN_SECRET_LENGTH = 8;

/**
 * Every configured secret: the target's (`parseConfig().secrets`) and the
 * alert channels', plus the parts of secret URLs that are secrets alone
 * (a database password, a webhook's token path).
 */
export function configuredSecrets(env: NodeJS.ProcessEnv = process.env): NamedSecret[] {
  const found: NamedSecret[] = [];
  const add = (name: string, value: string | undefined) => {
    const trimmed = value?.trim();
    if (!trimmed || trimmed.length < MIN_SECRET_LENGTH) return;
    if (!found.some((secret) => secret.value === trimmed)) found.push({ name, value: trimmed });
  };
  for (const value of targetSecrets(env)) {
    const name =
      TARGET_SECRET_VARS.find((item) => env[item]?.trim() === value) ?? "configured secret";
    add(name, value);
  }
  for (const name of ALERT_SECRET_VARS) add(name, env[name]);
  for (const secret of [...found]) {
    for (const part of secretUrlParts(secret.value)) add(`${secret.name} (part)`, part);
  }
  return found;
}

/**
 * Byte sequences a secret can take in an artifact: as is, escaped inside a
 * JSON string, and URL-encoded (a header or query string in a trace).
 */
export function secretForms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

function targetSecrets(env: NodeJS.ProcessEnv): string[] {
  if (hasNoTarget(env)) return [];
  try {
    return parseConfig(env).secrets;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // An invalid configuration still names its secrets: scan for what is there.
    return TARGET_SECRET_VARS.map((name) => env[name]?.trim() ?? "").filter(Boolean);
  }
}

function secretUrlParts(value: string): string[] {
  if (!URL.canParse(value) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  const url = new URL(value);
  const parts = [decodeURIComponent(url.password), url.password];
  // Webhook URLs carry their credential in the path (Slack's /services/T…/B…/token).
  if (url.pathname.length > 1 && /hook|services|webhook/i.test(value)) parts.push(url.pathname);
  for (const item of url.searchParams.values()) parts.push(item);
  return parts;
}
