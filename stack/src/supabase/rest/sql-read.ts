import type { Table } from "./catalog.ts";
import type { ResponseMedia } from "./preferences.ts";
import type { QueryParams } from "./query-params.ts";
import type { PageRange } from "./ranges.ts";
import {
  bodyExpression,
  orderClause,
  qualifiedName,
  SqlParams,
  type Statement,
  selectList,
  whereClause,
} from "./sql-fragments.ts";

export interface ReadStatements {
  /** One row: total (null unless counted exactly), page_total, body. */
  readonly read: Statement;
  /** EXPLAIN of the filtered rows, for `count=planned|estimated`. */
  readonly plan: Statement;
}

/** GET /<table>: PostgREST's single statement that returns the page as JSON text. */
export function readStatements(
  table: Table,
  query: QueryParams,
  range: PageRange,
  media: ResponseMedia,
  options: { exactCount: boolean; headersOnly: boolean },
): ReadStatements {
  const params = new SqlParams();
  const from = qualifiedName(table);
  const items = selectList(query.select, table, from);
  const where = whereClause(query.conditions, table, from, params);
  const order = orderClause(query.order, table, from);
  const limit = range.limit === undefined ? "" : `LIMIT ${range.limit}`;
  const offset = range.offset ? `OFFSET ${range.offset}` : "";
  const filtered = `FROM ${from} ${where}`;
  const total = options.exactCount ? `(SELECT pg_catalog.count(*) ${filtered})` : "null::bigint";
  const body = options.headersOnly ? "null::text" : bodyExpression(media);
  return {
    read: {
      text: `SELECT ${total} AS total, pg_catalog.count(*) AS page_total, ${body} AS body FROM (SELECT ${items} ${filtered} ${order} ${limit} ${offset}) _postgrest_t`,
      values: params.values,
    },
    plan: { text: `EXPLAIN (FORMAT JSON) SELECT 1 ${filtered}`, values: params.values },
  };
}
