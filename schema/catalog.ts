import pg from "pg";
import {
  API_ROLES,
  type Aspect,
  type Grants,
  type InspectedSchema,
  type SnapshotConstraint,
  type SnapshotPolicy,
  type SnapshotTrigger,
} from "./snapshot.ts";

// Set-based catalog queries, one per aspect, each over all of the app's
// schemas at once, so the cost does not grow with a query per table.
// Objects that belong to an extension are the extension's, not the app's.
const NOT_FROM_EXTENSION = (oid: string, catalog: string) =>
  `not exists (select 1 from pg_depend d where d.objid = ${oid} and d.classid = '${catalog}'::regclass and d.deptype = 'e')`;

const RELATIONS = `
  select c.oid, n.nspname as schema, c.relname as name, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
    case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as viewdef
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'S')
    and ${NOT_FROM_EXTENSION("c.oid", "pg_class")}`;

const COLUMNS = `
  select n.nspname as schema, c.relname as table, a.attname as name,
    format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable,
    case when a.attgenerated = '' then pg_get_expr(ad.adbin, ad.adrelid) end as default,
    case a.attidentity when 'a' then 'always' when 'd' then 'by default' end as identity,
    case when a.attgenerated <> '' then pg_get_expr(ad.adbin, ad.adrelid) end as generated
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
  where n.nspname = any($1) and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    and ${NOT_FROM_EXTENSION("c.oid", "pg_class")}`;

const CONSTRAINTS = `
  select n.nspname as schema, c.relname as table, k.conname as name, k.contype as type,
    pg_get_constraintdef(k.oid) as definition
  from pg_constraint k
  join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = any($1) and k.contype in ('p', 'u', 'c', 'f', 'x', 't')`;

const INDEXES = `
  select n.nspname as schema, t.relname as table, i.relname as name, pg_get_indexdef(x.indexrelid) as definition
  from pg_index x
  join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
  join pg_namespace n on n.oid = t.relnamespace
  where n.nspname = any($1)
    and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = x.indrelid)`;

const POLICIES = `
  select schemaname as schema, tablename as table, policyname as name, permissive, roles, cmd, qual, with_check
  from pg_policies where schemaname = any($1)`;

const RELATION_GRANTS = `
  select n.nspname as schema, c.relname as name, c.relkind,
    case when g.grantee = 0 then 'PUBLIC' else g.grantee::regrole::text end as role, g.privilege_type as privilege
  from pg_class c join pg_namespace n on n.oid = c.relnamespace,
    aclexplode(coalesce(c.relacl, acldefault(case when c.relkind = 'S' then 's'::"char" else 'r'::"char" end, c.relowner))) g
  where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'S')`;

const FUNCTIONS = `
  select p.oid, n.nspname as schema, p.proname as name,
    pg_get_function_identity_arguments(p.oid) as arguments, pg_get_function_result(p.oid) as result,
    l.lanname as language, p.prosecdef, coalesce(p.proconfig, '{}') as config, p.provolatile,
    encode(sha256(convert_to(coalesce(p.prosrc, ''), 'UTF8')), 'hex') as body_hash,
    array(select case when g.grantee = 0 then 'PUBLIC' else g.grantee::regrole::text end
          from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) g
          where g.privilege_type = 'EXECUTE') as executors
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
  where n.nspname = any($1) and p.prokind in ('f', 'p')
    and ${NOT_FROM_EXTENSION("p.oid", "pg_proc")}`;

// Triggers on the app's tables, and any the app put on auth.users (the
// signup trigger): Supabase Auth itself puts none there.
const TRIGGERS = `
  select t.tgname as name, tn.nspname || '.' || c.relname as table,
    pn.nspname || '.' || p.proname as function, t.tgenabled as enabled,
    pg_get_triggerdef(t.oid) as definition
  from pg_trigger t
  join pg_class c on c.oid = t.tgrelid join pg_namespace tn on tn.oid = c.relnamespace
  join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
  where not t.tgisinternal and (tn.nspname = any($1) or (tn.nspname = 'auth' and c.relname = 'users'))`;

const ENUMS = `
  select n.nspname as schema, t.typname as name, array_agg(e.enumlabel order by e.enumsortorder) as labels
  from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
  where n.nspname = any($1) and ${NOT_FROM_EXTENSION("t.oid", "pg_type")}
  group by n.nspname, t.typname`;

