// The checks a seeded history is made of: the suite's projects, with labels
// and identities derived as the history reporter derives them (tier from the
// project's vocabulary, id from the alert engine's fingerprint).
import { fingerprintOf } from "../../../alerts/identity.ts";
import { TAGS, TIER_BY_PROJECT } from "../../../contract/vocabulary.ts";

export type SeedProject = "browser" | "api" | "supabase" | "schema" | "security";

/** What a check plays in the seeded story. */
export type SeedRole = "home" | "health" | "auth" | "schema" | "secrets" | "xss" | "extra";

export interface SeededCheck {
  checkId: string;
  project: SeedProject;
  file: string;
  title: string;
  /** As the reporter records it: the project's tier word ("Supabase auth"), not the dashboard's key. */
  tier: string;
  severity: "critical" | "warning";
  tags: string[];
  role: SeedRole;
  /** Timings it records per run (its `sla` attachment). */
  timings: string[];
  /** Typical duration of a passing run, ms. */
  baseMs: number;
}

export const PUBLIC_TAG = "@public";

/** The error the XSS check fails with: rendered anywhere as HTML, it sets window.__xss. */
export const XSS_ERROR = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;

interface Shape {
  project: SeedProject;
  file: string;
  title: string;
  tags: string[];
  role: SeedRole;
  timings?: string[];
  baseMs: number;
}

// The first six are the story's; the rest fill a larger history, project by project.
const STORY: Shape[] = [
  {
    project: "browser",
    file: "tests/browser/home.spec.ts",
    title: "home renders with no console errors and no failed requests",
    tags: [TAGS.root, TAGS.critical, TAGS.smoke, TAGS.readonly, PUBLIC_TAG],
    role: "home",
    timings: ["home TTFB", "home LCP"],
    baseMs: 2_400,
  },
  {
    project: "api",
    file: "tests/api/health.spec.ts",
    title: "GET /health is up",
    tags: [TAGS.root, TAGS.critical, TAGS.smoke, TAGS.readonly],
    role: "health",
    timings: ["backend /health"],
    baseMs: 180,
  },
  {
    project: "supabase",
    file: "tests/supabase/auth.spec.ts",
    title: "sign in with password returns a session",
    tags: [TAGS.critical, TAGS.registration],
    role: "auth",
    baseMs: 900,
  },
  {
    project: "schema",
    file: "tests/schema/drift.spec.ts",
    title: "tables match the schema snapshot",
    tags: [TAGS.readonly],
    role: "schema",
    baseMs: 1_500,
  },
  {
    project: "security",
    file: "tests/security/secrets.spec.ts",
    title: "frontend ships no service-role key, JWT secret or service_role JWT",
    tags: [TAGS.readonly],
    role: "secrets",
    baseMs: 1_200,
  },
  {
    project: "browser",
    file: "tests/browser/profile.spec.ts",
    title: "profile › shows the user's display name",
    tags: [TAGS.readonly],
    role: "xss",
    timings: ["home TTFB"],
    baseMs: 1_900,
  },
];

const MORE: Record<SeedProject, string[]> = {
  browser: [
    "login form signs a user in",
    "sign-up shows the confirmation notice",
    "pricing page renders",
    "dashboard lists the user's projects",
    "an unknown page answers 404",
  ],
  api: [
    "GET /api/items answers within budget",
    "POST /api/login refuses a wrong password",
    "CORS allows the frontend origin only",
    "the protected endpoint needs a token",
    "too many requests answer 429",
  ],
  supabase: [
    "sign-up sends the confirmation mail",
    "password recovery link signs in",
    "row level security hides other users' rows",
    "storage refuses anonymous writes",
    "a refreshed session keeps the user",
  ],
  schema: [
    "functions match the schema snapshot",
    "triggers match the schema snapshot",
    "every migration is applied",
    "indexes match the schema snapshot",
    "policies match the schema snapshot",
  ],
  security: [
    "responses carry the security headers",
    "session cookies are Secure and HttpOnly",
    "certificates are valid for 14 more days",
    "login has no open redirect",
    "no source maps are served",
  ],
};

const PROJECTS: SeedProject[] = ["browser", "api", "supabase", "schema", "security"];
const BASE_MS: Record<SeedProject, number> = {
  browser: 2_100,
  api: 240,
  supabase: 800,
  schema: 1_300,
  security: 1_000,
};

function extra(index: number): Shape {
  const project = PROJECTS[index % PROJECTS.length] as SeedProject;
  const round = Math.floor(index / PROJECTS.length);
  const titles = MORE[project];
  const base = titles[round % titles.length] as string;
  const title = round < titles.length ? base : `${base} (${round + 1})`;
  return {
    project,
    file: `tests/${project}/more-${round + 1}.spec.ts`,
    title,
    tags: round % 2 === 0 ? [TAGS.readonly] : [TAGS.smoke, TAGS.readonly],
    role: "extra",
    ...(project === "browser" ? { timings: ["home TTFB"] } : {}),
    baseMs: BASE_MS[project],
  };
}

/** `count` checks (at least the story's six), with the ids the reporter would give them. */
export function seededChecks(count: number, environment: string): SeededCheck[] {
  if (!Number.isInteger(count) || count < STORY.length)
    throw new RangeError(`a seeded history needs at least ${STORY.length} checks, got ${count}`);
  const shapes = [...STORY, ...Array.from({ length: count - STORY.length }, (_, i) => extra(i))];
  return shapes.map((shape) => {
    const tier = TIER_BY_PROJECT[shape.project]?.epic ?? shape.project;
    const labels = { environment, project: shape.project, file: shape.file, title: shape.title };
    return {
      checkId: fingerprintOf(labels),
      project: shape.project,
      file: shape.file,
      title: shape.title,
      tier,
      severity: shape.tags.includes(TAGS.critical) ? "critical" : "warning",
      tags: shape.tags,
      role: shape.role,
      timings: shape.timings ?? [],
      baseMs: shape.baseMs,
    };
  });
}

/** The labels a result and an alert carry for a check (all but the environment). */
export function labelsOf(check: SeededCheck) {
  const { project, file, title, tier, severity, tags } = check;
  return { project, file, title, tier, severity, tags };
}
