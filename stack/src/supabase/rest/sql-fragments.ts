import type { Table } from "./catalog.ts";
import {
  COMPARISON_OPERATORS,
  type Condition,
  type Filter,
  FTS_FUNCTIONS,
} from "./filter-parser.ts";
import type { ResponseMedia } from "./preferences.ts";
import { checkColumn } from "./schema-cache.ts";
import type { OrderTerm, SelectItem } from "./select-parser.ts";

/**
 * SQL pieces shared by reads and writes. Every value is a bound parameter;
 * every identifier is one the schema cache knows, and is quoted anyway.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualifiedName(table: { schema: string; name: string }): string {
  return `${ident(table.schema)}.${ident(table.name)}`;
}

/** `"t"."col"` for each select item, named as PostgREST names the JSON keys. */
export function selectList(items: readonly SelectItem[], table: Table, ref: string): string {
  return items
    .map((item) => {
      if (item.kind === "star") return `${ref}.*`;
      checkColumn(table, item.name);
      const cast = item.cast ? `::${item.cast}` : "";
      return `${ref}.${ident(item.name)}${cast} AS ${ident(item.alias ?? item.name)}`;
    })
    .join(", ");
}

/** `WHERE …` for all conditions, or "" when there are none. */
export function whereClause(
  conditions: readonly Condition[],
  table: Table,
  ref: string,
  params: SqlParams,
): string {
  if (conditions.length === 0) return "";
  return `WHERE ${conditions.map((condition) => conditionSql(condition, table, ref, params)).join(" AND ")}`;
}

function conditionSql(condition: Condition, table: Table, ref: string, params: SqlParams): string {
  if (condition.type === "filter") return filterSql(condition, table, ref, params);
  const joined = condition.children
    .map((child) => conditionSql(child, table, ref, params))
    .join(condition.operator === "and" ? " AND " : " OR ");
  return `${condition.negated ? "NOT " : ""}(${joined})`;
}

function filterSql(filter: Filter, table: Table, ref: string, params: SqlParams): string {
  checkColumn(table, filter.field);
  const column = `${ref}.${ident(filter.field)}`;
  const operation = filter.operation;
  let sql: string;
  switch (operation.kind) {
    case "compare": {
      const operator = COMPARISON_OPERATORS[operation.operator] ?? "=";
      // PostgREST lets `*` stand for `%` in like patterns, since `%` is awkward in URLs.
      const isLike = operation.operator === "like" || operation.operator === "ilike";
      const value = isLike ? operation.value.replaceAll("*", "%") : operation.value;
      const operand = operation.quantifier
        ? `${operation.quantifier.toUpperCase()}(${params.add(value)})`
        : params.add(value);
      sql = `${column} ${operator} ${operand}`;
      break;
    }
    case "in":
      sql =
        operation.values.length === 1 && operation.values[0] === ""
          ? `${column} = ANY('{}')`
          : `${column} = ANY(${params.add([...operation.values])})`;
      break;
    case "is":
      sql = `${column} IS ${operation.value === "not_null" ? "NOT NULL" : operation.value.toUpperCase()}`;
      break;
    case "isdistinct":
      sql = `${column} IS DISTINCT FROM ${params.add(operation.value)}`;
      break;
    case "fts": {
      const fn = FTS_FUNCTIONS[operation.operator] ?? "to_tsquery";
      const language = operation.language ? `${params.add(operation.language)}::regconfig, ` : "";
      sql = `${column} @@ ${fn}(${language}${params.add(operation.value)})`;
      break;
    }
  }
  return filter.negated ? `NOT (${sql})` : sql;
}

export function orderClause(order: readonly OrderTerm[], table: Table, ref: string): string {
  if (order.length === 0) return "";
  const terms = order.map((term) => {
    checkColumn(table, term.field);
    const direction = term.direction ? ` ${term.direction.toUpperCase()}` : "";
    const nulls = term.nulls ? ` NULLS ${term.nulls.toUpperCase()}` : "";
    return `${ref}.${ident(term.field)}${direction}${nulls}`;
  });
  return `ORDER BY ${terms.join(", ")}`;
}

/** The JSON body of `_postgrest_t` rows, as text so numbers and timestamps stay as Postgres prints them. */
export function bodyExpression(media: ResponseMedia): string {
  if (media.singular) {
    return media.stripNulls
      ? "coalesce(json_strip_nulls(json_agg(_postgrest_t)->0)::text, 'null')"
      : "coalesce((json_agg(_postgrest_t)->0)::text, 'null')";
  }
  return media.stripNulls
    ? "coalesce(json_agg(json_strip_nulls(row_to_json(_postgrest_t))), '[]')::text"
    : "coalesce(json_agg(_postgrest_t), '[]')::text";
}
