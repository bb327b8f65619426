import { jsonPathsUnsupported, RestError } from "./errors.ts";
import { type Condition, parseFilter, parseLogicParam } from "./filter-parser.ts";
import { parseFieldList, parseFieldName, parseParam } from "./parse-cursor.ts";
import { type OrderTerm, parseOrder, parseSelect, type SelectItem } from "./select-parser.ts";

/** What the query string of a Data API request asks for. */
export interface QueryParams {
  readonly select: readonly SelectItem[];
  /** Column filters and `and=`/`or=` trees; all must hold. */
  readonly conditions: readonly Condition[];
  readonly order: readonly OrderTerm[];
  readonly limit?: number;
  readonly offset?: number;
  readonly columns?: readonly string[];
  readonly onConflict?: readonly string[];
  /** Parameters without an operator: arguments of a GET /rpc call. */
  readonly rpcArgs: ReadonlyArray<readonly [string, string]>;
  /** The parameters sorted by name, as PostgREST echoes them in Content-Location. */
  readonly canonical: string;
}

const RESERVED = new Set(["select", "columns", "on_conflict"]);
const EMBEDDABLE = new Set(["order", "limit", "offset", "and", "or"]);

/** Splits `a=1&b=2` keeping order, duplicates and empty values; `+` is a space. */
export function splitQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    // A key without `=` has no value and PostgREST ignores it.
    if (eq < 0) continue;
    pairs.push([decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

export function parseQueryParams(rawQuery: string, options: { rpc?: boolean } = {}): QueryParams {
  const pairs = splitQuery(rawQuery);
  let select: SelectItem[] = [{ kind: "star" }];
  let order: OrderTerm[] = [];
  let limit: number | undefined;
  let offset: number | undefined;
  let columns: string[] | undefined;
  let onConflict: string[] | undefined;
  const conditions: Condition[] = [];
  const rpcArgs: Array<[string, string]> = [];
  const seen = new Set<string>();

  for (const [key, value] of pairs) {
    const firstTime = !seen.has(key);
    seen.add(key);
    if (RESERVED.has(key)) {
      // PostgREST reads the first occurrence of a reserved parameter.
      if (!firstTime) continue;
      if (key === "select") select = parseSelect(value);
      else if (key === "columns") columns = parseFieldList(value, "columns parameter");
      else onConflict = parseFieldList(value, "on_conflict parameter");
      continue;
    }
    const segments = key.split(".");
    const last = segments[segments.length - 1] ?? "";
    if (EMBEDDABLE.has(last)) {
      const path = segments.slice(0, -1).filter((segment) => segment !== "not");
      if (path.length > 0) throw notEmbedded(path[0] ?? "");
      if (last === "order") order = parseOrder(value);
      else if (last === "limit") limit = parseInteger(value) ?? limit;
      else if (last === "offset") offset = parseInteger(value) ?? offset;
      else conditions.push(parseLogicParam(key, value));
      continue;
    }
    const field = parseFilterKey(key);
    if (options.rpc && !looksLikeOperation(value)) {
      rpcArgs.push([field, value]);
      continue;
    }
    conditions.push(parseFilter(field, value));
  }

  const canonical = new URLSearchParams(
    [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ).toString();
  return {
    select,
    conditions,
    order,
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined ? { offset } : {}),
    ...(columns ? { columns } : {}),
    ...(onConflict ? { onConflict } : {}),
    rpcArgs,
    canonical,
  };
}

/** A filter key is a column name; `rel.col` would filter an embedded resource. */
function parseFilterKey(key: string): string {
  return parseParam("tree path", key, (cursor) => {
    const field = parseFieldName(cursor);
    if (cursor.take(".")) throw notEmbedded(field);
    if (cursor.startsWith("->")) throw jsonPathsUnsupported();
    if (!cursor.done) cursor.fail("delimiter (.) or end of input");
    return field;
  });
}

function looksLikeOperation(value: string): boolean {
  try {
    parseFilter("_", value);
    return true;
  } catch {
    return false;
  }
}

/** Like Haskell's `readMaybe`: anything but a plain integer is ignored. */
function parseInteger(value: string): number | undefined {
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

function notEmbedded(resource: string): RestError {
  return new RestError(
    400,
    "PGRST108",
    `'${resource}' is not an embedded resource in this request`,
    null,
    `Verify that '${resource}' is included in the 'select' query parameter.`,
  );
}
