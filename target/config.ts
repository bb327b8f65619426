import { existsSync } from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { z } from "zod";

/**
 * The suite's configuration: parsed once, from the process environment after
 * `.env` and then `.env.<SYNTHETIC_ENV>` (neither overrides a variable already
 * set). Errors name every bad variable and never echo a secret's value.
 */

export const TARGET_VARS = ["FRONTEND_URL", "BACKEND_URL", "SUPABASE_URL"] as const;

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
    message: "must be an http(s) URL, e.g. https://app.example.com",
  })
  .transform((value) => value.replace(/\/+$/, ""));

const jwtLike = z
  .string()
  .trim()
  .refine(
    (value) =>
      /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value) || /^sb_(publishable|secret)_\S+$/.test(value),
    {
      message: "must be a Supabase API key (a JWT, or an sb_publishable_/sb_secret_ key)",
    },
  );

/** An on/off variable: 1/true/yes or 0/false/no; unset or empty is off. */
export const envFlag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((value) => value === "1" || value === "true" || value === "yes");

const schema = z.object({
  SYNTHETIC_ENV: z
    .string()
    .trim()
    .regex(
      /^[a-z][a-z0-9-]{0,31}$/,
      "must be a short lower-case name such as local, staging or production",
    )
    .default("local"),
  FRONTEND_URL: httpUrl,
  // Optional: an app with no backend of its own (Render) leaves it unset; backend checks then skip.
  BACKEND_URL: httpUrl.optional(),
  SUPABASE_URL: httpUrl,
  SUPABASE_ANON_KEY: jwtLike,
  SUPABASE_SERVICE_ROLE_KEY: jwtLike,
  SUPABASE_DB_URL: z
    .string()
    .trim()
    .refine((value) => /^postgres(ql)?:\/\/\S+$/.test(value) && URL.canParse(value), {
      message: "must be a postgres:// connection URL",
    })
    .optional(),
  SYNTHETIC_EMAIL_DOMAIN: z
    .string()
    .trim()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, "must be a domain name such as example.com")
    .default("example.com"),
  // One real inbox that takes plus-addressing: synthetic users become monitor+<…>@example.com.
  SYNTHETIC_EMAIL_INBOX: z
    .string()
    .trim()
    .regex(
      /^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i,
      "must be one address without a + (e.g. monitor@example.com); synthetic users then get monitor+…@example.com",
    )
    .optional(),
  SYNTHETIC_EMAIL_PREFIX: z
    .string()
    .trim()
    .regex(
      /^[a-z][a-z0-9]{1,19}$/,
      "must be 2-20 lower-case letters or digits, starting with a letter",
    )
    .default("synthetic"),
  VERCEL_PROTECTION_BYPASS: z.string().trim().min(1).optional(),
  SUPABASE_JWT_SECRET: z.string().trim().min(16, "must be at least 16 characters").optional(),
  SYNTHETIC_RUN_ID: z
    .string()
    .trim()
    .regex(/^[a-z0-9]{4,16}$/, "must be 4-16 lower-case letters or digits")
    .optional(),
  SYNTHETIC_RUN_KIND: z.enum(["acceptance", "scheduled"]).default("acceptance"),
  SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION: envFlag,
});

