// What happened in a seeded history, relative to its `now`: incidents (bursts
// of failures or slowness), maintenance windows, and the backend's and
// frontend's deploys. Anything that falls before the history's first cycle
// is simply not there.
import type { Deploy } from "../../../platform/index.ts";
import { type SeedProject, type SeedRole, XSS_ERROR } from "./seed-checks.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type AlertChannel = "slack" | "email" | "webhook" | "pagerduty";

export interface StoryIncident {
  id: string;
  /** Which checks it hits: every check of these projects, and/or of these roles. */
  projects?: SeedProject[];
  roles?: SeedRole[];
  effect: "failed" | "degraded";
  /** Offsets before `now`, ms; `endsAgo` null: still going on. */
  startsAgo: number;
  endsAgo: number | null;
  error?: string;
  diagnosis?: string;
  /** The alert engine's deliveries for it; none: nobody was told (degraded, or silenced). */
  channels: Array<{ channel: AlertChannel; refuses?: "first-attempt" | "always" }>;
}

export interface StoryWindow {
  id: string;
  effect: "pause" | "silence";
  projects?: SeedProject[];
  startsAgo: number;
  endsAgo: number;
  comment: string;
}

export const OUTAGE_ERROR =
  "Error: expect(received).toBe(expected)\n\nExpected: 200\nReceived: 503\n  GET https://backend-internal.onrender.example/health";
export const AUTH_ERROR =
  "AuthApiError: Database error granting user (status 500) at https://abcdefgh.supabase.example/auth/v1/token?grant_type=password";
export const DRIFT_ERROR =
  "schema drift: table public.profiles has a column the snapshot lacks: nickname text (postgres://db.internal.example:5432/postgres)";
export const HEADERS_ERROR =
  "Error: content-security-policy missing on https://app.internal.example/login (got x-powered-by: Express)";

/** Isolated failures between incidents: what a flaky network says. */
export const BLIP_ERRORS: Record<SeedProject, string> = {
  browser:
    'TimeoutError: page.goto: Timeout 15000ms exceeded.\n  navigating to "https://app.internal.example/", waiting until "load"',
  api: "Error: connect ECONNRESET 10.0.3.7:443 (GET https://backend-internal.onrender.example/api/items)",
  supabase:
    "FetchError: request to https://abcdefgh.supabase.example/auth/v1/user failed, reason: socket hang up",
  schema:
    "Error: Connection terminated due to connection timeout (postgres://db.internal.example:5432)",
  security: "Error: getaddrinfo EAI_AGAIN app.internal.example",
};
export const FLAKY_ERROR = "Error: read ECONNRESET (the retry passed)";

export const INCIDENTS: StoryIncident[] = [
  {
    id: "headers-missing",
    projects: ["security"],
    effect: "failed",
    startsAgo: 60 * DAY,
    endsAgo: 60 * DAY - 6 * HOUR,
    error: HEADERS_ERROR,
    channels: [{ channel: "pagerduty" }, { channel: "slack" }],
  },
  {
    id: "frontend-slow",
    projects: ["browser"],
    effect: "degraded",
    startsAgo: 45 * DAY,
    endsAgo: 45 * DAY - 10 * HOUR,
    channels: [],
  },
  {
    id: "backend-outage",
    projects: ["api"],
    effect: "failed",
    startsAgo: 20 * DAY,
    endsAgo: 20 * DAY - 6 * HOUR,
    error: OUTAGE_ERROR,
    diagnosis: "backend on Render · 503 from every route after deploy e5d2f19 went live",
    channels: [{ channel: "slack" }, { channel: "email", refuses: "first-attempt" }],
  },
  {
    id: "schema-drift",
    projects: ["schema"],
    effect: "failed",
    startsAgo: 12 * DAY,
    endsAgo: 12 * DAY - 3 * HOUR,
    error: DRIFT_ERROR,
    // Inside the schema-migration window: recorded, nobody told.
    channels: [],
  },
  {
    id: "profile-xss",
    roles: ["xss"],
    effect: "failed",
    startsAgo: 7 * DAY,
    endsAgo: 7 * DAY - 4 * HOUR,
    error: XSS_ERROR,
    channels: [{ channel: "slack" }],
  },
  {
    id: "auth-down",
    projects: ["supabase"],
    effect: "failed",
    startsAgo: 2.5 * HOUR,
    endsAgo: null,
    error: AUTH_ERROR,
    diagnosis: "Supabase auth · 500 from /auth/v1/token",
    channels: [{ channel: "slack" }, { channel: "webhook", refuses: "always" }],
  },
  {
    id: "health-slow",
    roles: ["health"],
    effect: "degraded",
    startsAgo: 1.6 * HOUR,
    endsAgo: null,
    channels: [],
  },
];

