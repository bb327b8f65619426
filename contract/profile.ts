import { posix } from "node:path";
import { z } from "zod";

// The app profile: everything the suite needs to know about the team's app,
// as data. One typed module per app (contract/app.ts is the reference
// stack's; contract/examples/ holds others), chosen with SYNTHETIC_APP and
// validated before any test runs, so a mistyped field stops the run naming
// the field instead of surfacing as a timeout in a journey.

/** How a journey finds an element: the first key given decides. */
const locator = z.union([
  z.object({ label: z.string().min(1) }).strict(),
  z.object({ role: z.string().min(1), name: z.string().min(1) }).strict(),
  z.object({ placeholder: z.string().min(1) }).strict(),
  z.object({ testId: z.string().min(1) }).strict(),
  z.object({ text: z.string().min(1) }).strict(),
  /** A CSS selector, for what has no label, role name or test id (`nav`, `pre`). */
  z.object({ css: z.string().min(1) }).strict(),
]);
export type Locator = z.output<typeof locator>;

/** What a journey types into a field: the synthetic user's email, password or name, or a constant. */
const fieldValue = z.union([
  z.enum(["email", "password", "fullName"]),
  z.object({ constant: z.string() }).strict(),
]);
export type FieldValue = z.output<typeof fieldValue>;