export type TargetConfig = {
  env: string;
  frontendUrl: string;
  /** Unset for an app without a backend of its own: backend checks are skipped, never passed. */
  backendUrl: string | undefined;
  supabaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  dbUrl: string | undefined;
  emailDomain: string;
  /** Set: addresses are plus-addressed on this inbox (monitor+<…>@example.com), not on emailDomain. */
  emailInbox?: string;
  emailPrefix: string;
  vercelBypass: string | undefined;
  /** Optional: only used to prove the frontend does not ship it. */
  jwtSecret: string | undefined;
  runId: string;
  runKind: "acceptance" | "scheduled";
  /** production runs only @readonly journeys (plus registration with cleanup) unless widened. */
  readOnly: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads .env files into process.env (without overriding what is set) from `dir`. */
export function loadDotenv(dir = process.cwd(), env: NodeJS.ProcessEnv = process.env): void {
  const load = (file: string) => {
    const full = path.join(dir, file);
    if (existsSync(full))
      dotenv.config({ path: full, processEnv: env as Record<string, string>, quiet: true });
  };
  load(".env");
  const name = env.SYNTHETIC_ENV?.trim();
  if (name && /^[a-z][a-z0-9-]{0,31}$/.test(name)) load(`.env.${name}`);
}

/** True when the environment names no target at all: the suite then boots the reference stack. */
export function hasNoTarget(env: NodeJS.ProcessEnv = process.env): boolean {
  return TARGET_VARS.every((name) => !env[name]?.trim());
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, emptyToUndefined(env[key])]),
  );
  const result = schema.safeParse(input);
  const shapeProblems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "configuration");
        const missing = input[name] === undefined;
        return { name, text: missing ? `${name} is required` : `${name} ${issue.message}` };
      });
  // The keys are read only where their shape passed, so each variable gets one problem.
  const wellFormed = (name: keyof KeyVariables) =>
    shapeProblems.some((problem) => problem.name === name) ? undefined : input[name]?.trim();
  const problems = [
    ...shapeProblems.map((problem) => problem.text),
    ...keyProblems({
      SUPABASE_URL: wellFormed("SUPABASE_URL"),
      SUPABASE_ANON_KEY: wellFormed("SUPABASE_ANON_KEY"),
      SUPABASE_SERVICE_ROLE_KEY: wellFormed("SUPABASE_SERVICE_ROLE_KEY"),
    }),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError([...new Set(problems)].sort());
  const value = result.data;
  const runId = value.SYNTHETIC_RUN_ID ?? newRunId();
  return {
    env: value.SYNTHETIC_ENV,
    frontendUrl: value.FRONTEND_URL,
    backendUrl: value.BACKEND_URL,
    supabaseUrl: value.SUPABASE_URL,
    anonKey: value.SUPABASE_ANON_KEY,
    serviceRoleKey: value.SUPABASE_SERVICE_ROLE_KEY,
    dbUrl: value.SUPABASE_DB_URL,
    emailDomain: value.SYNTHETIC_EMAIL_DOMAIN.toLowerCase(),
    emailInbox: value.SYNTHETIC_EMAIL_INBOX?.toLowerCase(),
    emailPrefix: value.SYNTHETIC_EMAIL_PREFIX,
    vercelBypass: value.VERCEL_PROTECTION_BYPASS,
    jwtSecret: value.SUPABASE_JWT_SECRET,
    runId,
    runKind: value.SYNTHETIC_RUN_KIND,
    readOnly: isReadOnly(value.SYNTHETIC_ENV, value.SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION),
  };
}

/**
 * What an API key says about itself, read without verifying it: a legacy JWT
 * carries its role and (on hosted projects) its project ref as claims; the
 * opaque sb_ keys say only whether they are publishable or secret.
 */
export type ApiKeyClaims =
  | { form: "jwt"; role: string | undefined; ref: string | undefined }
  | { form: "publishable" | "secret" | "unknown" };

export function readApiKey(key: string): ApiKeyClaims {
  const value = key.trim();
  if (value.startsWith("sb_publishable_")) return { form: "publishable" };
  if (value.startsWith("sb_secret_")) return { form: "secret" };
  const parts = value.split(".");
  if (parts.length !== 3) return { form: "unknown" };
  let claims: Record<string, unknown> = {};
  try {
    const decoded: unknown = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
    if (decoded !== null && typeof decoded === "object")
      claims = decoded as Record<string, unknown>;
  } catch {
    // Not JSON: a JWT-shaped string without claims, reported as having no role.
  }
  const text = (claim: unknown) => (typeof claim === "string" ? claim : undefined);
  return { form: "jwt", role: text(claims.role), ref: text(claims.ref) };
}

/** A hosted project's ref from its URL (`<ref>.supabase.co`, `.supabase.in`); undefined elsewhere. */
export function projectRefOf(supabaseUrl: string): string | undefined {
  if (!URL.canParse(supabaseUrl)) return undefined;
  return new URL(supabaseUrl).hostname.match(/^([a-z0-9]+)\.supabase\.(co|in)$/i)?.[1];
}

/** How a key reads in a message: its kind and role, never its value. */
export function describeApiKey(claims: ApiKeyClaims): string {
  switch (claims.form) {
    case "publishable":
      return "a publishable key (sb_publishable_…)";
    case "secret":
      return "a secret key (sb_secret_…)";
    case "unknown":
      return "not a Supabase API key";
  }
  const role = claims.role;
  if (role === undefined) return "a JWT without a role claim";
  if (role === "anon") return `an anon key (role ${claim(role)})`;
  if (role === "service_role") return `a service_role key (role ${claim(role)})`;
  return `a JWT with role ${claim(role)}, not an API key`;
}

