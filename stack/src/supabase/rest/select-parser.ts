import { jsonPathsUnsupported, notImplemented, RestError } from "./errors.ts";
import { type Cursor, parseFieldName, parseParam } from "./parse-cursor.ts";

export type SelectItem =
  | { readonly kind: "star" }
  | {
      readonly kind: "column";
      readonly name: string;
      readonly alias?: string;
      readonly cast?: string;
    };

export interface OrderTerm {
  readonly field: string;
  readonly direction?: "asc" | "desc";
  readonly nulls?: "first" | "last";
}

/** Type names a cast may use: one plain word, or one of these multi-word names. */
const MULTI_WORD_TYPES = new Set([
  "double precision",
  "character varying",
  "timestamp with time zone",
  "timestamp without time zone",
  "time with time zone",
  "time without time zone",
]);

/** `select=` as PostgREST reads it; an empty value means `*`. */
export function parseSelect(text: string): SelectItem[] {
  return parseParam("select parameter", text, (cursor) => {
    cursor.skipSpaces();
    if (cursor.done) return [{ kind: "star" }];
    const items: SelectItem[] = [];
    do {
      cursor.skipSpaces();
      items.push(parseSelectItem(cursor));
      cursor.skipSpaces();
    } while (cursor.take(","));
    if (!cursor.done) cursor.fail('"," or end of input');
    return items;
  });
}

function parseSelectItem(cursor: Cursor): SelectItem {
  if (cursor.peek() === "*") {
    cursor.pos += 1;
    return { kind: "star" };
  }
  if (cursor.startsWith("...")) throw embeddingUnsupported();
  if (/^count\(\)/.test(cursor.text.slice(cursor.pos))) throw aggregatesNotAllowed();
  let name = parseFieldName(cursor);
  let alias: string | undefined;
  if (cursor.peek() === ":" && cursor.peek(1) !== ":") {
    cursor.pos += 1;
    alias = name;
    if (/^(\.\.\.|count\(\))/.test(cursor.text.slice(cursor.pos))) {
      throw cursor.startsWith("...") ? embeddingUnsupported() : aggregatesNotAllowed();
    }
    name = parseFieldName(cursor);
  }
  if (cursor.peek() === "(" || cursor.peek() === "!") throw embeddingUnsupported();
  if (cursor.startsWith("->")) throw jsonPathsUnsupported();
  let cast: string | undefined;
  if (cursor.take("::")) cast = parseCastType(cursor);
  if (/^\.(sum|avg|count|max|min)\(\)/.test(cursor.text.slice(cursor.pos))) {
    throw aggregatesNotAllowed();
  }
  if (!cursor.done && cursor.peek() !== ",") cursor.fail('"::", "," or end of input');
  return { kind: "column", name, ...(alias ? { alias } : {}), ...(cast ? { cast } : {}) };
}

function parseCastType(cursor: Cursor): string {
  const type = cursor.until(",").trim().toLowerCase();
  if (/^[a-z_][a-z0-9_]*$/.test(type) || MULTI_WORD_TYPES.has(type.replace(/\s+/g, " "))) {
    return type.replace(/\s+/g, " ");
  }
  return cursor.fail("type name");
}

/** `order=a.desc.nullslast,b` as PostgREST reads it. */
export function parseOrder(text: string): OrderTerm[] {
  return parseParam("order", text, (cursor) => {
    const terms: OrderTerm[] = [];
    do {
      cursor.skipSpaces();
      const field = parseFieldName(cursor);
      if (cursor.peek() === "(") throw embeddingUnsupported();
      if (cursor.startsWith("->")) throw jsonPathsUnsupported();
      let direction: OrderTerm["direction"];
      let nulls: OrderTerm["nulls"];
      if (cursor.take(".asc")) direction = "asc";
      else if (cursor.take(".desc")) direction = "desc";
      if (cursor.take(".nullsfirst")) nulls = "first";
      else if (cursor.take(".nullslast")) nulls = "last";
      cursor.skipSpaces();
      if (!cursor.done && cursor.peek() !== ",") {
        cursor.fail('"asc", "desc", "nullsfirst" or "nullslast"');
      }
      terms.push({ field, ...(direction ? { direction } : {}), ...(nulls ? { nulls } : {}) });
    } while (cursor.take(","));
    return terms;
  });
}

function embeddingUnsupported(): RestError {
  return notImplemented("Resource embedding is not supported by this stand-in");
}

/** Supabase projects run PostgREST with aggregates disabled. */
function aggregatesNotAllowed(): RestError {
  return new RestError(400, "PGRST123", "Use of aggregate functions is not allowed");
}
