import { type Row, rowsOf } from "../check.ts";
import type { AuthSettings } from "./auth-settings.ts";

// What one run asks of Supabase Auth against its default rate limits, at the
// schedule the monitor will run on. Counting by reading the specs at run time
// would be fragile; the counts live here, and change when the journeys do.

export interface AuthRequests {
  /** POST /auth/v1/signup, from the app's backend or from supabase-js. */
  signUps: number;
  /** POST /auth/v1/token?grant_type=password, wrong passwords included. */
  passwordGrants: number;
  /** Confirmation emails when "Confirm email" is on: one per new address signed up. */
  confirmationEmails: number;
}

/**
 * One run of the suite, each test once (a failed test retried asks again),
 * against the reference app's profile. Users made through the admin API
 * (users.create(), the setup user) count toward no limit; refreshes and
 * getUser have buckets of their own.
 *
 * full — signUps: tests/api/auth.spec.ts "register" and "duplicate
 * registration" (the backend calls signUp), tests/browser/journeys.spec.ts
 * sign-up form, tests/supabase/auth.spec.ts signUp. passwordGrants:
 * tests/setup/user.setup.ts login, tests/api/auth.spec.ts "wrong password" and
 * "login", tests/browser/journeys.spec.ts login form, tests/supabase/auth.spec.ts
 * signInWithPassword and "wrong password", tests/security/data-access.spec.ts
 * sign-in as user A. Emails: the three new addresses (a duplicate sends none).
 *
 * readOnly (production) — @readonly and @registration only: the api
 * "register", and the two "wrong password" tests.
 */
export const AUTH_REQUESTS_PER_RUN = {
  full: { signUps: 4, passwordGrants: 7, confirmationEmails: 3 },
  readOnly: { signUps: 1, passwordGrants: 2, confirmationEmails: 1 },
} as const satisfies Record<string, AuthRequests>;

/** Supabase Auth's defaults on hosted projects (supabase.com/docs/guides/auth/rate-limits). */
export const AUTH_RATE_LIMITS = {
  /** Sign-ups and sign-ins share one token bucket per IP. */
  signInsAndSignUps: { requests: 30, perMinutes: 5 },
  /** The built-in SMTP; a custom SMTP server lifts it. */
  emails: { requests: 2, perMinutes: 60 },
} as const;

/**
 * The most requests a schedule puts into one limit's window: a run's burst
 * must fit the bucket, and runs closer than the window add up.
 */
export function demand(perRun: number, everyMinutes: number, perMinutes: number): number {
  return Math.ceil(perRun * Math.max(1, perMinutes / everyMinutes));
}

/** `10m`, `1h`, `90s` or a bare number of minutes; undefined when it is none of these. */
export function parseEvery(text: string): number | undefined {
  const match = text.trim().match(/^(\d+(?:\.\d+)?)\s*(s|m|min|h)?$/i);
  if (!match) return undefined;
  const unit = (match[2] ?? "m").toLowerCase();
  const minutes = Number(match[1]) * (unit === "h" ? 60 : unit === "s" ? 1 / 60 : 1);
  return minutes > 0 ? minutes : undefined;
}

export function judgeRateLimits(
  everyMinutes: number,
  readOnly: boolean,
  settings: AuthSettings | undefined,
): Row {
  const run = readOnly ? AUTH_REQUESTS_PER_RUN.readOnly : AUTH_REQUESTS_PER_RUN.full;
  const every = `every ${formatMinutes(everyMinutes)}`;
  const { signInsAndSignUps: auth, emails: mail } = AUTH_RATE_LIMITS;
  const authPerRun = run.signUps + run.passwordGrants;
  const authDemand = demand(authPerRun, everyMinutes, auth.perMinutes);
  const authFits = authDemand <= auth.requests;
  const parts = [
    `${authPerRun} sign-ups and sign-ins per ${readOnly ? "read-only " : ""}run: ${authDemand} per ${auth.perMinutes} min ${every} (limit ${auth.requests} per IP)`,
  ];
  const means: string[] = [];
  if (!authFits)
    means.push(
      authPerRun > auth.requests
        ? "Auth answers 429 over_request_rate_limit within one run: raise the limit (Authentication → Rate Limits)"
        : `Auth answers 429 over_request_rate_limit: run every ${formatMinutes(minimumEvery(authPerRun, auth))} or less often`,
    );
  let emailsKnown = true;
  let emailsFit = true;
  if (!settings) {
    emailsKnown = false;
    parts.push("emails unknown (Auth settings not read)");
  } else if (settings.mailerAutoconfirm) {
    parts.push("no emails (confirmation off)");
  } else {
    const emailDemand = demand(run.confirmationEmails, everyMinutes, mail.perMinutes);
    emailsFit = emailDemand <= mail.requests;
    parts.push(
      `${run.confirmationEmails} confirmation emails per run: ${emailDemand} per hour (built-in SMTP limit ${mail.requests})`,
    );
    if (!emailsFit)
      means.push(
        "sign-ups fail with over_email_send_rate_limit: set up custom SMTP, or turn off email confirmation on the monitored project",
      );
  }
  const status: Row["status"] = !authFits || !emailsFit ? "fail" : emailsKnown ? "ok" : "warn";
  const fits = emailsKnown
    ? `the schedule (${every}) fits`
    : "the sign-in schedule fits; emails unchecked";
  return rowsOf("rate limits")(status, parts.join("; "), means.join("; ") || fits);
}

/** The shortest schedule at which `perRun` requests fit the limit. */
function minimumEvery(perRun: number, limit: { requests: number; perMinutes: number }): number {
  return (perRun * limit.perMinutes) / limit.requests;
}

function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)}s`;
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60}h`;
  return `${Math.round(minutes * 10) / 10}m`;
}
