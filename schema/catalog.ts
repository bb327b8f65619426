import pg from "pg";
import type { FoundSchema, SchemaManifest } from "./manifest.ts";

const TRIGGER_TIMING = (type: number) => (type & 2 ? "BEFORE" : type & 64 ? "INSTEAD OF" : "AFTER");
const TRIGGER_EVENT = (type: number) =>
  [
    type & 4 ? "INSERT" : "",
    type & 8 ? "DELETE" : "",
    type & 16 ? "UPDATE" : "",
    type & 32 ? "TRUNCATE" : "",
  ]
    .filter(Boolean)
    .join(" OR ");
const POLICY_COMMAND: Record<string, string> = {
  r: "SELECT",
  a: "INSERT",
  w: "UPDATE",
  d: "DELETE",
  "*": "ALL",
};

/** Inspects everything in the manifest from the Postgres catalogs (needs SUPABASE_DB_URL). */
export async function inspectViaCatalog(
  manifest: SchemaManifest,
  dbUrl: string,
): Promise<FoundSchema> {
  const client = new pg.Client({
    connectionString: dbUrl,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
  });
  await client.connect().catch((error: Error) => {
    throw new Error(
      `could not connect to SUPABASE_DB_URL: ${error.message.replace(dbUrl, "<SUPABASE_DB_URL>")}`,
    );
  });
  try {
    const found: FoundSchema = { tables: {} };
    const foundFunctions: NonNullable<FoundSchema["functions"]> = {};
    const foundTriggers: NonNullable<FoundSchema["triggers"]> = {};
    for (const table of manifest.tables) {
      const relation = await client.query<{ oid: number; relrowsecurity: boolean }>(
        `select c.oid, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm')`,
        [table.schema, table.name],
      );
      const row = relation.rows[0];
      if (!row) continue;
      const columns = await client.query<{
        column_name: string;
        data_type: string;
        is_nullable: string;
      }>(
        `select column_name, data_type, is_nullable from information_schema.columns
         where table_schema = $1 and table_name = $2`,
        [table.schema, table.name],
      );
      const policies = await client.query<{ polname: string; polcmd: string }>(
        "select polname, polcmd from pg_policy where polrelid = $1",
        [row.oid],
      );
      found.tables[`${table.schema}.${table.name}`] = {
        columns: Object.fromEntries(
          columns.rows.map((column) => [
            column.column_name,
            { type: column.data_type, nullable: column.is_nullable === "YES" },
          ]),
        ),
        rls: row.relrowsecurity,
        policies: Object.fromEntries(
          policies.rows.map((policy) => [
            policy.polname,
            POLICY_COMMAND[policy.polcmd] ?? policy.polcmd,
          ]),
        ),
      };
    }
    const functions = await client.query<{ name: string; prosecdef: boolean }>(
      `select n.nspname || '.' || p.proname as name, p.prosecdef from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       where n.nspname || '.' || p.proname = any($1)`,
      [manifest.functions.map((fn) => `${fn.schema}.${fn.name}`)],
    );
    for (const fn of functions.rows) foundFunctions[fn.name] = { securityDefiner: fn.prosecdef };
    const triggers = await client.query<{
      tgname: string;
      tbl: string;
      fn: string;
      tgtype: number;
    }>(
      `select t.tgname, tn.nspname || '.' || c.relname as tbl, pn.nspname || '.' || p.proname as fn, t.tgtype
       from pg_trigger t
       join pg_class c on c.oid = t.tgrelid join pg_namespace tn on tn.oid = c.relnamespace
       join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
       where not t.tgisinternal and t.tgname = any($1)`,
      [manifest.triggers.map((trigger) => trigger.name)],
    );
    for (const trigger of triggers.rows) {
      foundTriggers[trigger.tgname] = {
        table: trigger.tbl,
        function: trigger.fn,
        timing: TRIGGER_TIMING(trigger.tgtype),
        event: TRIGGER_EVENT(trigger.tgtype),
      };
    }
    return { ...found, functions: foundFunctions, triggers: foundTriggers };
  } finally {
    await client.end();
  }
}
