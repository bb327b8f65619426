import type { AllureConfig } from "allure";
import { DIAGNOSIS } from "../fixtures/attachments/names.ts";
import { PAGE_HEALTH_LABEL } from "./labels.ts";

type Categories = Exclude<NonNullable<AllureConfig["categories"]>, false>;
export type CategoryRule = Extract<Categories, readonly unknown[]>[number];

const FAILED = ["failed", "broken"] as const;

/** One regular expression from alternatives, so each reads on its own line. */
const anyOf = (...patterns: string[]) => new RegExp(patterns.join("|"), "m");

/**
 * Failures of the test itself, not of the product: a crash in test code, a
 * locator matching nothing or several elements, a fixture misused. Most often
 * the app changed and contract/app.ts did not follow.
 */
export const SUITE_DEFECT = anyOf(
  "^(Error: )?(TypeError|ReferenceError|SyntaxError|RangeError): ",
  "strict mode violation",
  String.raw`^(\w*Error: )?locator\.\w+: Timeout \d+ms exceeded`,
  String.raw`element\(s\) not found`,
  "Unknown fixture",
  "Cannot find module",
);

export const SCHEMA_DRIFT = anyOf(
  "Schema drift",
  String.raw`\bPGRST20[45]\b`,
  String.raw`\b42703\b`,
  String.raw`\b42P01\b`,
  String.raw`(relation|column|function) \S+ does not exist`,
  "row was created for the new user",
);

export const AVAILABILITY = anyOf(
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "socket hang up",
  "fetch failed",
  "net::ERR_",
  String.raw`answered 5\d\d`,
  String.raw`HTTP 5\d\d`,
  // An HTTP status assertion (expected 2xx-4xx) that got a server error.
  String.raw`Expected: [1-4]\d\d\s+Received: +5\d\d\b`,
  "Service Unavailable",
  "Bad Gateway",
  "Gateway Timeout",
  "database is unreachable",
  "preflight from the frontend origin failed",
  "does not allow the frontend origin",
  String.raw`Test timeout of \d+ms exceeded`,
  String.raw`page\.goto: Timeout`,
);

export const SECURITY = anyOf(
  "secrets shipped to browsers",
  "row level security",
  "another user's profile",
  "user A (can read|changed) user B",
  "a foreign origin is allowed",
  "X-Content-Type-Options",
  "frame-ancestors",
  "HSTS",
  "/api/me without a token",
  "token signed by someone else",
);

/** Playwright timing checks, and Artillery's load verdicts (load/verdict.ts) in the same report. */
export const SLA_BREACH = anyOf(
  String.raw`\(budget \d+ ?ms\)`,
  String.raw`\bSLA\b`,
  "over budget",
  "^Regression: ",
);

export const AUTH_FAILURE = anyOf(
  String.raw`\b(signUp|signInWithPassword|getUser|refreshSession|updateUser|signOut|listUsers) failed`,
  String.raw`admin \w+ failed`,
  "invalid_credentials",
  String.raw`\blogin answered`,
  "/api/me answered",
  "login returned no access token",
  "sign-in returned no session",
  "sign-in as user A failed",
  "(login|registration) did not reach the dashboard",
  "refresh token still works",
  "Auth(Api|RetryableFetch|Unknown)Error",
);

export const FRONTEND_ERRORS = anyOf(
  "uncaught exception",
  "console error",
  "request failed: ",
  String.raw`HTTP 4\d\d: `,
);

const failedWith = (message: RegExp) => ({ statuses: FAILED, message });

/**
 * Allure categories, first match wins. Flaky comes first (a test that passed
 * on retry is neither broken nor fine); suite defects come before every
 * product category so a broken test never reads as a broken product; then
 * the most specific product causes before the general ones.
 */
export const CATEGORIES: CategoryRule[] = [
  { id: "flaky", name: "Flaky (passed on retry or flips between runs)", matchers: { flaky: true } },
  {
    id: "suite-defect",
    name: "Suite defect (the test itself broke)",
    // A locator that finds nothing on a page that was failing anyway is the product's fault.
    matchers: (data) =>
      FAILED.some((status) => status === data.status) &&
      SUITE_DEFECT.test(data.message ?? "") &&
      !data.labels.some((label) => label.name === PAGE_HEALTH_LABEL.name),
  },
  { id: "schema-drift", name: "Schema drift", matchers: failedWith(SCHEMA_DRIFT) },
  {
    // The diagnosis (fixtures/diagnosis.ts) named a cause, not just a tier: "tier · cause: …".
    id: "platform",
    name: "Platform cause (cold start, deploy, suspended, paused, rate-limited, protection, …)",
    matchers: { statuses: FAILED, labels: { [DIAGNOSIS]: / · / } },
  },
  {
    id: "sla-breach",
    name: "SLA breach (or performance regression)",
    matchers: failedWith(SLA_BREACH),
  },
  {
    id: "availability",
    name: "Availability (unreachable, 5xx, timeouts)",
    matchers: failedWith(AVAILABILITY),
  },
  { id: "security", name: "Security", matchers: failedWith(SECURITY) },
  { id: "auth-failure", name: "Auth failure", matchers: failedWith(AUTH_FAILURE) },
  {
    id: "frontend-errors",
    name: "Frontend errors (uncaught exceptions, console errors, failed requests)",
    matchers: [
      failedWith(FRONTEND_ERRORS),
      { statuses: FAILED, labels: { [PAGE_HEALTH_LABEL.name]: /./ } },
    ],
  },
  { id: "other-product", name: "Other product failures", matchers: { statuses: FAILED } },
];
