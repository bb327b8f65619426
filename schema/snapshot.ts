/**
 * The expected schema, as `npm run schema:snapshot` reads it from a scratch
 * database with the app's migrations, and what an inspection of a target
 * found, in the same shape. Every expression is as Postgres prints it with an
 * empty search_path (fully qualified), so formatting never counts.
 */

/** The API roles whose grants matter: what the Data API runs as, plus PUBLIC. */
export const API_ROLES = ["anon", "authenticated", "service_role", "PUBLIC"] as const;

/** Role → privileges, sorted (SELECT, INSERT, …; EXECUTE for functions). Roles with none are left out. */
export type Grants = Record<string, string[]>;

export interface SnapshotColumn {
  /** As format_type prints it: uuid, text, character varying(200), public.mood[] */
  type: string;
  nullable: boolean;
  default?: string;
  /** "always" or "by default" for identity columns. */
  identity?: string;
  /** The expression of a generated column. */
  generated?: string;
}

export interface SnapshotConstraint {
  type: "primary key" | "unique" | "check" | "foreign key" | "exclusion" | "trigger";
  /** pg_get_constraintdef, e.g. FOREIGN KEY (id) REFERENCES auth.users(id) ON DELETE CASCADE */
  definition: string;
}

export interface SnapshotPolicy {
  command: "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "ALL";
  permissive: boolean;
  roles: string[];
  using?: string;
  withCheck?: string;
}

export interface SnapshotTable {
  columns: Record<string, SnapshotColumn>;
  /** Named constraints other than NOT NULL (that is the column's nullability). */
  constraints: Record<string, SnapshotConstraint>;
  /** Indexes not backing a constraint: name → pg_get_indexdef. */
  indexes: Record<string, string>;
  rls: { enabled: boolean; forced: boolean };
  policies: Record<string, SnapshotPolicy>;
  grants: Grants;
}

export interface SnapshotFunction {
  arguments: string;
  result: string;
  language: string;
  securityDefiner: boolean;
  /** The function's own settings (search_path=''), sorted. */
  config: string[];
  volatility: "immutable" | "stable" | "volatile";
  /** sha256 of the body, so a changed body shows without the body in the file. */
  bodyHash: string;
  grants: Grants;
}

export interface SnapshotTrigger {
  /** schema.table */
  table: string;
  /** schema.function */
  function: string;
  enabled: "enabled" | "disabled" | "replica only" | "always";
  /** pg_get_triggerdef: timing, events, level, condition and function in one. */
  definition: string;
}

export interface SnapshotView {
  materialized: boolean;
  definition: string;
  grants: Grants;
}

/** What a schema check looks at; an inspection that could not see one says so. */
export const ASPECTS = [
  "tables",
  "columns",
  "defaults",
  "constraints",
  "indexes",
  "rls",
  "policies",
  "grants",
  "functions",
  "triggers",
  "views",
  "enums",
  "extensions",
] as const;
export type Aspect = (typeof ASPECTS)[number];

export interface SchemaSnapshot {
  /** The schemas the app owns, compared in full. */
  schemas: string[];
  /** Key: schema.table */
  tables: Record<string, SnapshotTable>;
  /** Key: schema.view */
  views: Record<string, SnapshotView>;
  /** Key: schema.name(identity arguments) */
  functions: Record<string, SnapshotFunction>;
  /** Key: schema.sequence */
  sequences: Record<string, { grants: Grants }>;
  /** Key: "name on schema.table": triggers on the app's tables and on auth.users. */
  triggers: Record<string, SnapshotTrigger>;
  /** Key: schema.type → labels in order */
  enums: Record<string, string[]>;
  /** Extension name → the schema it is installed in. */
  extensions: Record<string, string>;
}

/** A target's inspection: the snapshot's shape, plus what could not be seen and why. */
export interface InspectedSchema extends SchemaSnapshot {
  /** How it was read: the catalogs, or the Data API (tables and columns only). */
  source: "Postgres catalogs" | "Data API";
  /** Aspects not inspected, with the reason (no SUPABASE_DB_URL, no privilege). */
  unchecked: Partial<Record<Aspect, string>>;
}

/** Writes a snapshot with every key sorted, two-space indented: the same schema gives the same bytes. */
export function serializeSnapshot(snapshot: SchemaSnapshot): string {
  return `${JSON.stringify(sortKeys(snapshot), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export class SnapshotError extends Error {
  override name = "SnapshotError";
}

/** Reads a checked-in snapshot, with a message naming the file when it is missing or malformed. */
export function parseSnapshot(text: string, file: string): SchemaSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(
      `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}): regenerate it with npm run schema:snapshot`,
    );
  }
  const keys = [
    "schemas",
    "tables",
    "views",
    "functions",
    "sequences",
    "triggers",
    "enums",
    "extensions",
  ];
  const record = value as Record<string, unknown> | null;
  const missing = keys.filter((key) => typeof record?.[key] !== "object" || record[key] === null);
  if (missing.length > 0) {
    throw new SnapshotError(
      `${file} is not a schema snapshot (missing ${missing.join(", ")}): regenerate it with npm run schema:snapshot`,
    );
  }
  return value as SchemaSnapshot;
}
