import type { SupabaseClient } from "@supabase/supabase-js";
import pg from "pg";
import type { TargetConfig } from "./config.ts";

// What deleting a user needs beyond Auth: an app table that references
// auth.users without `on delete cascade` makes Auth refuse with a bare 500.
// The rows of the tables the app declares are deleted first; for the rest,
// a failure is explained, naming the table and constraint when the database
// can be asked.

/** An app table whose rows belong to the auth user whose id is in `ownerColumn`. */
export type OwnedTable = { schema: string; name: string; ownerColumn: string };

export interface DeleteUserOptions {
  /** Tables whose rows of the user are deleted (through the Data API) before the user. */
  tables?: readonly OwnedTable[];
  /** A postgres:// URL: when Auth refuses, the tables in the way are looked up there (read-only). */
  dbUrl?: string | undefined;
}

/** The options every caller passes: the target's database URL and the app's owned tables. */
export function cleanupOptions(
  target: Pick<TargetConfig, "dbUrl">,
  tables: readonly OwnedTable[] = [],
): DeleteUserOptions {
  return { tables, dbUrl: target.dbUrl };
}

const qualified = (schema: string, name: string) => `${schema}.${name}`;

/** Deletes the user's rows of each table, in order; the first failure names its table. */
export async function deleteOwnedRows(
  admin: SupabaseClient,
  id: string,
  tables: readonly OwnedTable[],
): Promise<string[]> {
  // Problems are returned, not thrown: the user is deleted all the same (a
  // table that is gone, as after an erased schema, holds no row to block it),
  // and they explain a refusal if one follows.
  const problems: string[] = [];
  for (const table of tables) {
    const { error } = await admin
      .schema(table.schema)
      .from(table.name)
      .delete()
      .eq(table.ownerColumn, id);
    if (error) {
      const hint = error.hint ? ` (${error.hint})` : "";
      problems.push(
        `deleting its rows of ${qualified(table.schema, table.name)} (${table.ownerColumn} = the user's id) failed: ${error.code || "no code"} ${error.message}${hint}; check that table's schema, name and owner column in the app profile's tables`,
      );
    }
  }
  return problems;
}

/** A foreign key to auth.users(id) that does not cascade, with a row of the user (or unknown). */
export interface Blocker {
  schema: string;
  table: string;
  constraint: string;
  column: string;
  /** Why the row could not be looked for; undefined when the user has a row there. */
  unchecked?: string;
}

/** What is known about why Auth refused. */
export type Diagnosis =
  | { kind: "no-db-url" }
  | { kind: "lookup-failed"; reason: string }
  | { kind: "looked-up"; blockers: Blocker[] };

export interface AuthFailure {
  status?: number | undefined;
  code?: string | undefined;
  message: string;
}

// Auth's own tables are left out: Auth clears them itself, and the app
// could not change them anyway.
const NON_CASCADING_REFERENCES = `
select n.nspname as schema, t.relname as table, c.conname as constraint, a.attname as column
  from pg_constraint c
  join pg_class t on t.oid = c.conrelid
  join pg_namespace n on n.oid = t.relnamespace
  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
  join pg_attribute ref on ref.attrelid = c.confrelid and ref.attnum = c.confkey[1]
 where c.contype = 'f'
   and c.confrelid = 'auth.users'::regclass
   and ref.attname = 'id'
   and cardinality(c.conkey) = 1
   and c.confdeltype not in ('c', 'n')
   and n.nspname <> 'auth'
 order by 1, 2, 3`;

/**
 * Asks the database which foreign keys to auth.users(id) without cascade or
 * set null hold a row of this user. One short-lived connection, one
 * read-only transaction.
 */
export async function diagnose(dbUrl: string | undefined, id: string): Promise<Diagnosis> {
  if (!dbUrl) return { kind: "no-db-url" };
  const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query("begin transaction read only");
    await client.query("set local statement_timeout = '10s'");
    const { rows } = await client.query<Omit<Blocker, "unchecked">>(NON_CASCADING_REFERENCES);
    const blockers: Blocker[] = [];
    for (const reference of rows) {
      const table = `${client.escapeIdentifier(reference.schema)}.${client.escapeIdentifier(reference.table)}`;
      await client.query("savepoint probe");
      try {
        const found = await client.query(
          `select 1 from ${table} where ${client.escapeIdentifier(reference.column)} = $1 limit 1`,
          [id],
        );
        if (found.rowCount) blockers.push(reference);
      } catch (error) {
        // Not allowed to read it, say: still a suspect, and the next table can be read.
        await client.query("rollback to savepoint probe");
        blockers.push({ ...reference, unchecked: pgReason(error) });
      }
    }
    return { kind: "looked-up", blockers };
  } catch (error) {
    return { kind: "lookup-failed", reason: pgReason(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pgReason(error: unknown): string {
  const { code, message = String(error) } = error as { code?: string; message?: string };
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

const USUAL_CAUSE =
  "The usual cause is a row in a table that references auth.users without on delete cascade";

/** Why Auth could not delete the user, and what to do about it. */
export function deleteFailureMessage(id: string, auth: AuthFailure, diagnosis: Diagnosis): string {
  const code = auth.code ? ` ${auth.code}` : "";
  const answer = `Auth answered ${auth.status ?? "no status"}${code} ${JSON.stringify(auth.message)}`;
  return `admin deleteUser ${id} failed: ${answer}. ${explain(diagnosis)}`;
}

function explain(diagnosis: Diagnosis): string {
  switch (diagnosis.kind) {
    case "no-db-url":
      return `${USUAL_CAUSE}: declare that table in the app profile's tables so the suite deletes the user's rows first, or set SUPABASE_DB_URL so the suite can name the table and constraint.`;
    case "lookup-failed":
      return `Looking up the tables in the way through SUPABASE_DB_URL failed (${diagnosis.reason}). ${USUAL_CAUSE}: declare that table in the app profile's tables so the suite deletes the user's rows first.`;
    case "looked-up": {
      if (diagnosis.blockers.length === 0)
        return "No table referencing auth.users without on delete cascade holds a row of this user, so the cause lies elsewhere (a trigger on auth.users, or Auth itself).";
      const named = diagnosis.blockers.map((blocker) => {
        const where = `${qualified(blocker.schema, blocker.table)} (${blocker.constraint}, ${blocker.column})`;
        return blocker.unchecked
          ? `${where} may hold one (could not look: ${blocker.unchecked})`
          : `${where} holds a row of the user`;
      });
      return `In the way, referencing auth.users without on delete cascade: ${named.join("; ")}. Declare each such table in the app profile's tables (that column as its ownerColumn) so the suite deletes the user's rows first, or add on delete cascade to the constraint.`;
    }
  }
}
