import { jsonPathsUnsupported } from "./errors.ts";
import { type Cursor, parseFieldName, parseParam, parseQuoted } from "./parse-cursor.ts";

/** Operators whose value is one SQL operand (PostgREST's simple and quantifiable operators). */
export const COMPARISON_OPERATORS: Readonly<Record<string, string>> = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  like: "like",
  ilike: "ilike",
  match: "~",
  imatch: "~*",
  cs: "@>",
  cd: "<@",
  ov: "&&",
  sl: "<<",
  sr: ">>",
  nxr: "&<",
  nxl: "&>",
  adj: "-|-",
};

/** Only these take `(any)` / `(all)`. */
const QUANTIFIABLE = new Set(["eq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch"]);

export const FTS_FUNCTIONS: Readonly<Record<string, string>> = {
  fts: "to_tsquery",
  plfts: "plainto_tsquery",
  phfts: "phraseto_tsquery",
  wfts: "websearch_to_tsquery",
};

export type IsValue = "null" | "not_null" | "true" | "false" | "unknown";

export type Operation =
  | {
      readonly kind: "compare";
      readonly operator: string;
      readonly quantifier?: "any" | "all";
      readonly value: string;
    }
  | { readonly kind: "in"; readonly values: readonly string[] }
  | { readonly kind: "is"; readonly value: IsValue }
  | { readonly kind: "isdistinct"; readonly value: string }
  | {
      readonly kind: "fts";
      readonly operator: string;
      readonly language?: string;
      readonly value: string;
    };

export interface Filter {
  readonly type: "filter";
  readonly field: string;
  readonly negated: boolean;
  readonly operation: Operation;
}

export interface LogicTree {
  readonly type: "logic";
  readonly negated: boolean;
  readonly operator: "and" | "or";
  readonly children: ReadonlyArray<Filter | LogicTree>;
}

export type Condition = Filter | LogicTree;

/** `col=<value>` where value is e.g. `not.eq.5`, `in.(a,"b,c")`, `is.null`. */
export function parseFilter(field: string, value: string): Filter {
  return parseParam("filter", value, (cursor) => {
    const { negated, operation } = parseOperation(cursor, (c) => c.rest());
    return { type: "filter", field, negated, operation };
  });
}

/** `or=(a.eq.1,and(b.gt.2,c.is.null))`; `key` is `or`, `and`, `not.or` or `not.and`. */
export function parseLogicParam(key: string, value: string): LogicTree {
  const negated = key.startsWith("not.");
  const operator = negated ? key.slice(4) : key;
  const parse = (cursor: Cursor) => {
    const tree = parseLogicTree(cursor, negated);
    cursor.skipSpaces();
    if (!cursor.done) cursor.fail("end of input");
    return tree;
  };
  return parseParam("logic tree", value, parse, `${operator}${value}`);
}

function parseLogicTree(cursor: Cursor, negated: boolean): LogicTree {
  let operator: "and" | "or";
  if (cursor.take("and")) operator = "and";
  else if (cursor.take("or")) operator = "or";
  else cursor.fail("logic operator (and, or)");
  cursor.skipSpaces();
  cursor.expect("(");
  const children: Condition[] = [];
  do {
    cursor.skipSpaces();
    children.push(parseLogicChild(cursor));
    cursor.skipSpaces();
  } while (cursor.take(","));
  cursor.expect(")", '"," or ")"');
  return { type: "logic", negated, operator, children };
}