export const WINDOWS: StoryWindow[] = [
  {
    id: "db-maintenance",
    effect: "pause",
    startsAgo: 30 * DAY - 2 * HOUR,
    endsAgo: 30 * DAY - 5 * HOUR,
    comment: "Supabase database upgrade",
  },
  {
    id: "schema-migration",
    effect: "silence",
    projects: ["schema"],
    startsAgo: 12 * DAY + HOUR,
    endsAgo: 12 * DAY - 4 * HOUR,
    comment: "migration 0042, drift expected",
  },
];

interface Release {
  ago: number;
  sha: string;
  message: string;
}

const BACKEND: Release[] = [
  { ago: 120 * DAY, sha: "3f9a1c2b7d", message: "Initial deploy" },
  { ago: 62 * DAY, sha: "8d41e07a11", message: "Paginate /api/items" },
  // The backend's /health has been slower since this one.
  { ago: 40 * DAY, sha: "c07b5aa9e3", message: "Check the database on /health" },
  { ago: 20 * DAY + 20 * MINUTE, sha: "e5d2f19c04", message: "Upgrade the pg driver" },
  { ago: 20 * DAY - 6 * HOUR - 10 * MINUTE, sha: "77ab3d0e52", message: "Revert the pg driver" },
  { ago: 3 * DAY, sha: "1b6e8d4f90", message: "Log request ids" },
];

const FRONTEND: Release[] = [
  { ago: 120 * DAY, sha: "a0c4e1f2d3", message: "Initial deploy" },
  { ago: 75 * DAY, sha: "b19d07c3aa", message: "New pricing page" },
  { ago: 50 * DAY, sha: "c2e8b5d144", message: "Lazy-load the hero image" },
  { ago: 33 * DAY, sha: "d3f6a9e855", message: "Upgrade Next.js" },
  { ago: 7 * DAY + 30 * MINUTE, sha: "e4a7c0b966", message: "Profile shows display names" },
  { ago: 1 * DAY, sha: "f5b8d1c077", message: "Fix the profile's escaping" },
];

export interface StoryDeploys {
  /** Every deploy, oldest first. */
  all: Deploy[];
  /** The live deploy of each platform at `at` (what a cycle's platform snapshot reads). */
  liveAt(at: number): Deploy[];
  /** The versions a cycle at `at` saw: `{ backend, frontend }` short shas. */
  versionsAt(at: number): Record<string, string>;
}

export function storyDeploys(now: number): StoryDeploys {
  const render = BACKEND.map(
    (r): Deploy => ({
      platform: "render",
      id: `dep-${r.sha.slice(0, 8)}`,
      status: "live",
      phase: "live",
      createdAt: now - r.ago - 4 * MINUTE,
      liveAt: now - r.ago,
      commit: { sha: r.sha, ref: "main", message: r.message },
      trigger: "new_commit",
    }),
  );
  const vercel = FRONTEND.map(
    (r): Deploy => ({
      platform: "vercel",
      id: `dpl_${r.sha}`,
      status: "READY",
      phase: "live",
      createdAt: now - r.ago - 2 * MINUTE,
      liveAt: now - r.ago,
      commit: { sha: r.sha, ref: "main", message: r.message },
      url: `app-${r.sha.slice(0, 7)}.vercel.app`,
      target: "production",
    }),
  );
  const latest = (deploys: Deploy[], at: number) =>
    deploys.filter((d) => (d.liveAt ?? d.createdAt) <= at).at(-1);
  return {
    all: [...render, ...vercel].sort((a, b) => (a.liveAt ?? 0) - (b.liveAt ?? 0)),
    liveAt: (at) => [latest(vercel, at), latest(render, at)].filter((d) => d !== undefined),
    versionsAt(at) {
      const backend = latest(render, at)?.commit?.sha.slice(0, 7);
      const frontend = latest(vercel, at)?.commit?.sha.slice(0, 7);
      return { ...(backend ? { backend } : {}), ...(frontend ? { frontend } : {}) };
    },
  };
}

/** The backend's /health gets slower with the deploy 40 days back (a marker to look for). */
export const HEALTH_SLOWER_AGO = 40 * DAY;
