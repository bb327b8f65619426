// What the suite knows about the three platforms a run's target lives on,
// read through their own APIs (optional: each needs a token) and from what
// the target's responses show. Shared by the collectors, the failure
// signatures, the deploy correlation, the reports and `on-deploy`.

export const PLATFORMS = ["vercel", "render", "supabase"] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** A deployment of the frontend (Vercel) or of the backend (Render), normalised. */
export interface Deploy {
  platform: "vercel" | "render";
  id: string;
  /** The platform's own word for its state (Vercel READY/ERROR/BUILDING…, Render live/build_failed…). */
  status: string;
  /** The same, in one vocabulary for both platforms. */
  phase: "live" | "building" | "failed" | "canceled" | "superseded";
  /** Epoch ms. */
  createdAt: number;
  /** When it went live (Vercel `ready`, Render `finishedAt` of a live deploy), epoch ms. */
  liveAt?: number;
  commit?: { sha: string; ref?: string; message?: string };
  /** Vercel: the deployment's own host (`url`, no scheme). */
  url?: string;
  /** Vercel: `production` or `preview` (the API's null target). */
  target?: "production" | "preview";
  /** Render: what started it (`new_commit`, `manual`, `rollback`, …). */
  trigger?: string;
}

export interface VercelData {
  projectId: string;
  /** The production deployment that is serving now (the newest READY one). */
  live?: Deploy;
  /** Newest first. */
  recent: Deploy[];
}

export interface RenderData {
  service: {
    id: string;
    name: string;
    suspended: boolean;
    plan?: string;
    region?: string;
    instances?: number;
    url?: string;
  };
  /** The deploy serving now (the newest `live` one). */
  live?: Deploy;
  /** Newest first. */
  deploys: Deploy[];
}

export interface SupabaseData {
  ref: string;
  /** ACTIVE_HEALTHY, INACTIVE (paused), COMING_UP, UNKNOWN, … as the Management API says. */
  status: string;
  services: Array<{ name: string; healthy: boolean; status: string; error?: string }>;
  /** The project's Auth rate limits (`rate_limit_*` of /config/auth), when the token may read them. */
  authRateLimits?: Record<string, number>;
}

/** Why a platform's data is missing from a run: said once per run, never a reason to fail it. */
export interface PlatformGap {
  platform: PlatformName;
  reason: string;
}

/** The backend's first request of the run and its immediate re-check, to tell a cold start. */
export interface FirstRequestProbe {
  url: string;
  /** Time to the first response (or to the error), ms. */
  firstMs: number;
  firstStatus?: number;
  firstError?: string;
  secondMs?: number;
  secondStatus?: number;
  /** Set when the first was slow and the re-check fast: the spin-up delay, ms. */
  coldStartMs?: number;
  /** RENDER_COLD_START_BUDGET_MS: the cold start a team accepts, ms. */
  budgetMs: number;
}

export interface CertificateProbe {
  url: string;
  validTo: number;
  daysLeft: number;
}

/** Everything a run learned about the platforms, taken once before its tests. */
export interface PlatformSnapshot {
  takenAt: number;
  vercel?: VercelData;
  render?: RenderData;
  supabase?: SupabaseData;
  gaps: PlatformGap[];
  probes: {
    backend?: FirstRequestProbe;
    certificates: CertificateProbe[];
  };
}

/** Where a failure comes from: the tier at fault and, when a signature matched, the cause. */
export interface Diagnosis {
  tier: "frontend on Vercel" | "backend on Render" | "Supabase auth" | "database" | "network";
  /** Short name of the cause (e.g. "cold start"); absent when only the tier is known. */
  cause?: string;
  /** The one line alerts, the summary and the report show first. */
  line: string;
}
