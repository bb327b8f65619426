import { z } from "zod";
import { projectRefOf } from "../target/config.ts";

// Access to the platforms' own APIs, parsed once from the environment. Each
// platform is optional: its token unset means "not configured", never an
// error. A value that is set but malformed stops the run, naming the variable
// and never repeating the value (tokens are secrets; ids sit next to them).

/** Every variable this room reads, in the order the README's configuration table lists them. */
export const PLATFORM_VARIABLES = [
  "VERCEL_TOKEN",
  "VERCEL_PROJECT_ID",
  "VERCEL_TEAM_ID",
  "VERCEL_API_URL",
  "RENDER_API_KEY",
  "RENDER_SERVICE_ID",
  "RENDER_API_URL",
  "SUPABASE_ACCESS_TOKEN",
  "SUPABASE_PROJECT_REF",
  "SUPABASE_API_URL",
  "SYNTHETIC_PLATFORM_TIMEOUT_MS",
] as const;

/** The ones whose values are secrets (for secrets/variables.ts). */
export const PLATFORM_TOKEN_VARIABLES = [
  "VERCEL_TOKEN",
  "RENDER_API_KEY",
  "SUPABASE_ACCESS_TOKEN",
] as const;

export const DEFAULT_API_URLS = {
  vercel: "https://api.vercel.com",
  render: "https://api.render.com",
  supabase: "https://api.supabase.com",
} as const;

export const DEFAULT_PLATFORM_TIMEOUT_MS = 5000;

export interface VercelAccess {
  token: string;
  projectId: string;
  teamId?: string;
  apiUrl: string;
}

export interface RenderAccess {
  token: string;
  serviceId: string;
  apiUrl: string;
}

export interface SupabaseAccess {
  token: string;
  ref: string;
  /** Where the ref came from, for messages (a 404 names this variable). */
  refVariable: "SUPABASE_PROJECT_REF" | "SUPABASE_URL";
  apiUrl: string;
}

/** The platforms whose tokens are set; an absent one is not configured. */
export interface PlatformAccess {
  /** Per request, ms. */
  timeoutMs: number;
  vercel?: VercelAccess;
  render?: RenderAccess;
  supabase?: SupabaseAccess;
}

export class PlatformConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "PlatformConfigError";
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

// https only, except on loopback (a local stand-in): a token must not cross a network in clear.
const apiUrl = z.string().refine((value) => {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  const bare = url.pathname === "/" && url.search === "" && url.hash === "";
  const secure = url.protocol === "https:" || LOOPBACK.test(url.hostname);
  return bare && url.username === "" && url.password === "" && secure;
}, "must be an https:// origin without a path, e.g. https://api.example.com (http:// only for localhost)");

const token = z
  .string()
  .refine((value) => !/\s/.test(value), "must be one token without spaces or line breaks inside")
  .refine((value) => value.length >= 8, "is too short to be an API token");

const schema = z.object({
  VERCEL_TOKEN: token.optional(),
  // An id (prj_…) or the project's name: the deployments list takes either.
  VERCEL_PROJECT_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be a project id (prj_…) or name")
    .optional(),
  VERCEL_TEAM_ID: z
    .string()
    .regex(/^team_[A-Za-z0-9]+$/, "must be a team id (team_…), not the team's slug")
    .optional(),
  VERCEL_API_URL: apiUrl.optional(),
  RENDER_API_KEY: token.optional(),
  RENDER_SERVICE_ID: z
    .string()
    .regex(/^(srv|crn)-[a-z0-9]+$/, "must be a service id (srv-…)")
    .optional(),
  RENDER_API_URL: apiUrl.optional(),
  SUPABASE_ACCESS_TOKEN: token.optional(),
  SUPABASE_PROJECT_REF: z
    .string()
    .regex(/^[a-z0-9]{1,63}$/, "must be a project ref (the lower-case <ref> of <ref>.supabase.co)")
    .optional(),
  SUPABASE_API_URL: apiUrl.optional(),
  SYNTHETIC_PLATFORM_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, "must be a whole number of milliseconds")
    .transform(Number)
    .refine((ms) => ms >= 1 && ms <= 600_000, "must be between 1 and 600000 ms")
    .optional(),
});

export function parsePlatformEnv(env: NodeJS.ProcessEnv = process.env): PlatformAccess {
  const input = Object.fromEntries(PLATFORM_VARIABLES.map((name) => [name, present(env[name])]));
  const parsed = schema.safeParse(input);
  // zod's own messages may quote the input; ours are fixed sentences, so only the name and the rule show.
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`);
  const v = parsed.success ? parsed.data : undefined;

  const requires = (tokenName: string, idName: string) => {
    if (input[tokenName] !== undefined && input[idName] === undefined)
      problems.push(`${idName} is required with ${tokenName}`);
  };
  requires("VERCEL_TOKEN", "VERCEL_PROJECT_ID");
  requires("RENDER_API_KEY", "RENDER_SERVICE_ID");

  const supabaseUrl = present(env.SUPABASE_URL);
  const derivedRef = supabaseUrl ? projectRefOf(supabaseUrl)?.toLowerCase() : undefined;
  if (
    input.SUPABASE_ACCESS_TOKEN !== undefined &&
    input.SUPABASE_PROJECT_REF === undefined &&
    derivedRef === undefined
  ) {
    problems.push(
      "SUPABASE_PROJECT_REF is required with SUPABASE_ACCESS_TOKEN when SUPABASE_URL is not a hosted project's <ref>.supabase.co",
    );
  }

  if (problems.length > 0 || v === undefined) throw new PlatformConfigError(problems.sort());

  const access: PlatformAccess = {
    timeoutMs: v.SYNTHETIC_PLATFORM_TIMEOUT_MS ?? DEFAULT_PLATFORM_TIMEOUT_MS,
  };
  if (v.VERCEL_TOKEN && v.VERCEL_PROJECT_ID) {
    access.vercel = {
      token: v.VERCEL_TOKEN,
      projectId: v.VERCEL_PROJECT_ID,
      ...(v.VERCEL_TEAM_ID ? { teamId: v.VERCEL_TEAM_ID } : {}),
      apiUrl: origin(v.VERCEL_API_URL ?? DEFAULT_API_URLS.vercel),
    };
  }
  if (v.RENDER_API_KEY && v.RENDER_SERVICE_ID) {
    access.render = {
      token: v.RENDER_API_KEY,
      serviceId: v.RENDER_SERVICE_ID,
      apiUrl: origin(v.RENDER_API_URL ?? DEFAULT_API_URLS.render),
    };
  }
  const ref = v.SUPABASE_PROJECT_REF ?? derivedRef;
  if (v.SUPABASE_ACCESS_TOKEN && ref) {
    access.supabase = {
      token: v.SUPABASE_ACCESS_TOKEN,
      ref,
      refVariable: v.SUPABASE_PROJECT_REF ? "SUPABASE_PROJECT_REF" : "SUPABASE_URL",
      apiUrl: origin(v.SUPABASE_API_URL ?? DEFAULT_API_URLS.supabase),
    };
  }
  return access;
}

/** The tokens of the configured platforms, for scrubbing text that leaves this room. */
export function accessTokens(access: PlatformAccess): string[] {
  return [access.vercel?.token, access.render?.token, access.supabase?.token].filter(
    (value): value is string => value !== undefined,
  );
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function origin(value: string): string {
  return new URL(value).origin;
}
