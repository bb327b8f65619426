// `schema:restore`'s plan and its application. The statements come from migra
// (@pgkit/migra), run from the target to a scratch database built from the
// migrations, restricted to the app's schemas. What migra does not compare is
// compared here from the catalogs: triggers on auth.users (the app's signup
// trigger lives on Supabase's table), forced RLS, function settings beyond the
// body (search_path, security definer) and function grants.
import { createRequire } from "node:module";
import { run } from "@pgkit/migra";
import pg from "pg";
import { withScratchDatabase } from "./scratch.ts";

export interface PlanStep {
  sql: string;
  /** `kept`: a difference restore leaves alone on purpose (`reason` says why). */
  action: "apply" | "kept";
  reason?: string;
}

export interface RestorePlan {
  /** The migration files the expected schema was built from. */
  migrations: string[];
  steps: PlanStep[];
}

export interface RestoreOptions {
  /** The app's schemas (e.g. ["public"]); every other schema is Supabase's or another tool's. */
  schemas: string[];
}

export interface StepOutcome {
  step: PlanStep;
  outcome: "applied" | "not applied" | "failed";
  detail?: string;
}

/** Replaces the database URL (and its password) in a message: neither may reach a log. */
export function redact(message: string, url: string): string {
  let text = message.replaceAll(url, "<SUPABASE_DB_URL>");
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : "";
  if (password.length >= 4) text = text.replaceAll(password, "<password>");
  return text;
}

function redacted(error: unknown, url: string): Error {
  return new Error(redact(error instanceof Error ? error.message : String(error), url));
}

/**
 * The statements that turn the target's app schemas into what `migrationsDir`
 * makes on a fresh Supabase database. Changes nothing.
 */
export async function planRestore(
  targetUrl: string,
  migrationsDir: string,
  options: RestoreOptions,
): Promise<RestorePlan> {
  return withScratchDatabase(migrationsDir, async (scratch) => ({
    migrations: scratch.migrations,
    steps: await planAgainst(targetUrl, scratch.url, options),
  }));
}

/** The plan from the target to a reference database that already has the migrations. */
export async function planAgainst(
  targetUrl: string,
  referenceUrl: string,
  options: RestoreOptions,
): Promise<PlanStep[]> {
  const target = await catalogClient(targetUrl);
  try {
    const reference = await catalogClient(referenceUrl);
    try {
      const [found, wanted] = [
        await readFacts(target, options),
        await readFacts(reference, options),
      ];
      const known = new Set(wanted.authTriggers.map((trigger) => trigger.name));
      for (const trigger of found.authTriggers) trigger.wanted = known.has(trigger.name);
      const exclude = [...new Set([...found.schemas, ...wanted.schemas])].filter(
        (schema) => !options.schemas.includes(schema),
      );
      const statements = await migraStatements(targetUrl, referenceUrl, exclude);
      return [
        ...stepsFromMigra(statements, found),
        ...forcedRlsSteps(found, wanted),
        ...functionSteps(found, wanted, statements),
        ...authTriggerSteps(found, wanted),
      ];
    } finally {
      await reference.end();
    }
  } catch (error) {
    throw redacted(error, targetUrl);
  } finally {
    await target.end().catch(() => {});
  }
}

/**
 * Applies the plan's `apply` steps in one transaction, each in its own
 * savepoint: a step that fails is undone alone and the others still run.
 */