/** A claim quoted in a message; anything but a short name is not repeated. */
function claim(value: string): string {
  return /^[\w-]{1,40}$/.test(value) ? `"${value}"` : "(an unexpected value)";
}

type KeyVariables = Record<
  "SUPABASE_URL" | "SUPABASE_ANON_KEY" | "SUPABASE_SERVICE_ROLE_KEY",
  string | undefined
>;

const KEY_SLOTS = [
  { name: "SUPABASE_ANON_KEY", role: "anon", opaque: "publishable", use: "the anon key" },
  {
    name: "SUPABASE_SERVICE_ROLE_KEY",
    role: "service_role",
    opaque: "secret",
    use: "the service_role key",
  },
] as const;

/**
 * Keys swapped or from another project, each problem naming its variable and
 * what was found. A swapped pair otherwise surfaces far from its cause (setup
 * dies on `403 not_admin`, the registration check blames the signup trigger).
 */
export function keyProblems(keys: KeyVariables): string[] {
  const urlRef = keys.SUPABASE_URL ? projectRefOf(keys.SUPABASE_URL) : undefined;
  const problems: string[] = [];
  const refs: string[] = [];
  for (const slot of KEY_SLOTS) {
    const value = keys[slot.name];
    if (value === undefined) continue;
    const claims = readApiKey(value);
    if (claims.form === "jwt" && claims.role !== slot.role) {
      problems.push(`${slot.name} is ${describeApiKey(claims)}; use ${slot.use}`);
    } else if (claims.form !== "jwt" && claims.form !== slot.opaque) {
      problems.push(
        `${slot.name} is ${describeApiKey(claims)}; use ${slot.use} or an sb_${slot.opaque}_ key`,
      );
    }
    if (claims.form !== "jwt" || claims.ref === undefined) continue;
    if (urlRef !== undefined && claims.ref !== urlRef) {
      problems.push(
        `${slot.name} belongs to project ${claim(claims.ref)}, not SUPABASE_URL's ${claim(urlRef)}; use that project's keys`,
      );
    } else refs.push(claims.ref);
  }
  if (refs.length === 2 && refs[0] !== refs[1]) {
    problems.push(
      `SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY belong to different projects (${refs.map(claim).join(", ")})`,
    );
  }
  return problems;
}

/**
 * Whether the run is read-only: production runs only @readonly journeys
 * (plus registration with cleanup) unless SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION
 * widens it. Read from the raw environment too, for a run with no target.
 */
export function isReadOnly(
  env: string | undefined = process.env.SYNTHETIC_ENV,
  allowWrites: boolean = envFlag.safeParse(
    emptyToUndefined(process.env.SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION),
  ).data ?? false,
): boolean {
  return (env?.trim() || "local") === "production" && !allowWrites;
}

