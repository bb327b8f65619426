import { queryParamError, type RestError } from "./errors.ts";

/** Where a query-parameter parser gave up, and what it wanted instead. */
export class ParseFailure extends Error {
  constructor(
    readonly position: number,
    readonly found: string | undefined,
    readonly expecting: string,
  ) {
    super(expecting);
  }

  /** PostgREST's PGRST100 for `what` (e.g. "filter") over `input`, parsec-style. */
  toRestError(what: string, input: string): RestError {
    const unexpected = this.found === undefined ? "end of input" : JSON.stringify(this.found);
    return queryParamError(
      `"failed to parse ${what} (${input})" (line 1, column ${this.position + 1})`,
      `unexpected ${unexpected} expecting ${this.expecting}`,
    );
  }
}

/** A position in a query-parameter value, for small hand-written parsers. */
export class Cursor {
  pos = 0;

  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }

  startsWith(prefix: string): boolean {
    return this.text.startsWith(prefix, this.pos);
  }

  /** Consumes `prefix` when it is next. */
  take(prefix: string): boolean {
    if (!this.startsWith(prefix)) return false;
    this.pos += prefix.length;
    return true;
  }

  expect(prefix: string, expecting = JSON.stringify(prefix)): void {
    if (!this.take(prefix)) this.fail(expecting);
  }

  skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos += 1;
  }

  rest(): string {
    const value = this.text.slice(this.pos);
    this.pos = this.text.length;
    return value;
  }

  /** Consumes characters up to (not including) any of `stops`. */
  until(stops: string): string {
    const start = this.pos;
    while (!this.done && !stops.includes(this.text[this.pos] ?? "")) this.pos += 1;
    return this.text.slice(start, this.pos);
  }

  fail(expecting: string): never {
    throw new ParseFailure(this.pos, this.peek(), expecting);
  }
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_ $]/u;

/**
 * A column name as PostgREST reads it: `"quoted \" name"`, or identifier
 * characters (letters, digits, `_`, `$`, space) joined by single dashes that
 * do not start an arrow (`->`).
 */
export function parseFieldName(cursor: Cursor): string {
  if (cursor.peek() === '"') return parseQuoted(cursor);
  const words: string[] = [];
  do {
    const start = cursor.pos;
    while (!cursor.done && IDENTIFIER_CHAR.test(cursor.peek() ?? "")) cursor.pos += 1;
    if (cursor.pos === start) cursor.fail("field name (* or [a..z0..9_$])");
    words.push(cursor.text.slice(start, cursor.pos).trim());
  } while (cursor.peek() === "-" && cursor.peek(1) !== ">" && cursor.take("-"));
  return words.join("-");
}

/** `"…"` with backslash escaping any character. */
export function parseQuoted(cursor: Cursor): string {
  cursor.expect('"');
  let value = "";
  for (;;) {
    const char = cursor.peek();
    if (char === undefined) cursor.fail('"\\"" (closing quote)');
    cursor.pos += 1;
    if (char === '"') return value;
    if (char === "\\") {
      const escaped = cursor.peek();
      if (escaped === undefined) cursor.fail("escaped character");
      value += escaped;
      cursor.pos += 1;
    } else {
      value += char;
    }
  }
}

/**
 * Runs `parse` over `input`; where it gives up, the answer is PGRST100 naming
 * `what` was being parsed (e.g. "filter"), as PostgREST's parsec errors do.
 */
export function parseParam<T>(
  what: string,
  input: string,
  parse: (cursor: Cursor) => T,
  text = input,
): T {
  try {
    return parse(new Cursor(text));
  } catch (error) {
    if (error instanceof ParseFailure) throw error.toRestError(what, input);
    throw error;
  }
}

/** A comma-separated list of field names (`columns=`, `on_conflict=`). */
export function parseFieldList(text: string, what: string): string[] {
  return parseParam(what, text, (cursor) => {
    const names: string[] = [];
    do {
      cursor.skipSpaces();
      names.push(parseFieldName(cursor));
      cursor.skipSpaces();
    } while (cursor.take(","));
    if (!cursor.done) cursor.fail('"," or end of input');
    return names;
  });
}