const EXTENSIONS = `
  select e.extname as name, n.nspname as schema from pg_extension e
  join pg_namespace n on n.oid = e.extnamespace where e.extname <> 'plpgsql'`;

const CONSTRAINT_TYPE: Record<string, SnapshotConstraint["type"]> = {
  p: "primary key",
  u: "unique",
  c: "check",
  f: "foreign key",
  x: "exclusion",
  t: "trigger",
};
const TRIGGER_ENABLED: Record<string, SnapshotTrigger["enabled"]> = {
  O: "enabled",
  D: "disabled",
  R: "replica only",
  A: "always",
};
const VOLATILITY = { i: "immutable", s: "stable", v: "volatile" } as const;

/**
 * MAINTAIN exists from Postgres 17 on: a project on 15 never has it, so it is
 * not compared (its absence would be drift on every older target).
 */
const VERSION_SPECIFIC = new Set(["MAINTAIN"]);

/** Privilege of an insufficient-privilege error: the role may not read that catalog. */
const NO_PRIVILEGE = "42501";

export interface CatalogOptions {
  /** The app's schemas, compared in full. */
  schemas: string[];
}

/** Connects with a short timeout and a message that never contains the URL. */
export async function connectCatalog(dbUrl: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: dbUrl,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 15_000,
  });
  await client.connect().catch((error: Error) => {
    throw new Error(
      `could not connect to SUPABASE_DB_URL: ${error.message.replaceAll(dbUrl, "<SUPABASE_DB_URL>")}`,
    );
  });
  return client;
}

/**
 * Reads everything the schema check compares from the Postgres catalogs.
 * An aspect whose catalog the role may not read is listed in `unchecked`,
 * never reported as "no difference".
 */