export function newRunId(): string {
  const time = Date.now().toString(36).slice(-6);
  const random = Math.random().toString(36).slice(2, 6).padEnd(4, "0");
  return `${time}${random}`;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Mailboxes the suite can read auth emails from: Mailpit's API, or any inbox over IMAP. */
export const MAILBOX_KINDS = ["mailpit", "imap"] as const;

/** An IMAP mailbox as SYNTHETIC_MAILBOX_URL names it; `password` never goes into a message. */
export interface ImapMailboxConfig {
  kind: "imap";
  /** imaps://host:993/INBOX, without credentials: what messages show. */
  address: string;
  host: string;
  port: number;
  /** TLS from the start (imaps://); imap:// speaks plain, upgraded by STARTTLS when offered. */
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  variable: "SYNTHETIC_MAILBOX_URL";
}

/**
 * Where email journeys read mail (target/mailbox.ts). Undefined: no mailbox,
 * so the journeys that need one are skipped. A mailpit `url` may carry
 * credentials (Mailpit's basic auth); messages show it through `redactUrl`.
 */
export type MailboxConfig =
  | {
      kind: "mailpit";
      url: string;
      /** The variable the URL came from, for messages. */
      variable: "SYNTHETIC_MAILBOX_URL" | "MAIL_SINK_API_URL";
    }
  | ImapMailboxConfig
  | undefined;

/**
 * SYNTHETIC_MAILBOX and SYNTHETIC_MAILBOX_URL, parsed apart from the target
 * (a run without a mailbox is a full run). For mailpit the URL defaults to
 * the reference stack's MAIL_SINK_API_URL, which answers Mailpit's API, when
 * the stack is the target; any other target must name its mailbox. For imap
 * the URL is required: imaps://user:password@host:993/INBOX.
 */
export function parseMailboxConfig(env: NodeJS.ProcessEnv = process.env): MailboxConfig {
  const kind = emptyToUndefined(env.SYNTHETIC_MAILBOX)?.trim().toLowerCase();
  const explicit = emptyToUndefined(env.SYNTHETIC_MAILBOX_URL);
  if (kind === undefined) {
    if (explicit === undefined) return undefined;
    throw new ConfigError([
      "SYNTHETIC_MAILBOX_URL is set but SYNTHETIC_MAILBOX is not; set SYNTHETIC_MAILBOX=mailpit or imap",
    ]);
  }
  if (kind === "imap") return parseImapUrl(explicit);
  if (kind !== "mailpit") {
    throw new ConfigError([
      "SYNTHETIC_MAILBOX must be mailpit or imap, or unset to skip email journeys",
    ]);
  }
  const fromStack = emptyToUndefined(env.MAIL_SINK_API_URL);
  const name = explicit !== undefined ? "SYNTHETIC_MAILBOX_URL" : "MAIL_SINK_API_URL";
  const value = explicit ?? fromStack;
  if (value === undefined) {
    throw new ConfigError([
      "SYNTHETIC_MAILBOX_URL is required with SYNTHETIC_MAILBOX=mailpit: the Mailpit address, e.g. http://localhost:8025",
    ]);
  }
  const url = httpUrl.safeParse(value);
  if (!url.success) {
    const because = url.error.issues[0]?.message ?? "must be an http(s) URL";
    throw new ConfigError([
      name === "SYNTHETIC_MAILBOX_URL"
        ? `SYNTHETIC_MAILBOX_URL ${because}`
        : `MAIL_SINK_API_URL (the default for SYNTHETIC_MAILBOX_URL) ${because}`,
    ]);
  }
  return { kind: "mailpit", url: url.data, variable: name };
}

const IMAP_EXAMPLE = "imaps://user:password@imap.example.com:993/INBOX";

function parseImapUrl(value: string | undefined): ImapMailboxConfig {
  const refuse = (why: string): never => {
    throw new ConfigError([`SYNTHETIC_MAILBOX_URL ${why}`]);
  };
  if (value === undefined) {
    return refuse(`is required with SYNTHETIC_MAILBOX=imap, e.g. ${IMAP_EXAMPLE}`);
  }
  const trimmed = value.trim();
  if (!URL.canParse(trimmed))
    return refuse(`must be an imaps:// or imap:// URL, e.g. ${IMAP_EXAMPLE}`);
  const url = new URL(trimmed);
  const secure = url.protocol === "imaps:";
  if (!secure && url.protocol !== "imap:") {
    return refuse(`must be an imaps:// or imap:// URL, e.g. ${IMAP_EXAMPLE}`);
  }
  if (url.hostname === "") return refuse(`names no host, e.g. ${IMAP_EXAMPLE}`);
  const decode = (part: string, what: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return refuse(`has a badly percent-encoded ${what}`);
    }
  };
  const user = decode(url.username, "user name");
  const password = decode(url.password, "password");
  if (user === "" || password === "") {
    return refuse(`must carry the user and password (percent-encoded), e.g. ${IMAP_EXAMPLE}`);
  }
  const mailbox = decode(url.pathname.replace(/^\/+|\/+$/g, ""), "mailbox name") || "INBOX";
  const port = url.port === "" ? (secure ? 993 : 143) : Number(url.port);
  const address = `${url.protocol}//${url.host.replace(/:\d+$/, "")}:${port}/${mailbox}`;
  return {
    kind: "imap",
    address,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port,
    secure,
    user,
    password,
    mailbox,
    variable: "SYNTHETIC_MAILBOX_URL",
  };
}

/** A URL as messages show it: without user name, password, query or fragment. */
export function redactUrl(value: string): string {
  if (!URL.canParse(value)) return "(an unparseable URL)";
  const url = new URL(value);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