function parseLogicChild(cursor: Cursor): Condition {
  const ahead = cursor.text.slice(cursor.pos);
  const nested = ahead.match(/^(not\.)?(and|or)\s*\(/);
  if (nested) {
    const negated = Boolean(nested[1]);
    if (negated) cursor.pos += 4;
    return parseLogicTree(cursor, negated);
  }
  const field = parseFieldName(cursor);
  if (cursor.startsWith("->")) throw jsonPathsUnsupported();
  cursor.expect(".", "delimiter (.)");
  const { negated, operation } = parseOperation(cursor, parseLogicValue);
  return { type: "filter", field, negated, operation };
}

/** A value inside a logic tree ends at `,` or `)` unless quoted or a `{…}` array literal. */
function parseLogicValue(cursor: Cursor): string {
  if (cursor.peek() === '"') {
    const start = cursor.pos;
    const quoted = parseQuoted(cursor);
    if (cursor.done || cursor.peek() === "," || cursor.peek() === ")") return quoted;
    cursor.pos = start;
  }
  if (cursor.peek() === "{") {
    const start = cursor.pos;
    cursor.pos += 1;
    cursor.until("{}");
    if (cursor.take("}")) return cursor.text.slice(start, cursor.pos);
    cursor.pos = start;
  }
  return cursor.until(",)");
}

function parseOperation(
  cursor: Cursor,
  readValue: (cursor: Cursor) => string,
): { negated: boolean; operation: Operation } {
  const negated = cursor.take("not.");
  const start = cursor.pos;
  const name = cursor.text.slice(start).match(/^[a-z]+/)?.[0] ?? "";
  cursor.pos += name.length;

  if (name === "in" && cursor.take("."))
    return { negated, operation: { kind: "in", values: parseList(cursor) } };
  if (name === "is" && cursor.take("."))
    return { negated, operation: { kind: "is", value: parseIsValue(cursor) } };
  if (name === "isdistinct" && cursor.take(".")) {
    return { negated, operation: { kind: "isdistinct", value: readValue(cursor) } };
  }
  const fts = FTS_FUNCTIONS[name];
  if (fts !== undefined) {
    let language: string | undefined;
    if (cursor.take("(")) {
      language = cursor.until(")").trim();
      if (!/^[\p{L}\p{N}_ $]+$/u.test(language)) cursor.fail("text search configuration name");
      cursor.expect(")");
    }
    cursor.expect(".", "delimiter (.)");
    const value = readValue(cursor);
    return {
      negated,
      operation: { kind: "fts", operator: name, ...(language ? { language } : {}), value },
    };
  }
  if (COMPARISON_OPERATORS[name] !== undefined) {
    let quantifier: "any" | "all" | undefined;
    if (QUANTIFIABLE.has(name)) {
      if (cursor.take("(any)")) quantifier = "any";
      else if (cursor.take("(all)")) quantifier = "all";
    }
    cursor.expect(".", "delimiter (.)");
    const value = readValue(cursor);
    return {
      negated,
      operation: { kind: "compare", operator: name, ...(quantifier ? { quantifier } : {}), value },
    };
  }
  cursor.pos = start;
  return cursor.fail(negated ? "operator (eq, gt, ...)" : '"not" or operator (eq, gt, ...)');
}

/** `(a, b,"c,d")`: quoted elements may hold commas and parentheses. */
function parseList(cursor: Cursor): string[] {
  cursor.skipSpaces();
  cursor.expect("(");
  const values: string[] = [];
  do {
    const start = cursor.pos;
    let value: string | undefined;
    if (cursor.peek() === '"') {
      const quoted = parseQuoted(cursor);
      if (cursor.peek() === "," || cursor.peek() === ")") value = quoted;
      else cursor.pos = start;
    }
    values.push(value ?? cursor.until(",)"));
  } while (cursor.take(","));
  cursor.skipSpaces();
  cursor.expect(")", '"," or ")"');
  return values;
}

function parseIsValue(cursor: Cursor): IsValue {
  const word =
    cursor.text
      .slice(cursor.pos)
      .match(/^[a-zA-Z_]+/)?.[0]
      ?.toLowerCase() ?? "";
  const values: IsValue[] = ["not_null", "null", "true", "false", "unknown"];
  const value = values.find((candidate) => candidate === word);
  if (!value) return cursor.fail("isVal: (null, not_null, true, false, unknown)");
  cursor.pos += word.length;
  return value;
}