export async function inspectCatalog(
  client: pg.ClientBase,
  options: CatalogOptions,
): Promise<InspectedSchema> {
  const schemas = [...options.schemas].sort();
  const found: InspectedSchema = {
    schemas,
    tables: {},
    views: {},
    functions: {},
    sequences: {},
    triggers: {},
    enums: {},
    extensions: {},
    source: "Postgres catalogs",
    unchecked: {},
  };
  // Empty search_path: every name Postgres prints is schema-qualified, on any target.
  await client.query("set search_path = ''");
  const read = async <Row extends pg.QueryResultRow>(
    aspects: Aspect[],
    sql: string,
    fill: (rows: Row[]) => void,
  ): Promise<void> => {
    try {
      fill((await client.query<Row>(sql, sql.includes("$1") ? [schemas] : [])).rows);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== NO_PRIVILEGE) throw error;
      for (const aspect of aspects)
        found.unchecked[aspect] =
          `no privilege to read it (${error instanceof Error ? error.message : String(error)})`;
    }
  };

  await read<{
    schema: string;
    name: string;
    relkind: string;
    relrowsecurity: boolean;
    relforcerowsecurity: boolean;
    viewdef: string | null;
  }>(["tables", "rls", "views"], RELATIONS, (rows) => {
    for (const row of rows) {
      const key = `${row.schema}.${row.name}`;
      if (row.relkind === "r" || row.relkind === "p") {
        found.tables[key] = {
          columns: {},
          constraints: {},
          indexes: {},
          rls: { enabled: row.relrowsecurity, forced: row.relforcerowsecurity },
          policies: {},
          grants: {},
        };
      } else if (row.relkind === "S") {
        found.sequences[key] = { grants: {} };
      } else {
        found.views[key] = {
          materialized: row.relkind === "m",
          definition: normalizeSpace(row.viewdef ?? ""),
          grants: {},
        };
      }
    }
  });
  await read<{
    schema: string;
    table: string;
    name: string;
    type: string;
    nullable: boolean;
    default: string | null;
    identity: string | null;
    generated: string | null;
  }>(["columns", "defaults"], COLUMNS, (rows) => {
    for (const row of rows) {
      const table = found.tables[`${row.schema}.${row.table}`];
      if (!table) continue;
      table.columns[row.name] = {
        type: row.type,
        nullable: row.nullable,
        ...(row.default !== null ? { default: row.default } : {}),
        ...(row.identity ? { identity: row.identity } : {}),
        ...(row.generated ? { generated: row.generated } : {}),
      };
    }
  });
  await read<{ schema: string; table: string; name: string; type: string; definition: string }>(
    ["constraints"],
    CONSTRAINTS,
    (rows) => {
      for (const row of rows) {
        const table = found.tables[`${row.schema}.${row.table}`];
        const type = CONSTRAINT_TYPE[row.type];
        if (table && type) table.constraints[row.name] = { type, definition: row.definition };
      }
    },
  );
  await read<{ schema: string; table: string; name: string; definition: string }>(
    ["indexes"],
    INDEXES,
    (rows) => {
      for (const row of rows) {
        const table = found.tables[`${row.schema}.${row.table}`];
        if (table) table.indexes[row.name] = row.definition;
      }
    },
  );
  await read<{
    schema: string;
    table: string;
    name: string;
    permissive: string;
    roles: string[] | string;
    cmd: SnapshotPolicy["command"];
    qual: string | null;
    with_check: string | null;
  }>(["policies"], POLICIES, (rows) => {
    for (const row of rows) {
      const table = found.tables[`${row.schema}.${row.table}`];
      if (!table) continue;
      table.policies[row.name] = {
        command: row.cmd,
        permissive: row.permissive === "PERMISSIVE",
        roles: pgArray(row.roles)
          .map((role) => (role === "public" ? "PUBLIC" : role))
          .sort(),
        ...(row.qual !== null ? { using: row.qual } : {}),
        ...(row.with_check !== null ? { withCheck: row.with_check } : {}),
      };
    }
  });
  await read<{ schema: string; name: string; relkind: string; role: string; privilege: string }>(
    ["grants"],
    RELATION_GRANTS,
    (rows) => {
      for (const row of rows) {
        if (!(API_ROLES as readonly string[]).includes(row.role)) continue;
        if (VERSION_SPECIFIC.has(row.privilege)) continue;
        const key = `${row.schema}.${row.name}`;
        const grants =
          found.tables[key]?.grants ?? found.views[key]?.grants ?? found.sequences[key]?.grants;
        if (grants) addGrant(grants, row.role, row.privilege);
      }
    },
  );
  await read<{
    schema: string;
    name: string;
    arguments: string;
    result: string;
    language: string;
    prosecdef: boolean;
    config: string[] | string;
    provolatile: keyof typeof VOLATILITY;
    body_hash: string;
    executors: string[] | string;
  }>(["functions"], FUNCTIONS, (rows) => {
    for (const row of rows) {
      const grants: Grants = {};
      for (const role of pgArray(row.executors)) {
        if ((API_ROLES as readonly string[]).includes(role)) addGrant(grants, role, "EXECUTE");
      }
      found.functions[`${row.schema}.${row.name}(${row.arguments})`] = {
        arguments: row.arguments,
        result: row.result,
        language: row.language,
        securityDefiner: row.prosecdef,
        config: pgArray(row.config).sort(),
        volatility: VOLATILITY[row.provolatile],
        bodyHash: row.body_hash,
        grants,
      };
    }
  });
  await read<{
    name: string;
    table: string;
    function: string;
    enabled: string;
    definition: string;
  }>(["triggers"], TRIGGERS, (rows) => {
    for (const row of rows) {
      found.triggers[`${row.name} on ${row.table}`] = {
        table: row.table,
        function: row.function,
        enabled: TRIGGER_ENABLED[row.enabled] ?? "enabled",
        definition: row.definition,
      };
    }
  });
  await read<{ schema: string; name: string; labels: string[] | string }>(
    ["enums"],
    ENUMS,
    (rows) => {
      for (const row of rows) found.enums[`${row.schema}.${row.name}`] = pgArray(row.labels);
    },
  );
  await read<{ name: string; schema: string }>(["extensions"], EXTENSIONS, (rows) => {
    for (const row of rows) found.extensions[row.name] = row.schema;
  });
  return found;
}

function addGrant(grants: Grants, role: string, privilege: string): void {
  const list = grants[role] ?? [];
  if (!list.includes(privilege)) list.push(privilege);
  list.sort();
  grants[role] = list;
}

/** node-postgres returns name[] (and some other arrays) as the text form "{a,b}". */
function pgArray(value: string[] | string | null): string[] {
  if (Array.isArray(value)) return value;
  if (!value || value === "{}") return [];
  return value
    .slice(1, -1)
    .split(",")
    .map((item) => item.replace(/^"(.*)"$/, "$1"));
}

function normalizeSpace(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}
