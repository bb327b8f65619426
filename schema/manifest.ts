/** What a database should contain (expected) and what an inspection saw (found). */

export interface ExpectedColumn {
  name: string;
  /** Postgres type as information_schema names it, e.g. uuid, text, timestamp with time zone. */
  type: string;
  nullable: boolean;
}

export interface ExpectedTable {
  schema: string;
  name: string;
  columns: ExpectedColumn[];
  rls: boolean;
  policies: Array<{ name: string; command: "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "ALL" }>;
}

export interface SchemaManifest {
  tables: ExpectedTable[];
  functions: Array<{ schema: string; name: string; securityDefiner: boolean }>;
  triggers: Array<{
    name: string;
    /** schema.table */
    table: string;
    /** schema.function */
    function: string;
    timing: "BEFORE" | "AFTER";
    event: "INSERT" | "UPDATE" | "DELETE";
  }>;
}

/**
 * One inspection's view. A field left undefined was not inspected (the Data
 * API cannot see policies or triggers), so no difference is reported for it.
 */
export interface FoundSchema {
  /** Key: schema.table. Absent key: the table was looked for and is missing. */
  tables: Record<
    string,
    {
      /** Key: column name. */
      columns: Record<string, { type?: string; nullable?: boolean }>;
      rls?: boolean;
      /** Policy name → command. */
      policies?: Record<string, string>;
    }
  >;
  /** Key: schema.function → security definer. */
  functions?: Record<string, { securityDefiner: boolean }>;
  /** Key: trigger name → where it sits and what it runs. */
  triggers?: Record<string, { table: string; function: string; timing: string; event: string }>;
}

export type DriftKind =
  | "table missing"
  | "column missing"
  | "column type"
  | "column nullability"
  | "rls disabled"
  | "rls unexpected"
  | "policy missing"
  | "policy command"
  | "function missing"
  | "function security"
  | "trigger missing"
  | "trigger definition";

export interface Drift {
  kind: DriftKind;
  /** What is affected, e.g. public.profiles.full_name */
  subject: string;
  expected: string;
  found: string;
}
