import type { Table } from "./catalog.ts";
import type { Preferences, ResponseMedia } from "./preferences.ts";
import type { QueryParams } from "./query-params.ts";
import { checkColumn } from "./schema-cache.ts";
import {
  bodyExpression,
  ident,
  qualifiedName,
  SqlParams,
  type Statement,
  selectList,
  whereClause,
} from "./sql-fragments.ts";

/** A JSON payload as received (kept as text, so big numbers survive) and the columns it sets. */
export interface Payload {
  readonly raw: string;
  readonly columns: readonly string[];
}

export interface ReturnShape {
  /** `return=representation`: the rows come back, shaped by `select=`. */
  readonly representation: boolean;
  readonly media: ResponseMedia;
}

// Counts rows inserted rather than merged by an upsert, as PostgREST does.
const COUNT_INSERTED =
  "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'";
const COUNT_MERGED =
  "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'";

/** POST /<table>: insert one object or an array, optionally upserting on a conflict target. */
export function insertStatement(
  table: Table,
  query: QueryParams,
  payload: Payload,
  preferences: Preferences,
  shape: ReturnShape,
): Statement {
  const params = new SqlParams();
  const target = qualifiedName(table);
  const columns = payload.columns.map((column) => ident(column)).join(", ");
  const body = params.add(payload.raw);
  let rows = `(CASE WHEN json_typeof(${body}::json) = 'array' THEN ${body}::json ELSE json_build_array(${body}::json) END)`;
  if (preferences.missing === "default") rows = withDefaults(table, payload.columns, rows, params);

  const merge = preferences.resolution === "merge-duplicates";
  let conflict = "";
  const conflictColumns = query.onConflict ?? table.primaryKey;
  if (preferences.resolution && conflictColumns.length > 0) {
    for (const column of conflictColumns) checkColumn(table, column);
    const on = `ON CONFLICT (${conflictColumns.map((column) => ident(column)).join(", ")})`;
    conflict =
      merge && payload.columns.length > 0
        ? `${on} DO UPDATE SET ${payload.columns
            .map((column) => `${ident(column)} = EXCLUDED.${ident(column)}`)
            .join(", ")} WHERE ${COUNT_MERGED}`
        : `${on} DO NOTHING`;
  }
  const mutation = [
    `INSERT INTO ${target}${columns ? ` (${columns})` : ""}`,
    `SELECT ${columns} FROM json_populate_recordset(null::${target}, ${rows}) pgrst_body`,
    merge ? `WHERE ${COUNT_INSERTED}` : "",
    conflict,
    returning(target, shape),
  ].join(" ");
  return mutationStatement(mutation, table, query, shape, params);
}

/** PATCH /<table>?filters: set the payload's columns on the matching rows. */
export function updateStatement(
  table: Table,
  query: QueryParams,
  payload: Payload,
  shape: ReturnShape,
): Statement {
  const params = new SqlParams();
  const target = qualifiedName(table);
  const where = whereClause(query.conditions, table, target, params);
  if (payload.columns.length === 0) {
    // Nothing to set: PostgREST answers as if no row matched (the filters were still checked).
    return mutationStatement(
      `SELECT ${target}.* FROM ${target} WHERE false`,
      table,
      query,
      shape,
      new SqlParams(),
    );
  }
  const body = params.add(payload.raw);
  const row = `(CASE WHEN json_typeof(${body}::json) = 'array' THEN ${body}::json->0 ELSE ${body}::json END)`;
  const assignments = payload.columns
    .map((column) => `${ident(column)} = pgrst_body.${ident(column)}`)
    .join(", ");
  const mutation = `UPDATE ${target} SET ${assignments} FROM json_populate_record(null::${target}, ${row}) pgrst_body ${where} ${returning(target, shape)}`;
  return mutationStatement(mutation, table, query, shape, params);
}

/** DELETE /<table>?filters. */
export function deleteStatement(table: Table, query: QueryParams, shape: ReturnShape): Statement {
  const params = new SqlParams();
  const target = qualifiedName(table);
  const where = whereClause(query.conditions, table, target, params);
  return mutationStatement(
    `DELETE FROM ${target} ${where} ${returning(target, shape)}`,
    table,
    query,
    shape,
    params,
  );
}

/** Without a representation only a count comes back, so no SELECT policy has to pass. */
function returning(target: string, shape: ReturnShape): string {
  return shape.representation ? `RETURNING ${target}.*` : "RETURNING 1";
}

function mutationStatement(
  mutation: string,
  table: Table,
  query: QueryParams,
  shape: ReturnShape,
  params: SqlParams,
): Statement {
  const source = ident("pgrst_source");
  const rows = shape.representation
    ? `(SELECT ${selectList(query.select, table, source)} FROM ${source}) _postgrest_t`
    : `${source} _postgrest_t`;
  const body = shape.representation ? bodyExpression(shape.media) : "null::text";
  return {
    text: `WITH ${source} AS (${mutation}) SELECT null::bigint AS total, pg_catalog.count(*) AS page_total, ${body} AS body, nullif(current_setting('pgrst.inserted', true), '')::int AS inserted FROM ${rows}`,
    values: params.values,
  };
}

/** `Prefer: missing=default`: keys absent from an object take the column default, not NULL. */
function withDefaults(
  table: Table,
  columns: readonly string[],
  rows: string,
  params: SqlParams,
): string {
  const defaults = columns.flatMap((column) => {
    const expression = table.columns.get(column)?.defaultExpr;
    // The expression is Postgres's own rendering of the column default, read from the catalog.
    return expression ? [`${params.add(column)}::text, (${expression})`] : [];
  });
  if (defaults.length === 0) return rows;
  return `(SELECT coalesce(json_agg(jsonb_build_object(${defaults.join(", ")}) || pgrst_elem), '[]'::json) FROM jsonb_array_elements(${rows}::jsonb) pgrst_elem)`;
}
