import type pg from "pg";

/** The one schema the Data API exposes, as a default Supabase project does for apps. */
export const EXPOSED_SCHEMA = "public";

export interface Column {
  readonly name: string;
  /** `format_type()` of the column, e.g. `text`, `character varying(255)`. */
  readonly type: string;
  readonly nullable: boolean;
  /** The default expression as Postgres prints it, or null. */
  readonly defaultExpr: string | null;
  readonly generated: boolean;
}

export interface Table {
  readonly schema: string;
  readonly name: string;
  readonly kind: "table" | "view";
  readonly columns: ReadonlyMap<string, Column>;
  readonly primaryKey: readonly string[];
}

export interface RoutineParam {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
}

export interface Routine {
  readonly schema: string;
  readonly name: string;
  readonly params: readonly RoutineParam[];
  readonly returnsSet: boolean;
  /** The return type is a row type (table, view or composite), so rows become objects. */
  readonly returnsComposite: boolean;
  readonly returnsVoid: boolean;
  readonly volatile: boolean;
}

export interface SchemaSnapshot {
  readonly tables: ReadonlyMap<string, Table>;
  /** Routines by name; overloads are not supported, so the first one wins. */
  readonly routines: ReadonlyMap<string, Routine>;
}

const TABLES_SQL = `
select c.relname as table_name,
       c.relkind as kind,
       a.attname as column_name,
       format_type(a.atttypid, a.atttypmod) as column_type,
       not a.attnotnull as nullable,
       pg_get_expr(d.adbin, d.adrelid) as default_expr,
       a.attgenerated <> '' as generated,
       coalesce(a.attnum = any(pk.conkey), false) as in_pk,
       array_position(pk.conkey, a.attnum) as pk_position
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
  left join pg_constraint pk on pk.conrelid = c.oid and pk.contype = 'p'
 where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f')
 order by c.relname, a.attnum`;

const ROUTINES_SQL = `
select p.proname as name,
       coalesce(p.proargnames, '{}') as arg_names,
       coalesce(p.proargmodes::text[], '{}') as arg_modes,
       array(select format_type(t, null) from unnest(p.proargtypes) as t) as in_types,
       p.pronargdefaults as n_defaults,
       p.proretset as returns_set,
       rt.typtype = 'c' or rt.typname = 'record' as returns_composite,
       rt.typname = 'void' as returns_void,
       p.provolatile = 'v' as volatile
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  join pg_type rt on rt.oid = p.prorettype
 where n.nspname = $1 and p.prokind = 'f'
 order by p.proname, p.oid`;

interface ColumnRow {
  table_name: string;
  kind: string;
  column_name: string | null;
  column_type: string | null;
  nullable: boolean | null;
  default_expr: string | null;
  generated: boolean | null;
  in_pk: boolean;
  pk_position: number | null;
}

interface RoutineRow {
  name: string;
  arg_names: string[];
  arg_modes: string[];
  in_types: string[];
  n_defaults: number;
  returns_set: boolean;
  returns_composite: boolean;
  returns_void: boolean;
  volatile: boolean;
}

/** Reads the exposed schema's tables, views, columns and functions from pg_catalog. */
export async function loadSchema(
  db: pg.Pool | pg.ClientBase,
  schema = EXPOSED_SCHEMA,
): Promise<SchemaSnapshot> {
  // Named, so each pooled connection plans these catalog queries once.
  const tableRows = await db.query<ColumnRow>({
    name: "rest_schema_tables",
    text: TABLES_SQL,
    values: [schema],
  });
  const routineRows = await db.query<RoutineRow>({
    name: "rest_schema_routines",
    text: ROUTINES_SQL,
    values: [schema],
  });
  return {
    tables: buildTables(schema, tableRows.rows),
    routines: buildRoutines(schema, routineRows.rows),
  };
}

function buildTables(schema: string, rows: ColumnRow[]): Map<string, Table> {
  const building = new Map<string, { table: Table; pk: Array<[number, string]> }>();
  for (const row of rows) {
    let entry = building.get(row.table_name);
    if (!entry) {
      const kind = row.kind === "v" || row.kind === "m" ? "view" : "table";
      entry = {
        table: { schema, name: row.table_name, kind, columns: new Map(), primaryKey: [] },
        pk: [],
      };
      building.set(row.table_name, entry);
    }
    if (row.column_name === null) continue;
    (entry.table.columns as Map<string, Column>).set(row.column_name, {
      name: row.column_name,
      type: row.column_type ?? "text",
      nullable: row.nullable ?? true,
      defaultExpr: row.default_expr,
      generated: row.generated ?? false,
    });
    if (row.in_pk) entry.pk.push([row.pk_position ?? 0, row.column_name]);
  }
  const tables = new Map<string, Table>();
  for (const [name, { table, pk }] of building) {
    const primaryKey = pk.sort((a, b) => a[0] - b[0]).map(([, column]) => column);
    tables.set(name, { ...table, primaryKey });
  }
  return tables;
}

function buildRoutines(schema: string, rows: RoutineRow[]): Map<string, Routine> {
  const routines = new Map<string, Routine>();
  for (const row of rows) {
    if (routines.has(row.name)) continue;
    // Only IN/INOUT/VARIADIC arguments are passed; proargnames also lists OUT ones.
    const inNames = row.arg_modes.length
      ? row.arg_names.filter((_, i) => ["i", "b", "v"].includes(row.arg_modes[i] ?? "i"))
      : row.arg_names;
    const firstDefault = row.in_types.length - row.n_defaults;
    const params = row.in_types.map((type, i) => ({
      name: inNames[i] ?? "",
      type,
      hasDefault: i >= firstDefault,
    }));
    routines.set(row.name, {
      schema,
      name: row.name,
      params,
      returnsSet: row.returns_set,
      returnsComposite: row.returns_composite,
      returnsVoid: row.returns_void,
      volatile: row.volatile,
    });
  }
  return routines;
}