const path = z.string().regex(/^\//, "must be a path starting with /");

/** Where a journey must land: a path, or a text visible on the page it reached. */
const landing = z.union([
  z.object({ path }).strict(),
  z.object({ text: z.string().min(1) }).strict(),
]);
export type Landing = z.output<typeof landing>;

const form = z
  .object({
    path,
    fields: z.array(z.object({ locator, value: fieldValue }).strict()).min(1),
    submit: locator,
    lands: landing,
  })
  .strict();
export type FormProfile = z.output<typeof form>;

/** A form a journey reaches by following an emailed link, so it has no path of its own. */
const linkedForm = z
  .object({
    fields: z.array(z.object({ locator, value: fieldValue }).strict()).min(1),
    submit: locator,
    lands: landing,
  })
  .strict();
export type LinkedFormProfile = z.output<typeof linkedForm>;

/**
 * The journeys that go through an inbox (tagged @email). They run when
 * SYNTHETIC_MAILBOX names a mailbox; in scheduled runs at most every
 * `scheduledEveryMinutes`, since each sends mail (Supabase's built-in SMTP
 * sends 2 an hour).
 */
const email = z
  .object({
    /** How long a journey waits for each email. */
    deadlineMs: z.number().int().positive().default(60_000),
    /** Scheduled runs run the email journeys at most this often; 0: every run. */
    scheduledEveryMinutes: z.number().int().nonnegative().default(60),
    /**
     * Sign-up with "Confirm email" on (a Supabase project's default): the
     * sign-up form lands on `pending`, the emailed link on `lands`, signed in.
     * Runs when the target's Auth settings say sign-ups wait for confirmation.
     */
    confirmSignUp: z.object({ pending: landing, lands: landing }).strict().optional(),
    /** Password recovery: `request` asks for the email; its link opens `reset` (value "password" is the new one). */
    recovery: z.object({ request: form, reset: linkedForm }).strict().optional(),
    /** A magic link: `request` asks for it; following it `lands`, signed in. */
    magicLink: z.object({ request: form, lands: landing }).strict().optional(),
  })
  .strict();
export type EmailProfile = z.output<typeof email>;

const session = z.discriminatedUnion("kind", [
  z
    .object({
      /** The page keeps the session in localStorage under `key`, as the session JSON. */
      kind: z.literal("localStorage"),
      key: z.string().min(1),
    })
    .strict(),
  z
    .object({
      /**
       * The page reads @supabase/ssr's cookies: `sb-<project ref>-auth-token`
       * (derived from SUPABASE_URL unless `name` is given), value `base64-` +
       * base64url of the session JSON, split into `.0`, `.1`, … past 3180 characters.
       */
      kind: z.literal("cookies"),
      name: z.string().min(1).optional(),
    })
    .strict(),
]);
export type SessionProfile = z.output<typeof session>;

const errorAnswer = z.object({ status: z.number().int(), code: z.string().min(1) }).strict();

const endpoint = z.object({ path }).strict();

const backend = z
  .object({
    health: path,
    /** An endpoint that requires the Supabase access token: 200 with one, 401 without or forged. */
    protected: endpoint
      .extend({
        unauthorized: errorAnswer,
        /** Where its JSON answer shows the signed-in user (`"user.id": "id"`, `"profile.email": "email"`). */
        shows: z.record(z.string(), z.enum(["id", "email", "fullName"])).default({}),
      })
      .strict()
      .optional(),
    /** Only where the backend has its own sign-up and sign-in endpoints. */
    register: endpoint
      .extend({ duplicateEmail: errorAnswer, invalidInput: errorAnswer })
      .strict()
      .optional(),
    login: endpoint.extend({ wrongCredentials: errorAnswer }).strict().optional(),
  })
  .strict();
export type BackendProfile = z.output<typeof backend>;

const table = z
  .object({
    schema: z.string().min(1).default("public"),
    name: z.string().min(1),
    /**
     * Who may use the table through the Data API: `owner` (each user reads and
     * writes only their rows), `public-read` (anyone reads, only owners write),
     * `authenticated-read` (signed-in users read all rows, owners write), `none`.
     */
    access: z.enum(["owner", "public-read", "authenticated-read", "none"]),
    /** The column holding the owning user's id (also how cleanup finds a user's rows). */
    ownerColumn: z.string().min(1),
    /** Other values a row needs when the suite writes one (required columns without defaults). */
    seed: z.record(z.string(), z.unknown()).default({}),
    /** A text column an owner may update, to prove others cannot. */
    writableColumn: z.string().min(1).optional(),
  })
  .strict();
export type TableProfile = z.output<typeof table>;

const profileSchema = z
  .object({
    name: z.string().min(1),
    /** Where sign-up and sign-in happen: the backend's own endpoints, or Supabase Auth from the page. */
    auth: z.enum(["backend", "supabase"]),
    session,
    home: z
      .object({ path, heading: z.union([z.string(), z.instanceof(RegExp)]).optional() })
      .strict(),
    forms: z
      .object({
        /** How long a person may wait after submitting a form; slowness itself is the SLA's job. */
        submitTimeoutMs: z.number().int().positive().default(15_000),
        signUp: form,
        login: form,
      })
      .strict(),
    signedIn: z
      .object({
        path,
        /** What proves the right user is signed in: each locator shows the user's value. */
        proofs: z
          .array(
            z
              .object({
                locator,
                shows: z.enum(["email", "fullName"]),
                /** `exact` (the default): the element's text is the value; `contains`: "Hey, <email>!". */
                match: z.enum(["exact", "contains"]).default("exact"),
              })
              .strict(),
          )
          .min(1),
        signOut: z.object({ locator, lands: landing }).strict(),
        /** Where a signed-out visit to `path` ends up. */
        signedOutLands: landing,
      })
      .strict(),
    /** Journeys through an inbox: confirmation, recovery, magic link. */
    email: email.optional(),
    /** The user metadata key the app's sign-up stores the display name under, if any. */
    nameMetadataKey: z.string().min(1).optional(),
    /** A row a sign-up creates (a signup trigger): a declared table, and the column holding the name. */
    signUpRow: z
      .object({ table: z.string().min(1), nameColumn: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Optional: an app with no backend of its own leaves it out. */
    backend: backend.optional(),
    tables: z.array(table),
    /** The app's migrations folder, from the project root: the source of the expected schema. */
    migrations: z.string().min(1).default("supabase/migrations"),
    /**
     * The schema check. The expected schema is the snapshot `npm run
     * schema:snapshot` writes from the migrations; what is here only adjusts it.
     */
    schema: z
      .preprocess(
        (value) =>
          value && typeof value === "object" && "tables" in value && !("snapshot" in value)
            ? { legacyManifest: true }
            : value,
        z
          .object({
            /** The snapshot file, from the project root. Default: schema-snapshot.json beside the migrations folder. */
            snapshot: z.string().min(1).optional(),
            /** The schemas the app owns, compared in full. Default: public and every declared table's schema. */
            schemas: z.array(z.string().min(1)).optional(),
            /** Objects never compared, by subject or object; `*` matches any text ("table public.audit_*"). */
            ignore: z.array(z.string().min(1)).default([]),
            /** Differences accepted as they are: by subject, optionally one kind, or one found value. */
            accept: z
              .array(
                z
                  .object({
                    subject: z.string().min(1),
                    kind: z.string().min(1).optional(),
                    found: z.string().optional(),
                  })
                  .strict(),
              )
              .default([]),
            legacyManifest: z
              .never({
                error:
                  "is a hand-written manifest (tables, functions, triggers): the expected schema now comes from the migrations. Run npm run schema:snapshot and keep only overrides here (ignore, accept)",
              })
              .optional(),
          })
          .strict(),
      )
      .default({ ignore: [], accept: [] }),
  })
  .strict()
  .superRefine((profile, ctx) => {
    if (profile.auth === "backend") {
      for (const part of ["register", "login"] as const) {
        if (!profile.backend?.[part])
          ctx.addIssue({
            code: "custom",
            path: ["backend", part],
            message: 'is required with auth "backend" (sign-up and sign-in go through the backend)',
          });
      }
    }
    const { signedIn } = profile;
    if ("path" in signedIn.signedOutLands && signedIn.signedOutLands.path === signedIn.path)
      ctx.addIssue({
        code: "custom",
        path: ["signedIn", "signedOutLands", "path"],
        message: "must differ from signedIn.path: a signed-out visit has to be turned away",
      });
    const declared = new Set(profile.tables.map((table) => table.name));
    if (profile.signUpRow && !declared.has(profile.signUpRow.table))
      ctx.addIssue({
        code: "custom",
        path: ["signUpRow", "table"],
        message: `must be one of the declared tables (${[...declared].join(", ") || "none"})`,
      });
  });

export type AppProfileInput = z.input<typeof profileSchema>;

/** Where the profile's expected schema lives and which schemas it covers, defaults filled in. */
export function schemaTarget(profile: AppProfile): { snapshot: string; schemas: string[] } {
  const snapshot =
    profile.schema.snapshot ??
    posix.join(posix.dirname(profile.migrations.replace(/\/+$/, "")), "schema-snapshot.json");
  const schemas =
    profile.schema.schemas ??
    [...new Set(["public", ...profile.tables.map((table) => table.schema)])].sort();
  return { snapshot, schemas };
}
export type AppProfile = z.output<typeof profileSchema>;

/** Types a profile module's default export (the typing helps an editor; validation is at load). */
export function defineApp(profile: AppProfileInput): AppProfileInput {
  return profile;
}

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid app profile ${file}:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "ProfileError";
  }
}

/** Validates a profile; every problem names its field (`forms.login.submit`). */
export function parseProfile(input: unknown, file: string): AppProfile {
  const result = profileSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.map(String).join(".") || "(profile)";
    return `${field}: ${issue.message}`;
  });
  throw new ProfileError(file, [...new Set(problems)]);
}