export async function applyRestore(targetUrl: string, plan: RestorePlan): Promise<StepOutcome[]> {
  const client = new pg.Client({ connectionString: targetUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const outcomes: StepOutcome[] = [];
    // Function bodies are checked when they run, as migra intends; a lock held
    // elsewhere fails its step instead of stalling the whole restore.
    await client.query(
      "begin; set local check_function_bodies = off; set local lock_timeout = '10s'",
    );
    for (const step of plan.steps) {
      if (step.action !== "apply") continue;
      await client.query("savepoint restore_step");
      try {
        await client.query(step.sql);
        await client.query("release savepoint restore_step");
        outcomes.push({ step, outcome: "applied" });
      } catch (error) {
        await client.query("rollback to savepoint restore_step");
        const message = error instanceof Error ? error.message : String(error);
        outcomes.push(
          (error as { code?: string }).code?.startsWith("23")
            ? {
                step,
                outcome: "not applied",
                detail: `the data does not satisfy it (${message}); fix the rows, then run again`,
              }
            : { step, outcome: "failed", detail: message },
        );
      }
    }
    await client.query("commit");
    return outcomes;
  } catch (error) {
    throw redacted(error, targetUrl);
  } finally {
    await client.end().catch(() => {});
  }
}

// --- migra -------------------------------------------------------------------

// migra's own client library (its dependency, not ours): loaded from where
// migra resolves it, so the client is the one migra was built against.
const { createClient } = createRequire(createRequire(import.meta.url).resolve("@pgkit/migra"))(
  "@pgkit/client",
) as typeof import("@pgkit/client");

async function migraStatements(from: string, to: string, excludeSchema: string[]) {
  // search_path pg_catalog: definitions come out schema-qualified (pg_get_triggerdef
  // otherwise prints `execute function touch_updated_at()` bare), so they run
  // under any search_path.
  const connect = (url: string) =>
    createClient(url, {
      pgpOptions: {
        initialize: {
          noWarnings: true,
          connect: ({ client }) =>
            void client.query("set search_path to pg_catalog").catch(() => {}),
        },
      },
    });
  const [source, wanted] = [connect(from), connect(to)];
  try {
    // createExtensionsOnly stays false: true makes migra output extension statements only.
    const migration = await run(source, wanted, {
      unsafe: true,
      withPrivileges: true,
      excludeSchema,
      createExtensionsOnly: false,
    });
    return migration.statements.array.map((statement) => statement.trim());
  } finally {
    await Promise.all([source.end(), wanted.end()]);
  }
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[^\s."(;]+)`;
const QUALIFIED = String.raw`(${NAME})\.(${NAME})`;
const unquote = (part: string) =>
  part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part;
const nameOf = (match: RegExpMatchArray, at = 1) =>
  `${unquote(match[at] ?? "")}.${unquote(match[at + 1] ?? "")}`;

const DROP_TABLE = new RegExp(`^drop table (?:if exists )?${QUALIFIED}`, "i");
const DROP_COLUMN = new RegExp(
  `^alter table (?:only )?${QUALIFIED} drop column (?:if exists )?(${NAME})`,
  "i",
);
const DROP_SEQUENCE = new RegExp(`^drop sequence (?:if exists )?${QUALIFIED}`, "i");
const DROP_EXTENSION = new RegExp(`^drop extension (?:if exists )?(${NAME})`, "i");
const DROP_SCHEMA = new RegExp(`^drop schema (?:if exists )?(${NAME})`, "i");
const DROP_FUNCTION = new RegExp(`^drop function (?:if exists )?${QUALIFIED}`, "i");
const DROP_INDEX = new RegExp(`^drop index (?:if exists )?${QUALIFIED}`, "i");
const ON_TABLE = new RegExp(
  String.raw`(?:^alter table (?:only )?|\bon (?:table )?)${QUALIFIED}`,
  "i",
);
const CONSTRAINT = new RegExp(
  `^alter table (?:only )?${QUALIFIED} (?:drop|add|validate) constraint (${NAME})`,
  "i",
);
const CREATE_INDEX = new RegExp(
  String.raw`^create (?:unique )?index (?:if not exists )?(${NAME}) on (?:only )?(${NAME})\.`,
  "i",
);

/** Drops restore never makes: each keeps what may hold data or be relied on. */
const KEPT_DROPS: Array<[RegExp, (match: RegExpMatchArray) => string]> = [
  [
    DROP_TABLE,
    (match) => `table ${nameOf(match)} is not in the migrations; left in place, it may hold data`,
  ],
  [
    DROP_COLUMN,
    (match) =>
      `column ${nameOf(match)}.${unquote(match[3] ?? "")} is not in the migrations; left in place, it may hold data`,
  ],
  [
    DROP_SEQUENCE,
    (match) =>
      `sequence ${nameOf(match)} is not in the migrations; left in place, a column's default or its counter may rely on it`,
  ],
  [
    DROP_EXTENSION,
    (match) =>
      `extension ${unquote(match[1] ?? "")} is not in the migrations; left in place, it may own data`,
  ],
  [
    DROP_SCHEMA,
    (match) =>
      `schema ${unquote(match[1] ?? "")} is not in the migrations; left in place, it may hold tables`,
  ],
];

/** Why a migra statement is left alone, if it is. */
function keptReason(sql: string, found: Facts): string | undefined {
  for (const [pattern, reason] of KEPT_DROPS) {
    const match = sql.match(pattern);
    if (match) return reason(match);
  }
  const dropped = sql.match(DROP_FUNCTION);
  if (dropped) {
    const caller = found.authTriggers.find((trigger) => trigger.function === nameOf(dropped));
    if (caller && !caller.wanted)
      return `function ${nameOf(dropped)} is called by trigger ${caller.name} on auth.users, which is left in place`;
  }
  return undefined;
}

/** Whether a statement is about a table restore leaves in place (its grants, indexes, policies). */
function onKeptTable(sql: string, keptTables: Set<string>, found: Facts): boolean {
  if (/^create (?:or replace )?function/i.test(sql)) return false;
  const index = sql.match(DROP_INDEX);
  const onTable = index ? undefined : sql.match(ON_TABLE);
  const table = index ? found.indexTables.get(nameOf(index)) : onTable && nameOf(onTable);
  return table !== undefined && table !== null && keptTables.has(table);
}

/** Statements about one constraint or index (drop, create, add, validate) share a key. */
function constraintKey(sql: string): string | undefined {
  const constraint = sql.match(CONSTRAINT);
  if (constraint) return `${unquote(constraint[1] ?? "")}.${unquote(constraint[3] ?? "")}`;
  const dropped = sql.match(DROP_INDEX);
  if (dropped) return nameOf(dropped);
  const created = sql.match(CREATE_INDEX);
  if (created) return `${unquote(created[2] ?? "")}.${unquote(created[1] ?? "")}`;
  return undefined;
}

/**
 * migra's statements as steps. A constraint's statements (its index, `add …
 * not valid`, `validate`) become one step, so data that refuses it leaves no
 * half of it behind; only a run of constraint and index statements is merged,
 * never across other kinds (a column's type change between a drop and an add).
 */
function stepsFromMigra(statements: string[], found: Facts): PlanStep[] {
  const keptTables = new Set(
    statements.flatMap((sql) => {
      const match = sql.match(DROP_TABLE);
      return match ? [nameOf(match)] : [];
    }),
  );
  const steps: PlanStep[] = [];
  let open = new Map<string, PlanStep>();
  for (const sql of statements) {
    if (/^set check_function_bodies\s*=\s*off;?$/i.test(sql)) continue;
    // The table's own line says it is left alone; its grants and policies go with it.
    if (!DROP_TABLE.test(sql) && onKeptTable(sql, keptTables, found)) continue;
    const reason = keptReason(sql, found);
    if (reason) {
      steps.push({ sql, action: "kept", reason });
      continue;
    }
    const key = constraintKey(sql);
    if (!key) open = new Map();
    const step = key ? open.get(key) : undefined;
    if (step) {
      step.sql += `\n${sql}`;
      continue;
    }
    const added: PlanStep = { sql, action: "apply" };
    if (key) open.set(key, added);
    steps.push(added);
  }
  return steps;
}

// --- what migra does not compare ---------------------------------------------

interface AuthTrigger {
  name: string;
  enabled: string;
  definition: string;
  function: string;
  /** Whether the migrations make it too (set when planning). */
  wanted?: boolean;
}

interface Facts {
  schemas: string[];
  /** table → relforcerowsecurity */
  tables: Map<string, boolean>;
  indexTables: Map<string, string>;
  functions: Map<string, { name: string; definition: string; acl: string[] }>;
  authTriggers: AuthTrigger[];
}

async function catalogClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  await client.query("set search_path to pg_catalog");
  return client;
}

async function readFacts(client: pg.Client, options: RestoreOptions): Promise<Facts> {
  const schemas = await client.query<{ name: string }>(
    "select nspname as name from pg_namespace order by 1",
  );
  const tables = await client.query<{ name: string; forced: boolean }>(
    `select n.nspname || '.' || c.relname as name, c.relforcerowsecurity as forced
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1)`,
    [options.schemas],
  );
  const indexes = await client.query<{ index: string; table: string }>(
    `select n.nspname || '.' || i.relname as index, n.nspname || '.' || t.relname as table
       from pg_index x join pg_class i on i.oid = x.indexrelid
       join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = any($1)`,
    [options.schemas],
  );
  const functions = await client.query<{
    identity: string;
    name: string;
    definition: string;
    acl: string[];
  }>(
    `select p.oid::regprocedure::text as identity, n.nspname || '.' || p.proname as name,
            pg_get_functiondef(p.oid) as definition,
            array(select case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end
                    from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                   where a.grantee <> p.proowner order by 1) as acl
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1) and p.prokind in ('f', 'p')
        and not exists (select 1 from pg_depend d
                         where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')`,
    [options.schemas],
  );
  const triggers = await client.query<AuthTrigger>(
    `select tgname as name, tgenabled as enabled, pg_get_triggerdef(oid) as definition,
            regexp_replace(tgfoid::regprocedure::text, '\\(.*$', '') as function
       from pg_trigger where tgrelid = to_regclass('auth.users') and not tgisinternal order by 1`,
  );
  return {
    schemas: schemas.rows.map((row) => row.name),
    tables: new Map(tables.rows.map((row) => [row.name, row.forced])),
    indexTables: new Map(indexes.rows.map((row) => [row.index, row.table])),
    functions: new Map(functions.rows.map(({ identity, ...row }) => [identity, row])),
    authTriggers: triggers.rows,
  };
}

/** migra compares `enable row level security`, not `force row level security`. */
function forcedRlsSteps(found: Facts, wanted: Facts): PlanStep[] {
  return [...wanted.tables].flatMap(([table, forced]) =>
    (found.tables.get(table) ?? false) === forced
      ? []
      : [
          {
            sql: `alter table ${table} ${forced ? "" : "no "}force row level security;`,
            action: "apply" as const,
          },
        ],
  );
}

/**
 * migra compares a function's body, not its settings (`set search_path`,
 * `security definer`) nor who may execute it; a function it already
 * re-creates is left to it.
 */
function functionSteps(found: Facts, wanted: Facts, statements: string[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const [identity, fn] of wanted.functions) {
    const there = found.functions.get(identity);
    if (!there) continue;
    const recreated = statements.some((sql) => sql.includes(`FUNCTION ${fn.name}(`));
    if (there.definition !== fn.definition && !recreated)
      steps.push({ sql: `${fn.definition.trim()};`, action: "apply" });
    for (const grantee of fn.acl.filter((role) => !there.acl.includes(role)))
      steps.push({ sql: `grant execute on function ${identity} to ${grantee};`, action: "apply" });
    for (const grantee of there.acl.filter((role) => !fn.acl.includes(role)))
      steps.push({
        sql: `revoke execute on function ${identity} from ${grantee};`,
        action: "apply",
      });
  }
  return steps;
}

const ENABLE: Record<string, string> = {
  O: "enable trigger",
  D: "disable trigger",
  R: "enable replica trigger",
  A: "enable always trigger",
};
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The app's triggers on auth.users, last: they call the functions the steps before create. */
function authTriggerSteps(found: Facts, wanted: Facts): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const trigger of wanted.authTriggers) {
    const there = found.authTriggers.find((candidate) => candidate.name === trigger.name);
    const create = [`${trigger.definition};`];
    if (trigger.enabled !== "O")
      create.push(`alter table auth.users ${ENABLE[trigger.enabled]} ${quoted(trigger.name)};`);
    if (!there) steps.push({ sql: create.join("\n"), action: "apply" });
    else if (there.definition !== trigger.definition)
      steps.push({
        sql: [`drop trigger ${quoted(trigger.name)} on auth.users;`, ...create].join("\n"),
        action: "apply",
      });
    else if (there.enabled !== trigger.enabled)
      steps.push({
        sql: `alter table auth.users ${ENABLE[trigger.enabled]} ${quoted(trigger.name)};`,
        action: "apply",
      });
  }
  for (const trigger of found.authTriggers.filter((candidate) => !candidate.wanted))
    steps.push({
      sql: `drop trigger ${quoted(trigger.name)} on auth.users;`,
      action: "kept",
      reason: `trigger ${trigger.name} on auth.users is not in the migrations; left in place (auth.users is Supabase Auth's table, other tools add triggers there)`,
    });
  return steps;
}
