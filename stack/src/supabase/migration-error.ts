// Where a migration failed: the file, and the statement and line Postgres
// stopped at, so "migration X failed" names what to fix.
import type pg from "pg";

/** A migration that failed, named by file, line and statement. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly statement: string | undefined,
    readonly reason: string,
  ) {
    super(
      `migration ${file} failed${line ? ` at line ${line}` : ""}: ${reason}${statement ? `\n  statement: ${statement}` : ""}`,
    );
    this.name = "MigrationError";
  }
}

/** The statement around a 1-based character offset that Postgres reported, and its line. */
function statementAt(sql: string, position: number): { line: number; statement: string } {
  const offset = Math.max(0, Math.min(sql.length, position - 1));
  const line = sql.slice(0, offset).split("\n").length;
  const start = sql.lastIndexOf(";", offset - 1) + 1;
  const endAt = sql.indexOf(";", offset);
  const text = sql
    .slice(start, endAt === -1 ? sql.length : endAt + 1)
    .split("\n")
    .filter((row) => !/^\s*--/.test(row))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return { line, statement: text.length > 200 ? `${text.slice(0, 197)}...` : text };
}

/**
 * Splits SQL into statements at top-level semicolons, skipping quoted text,
 * dollar-quoted bodies and comments. Only to point at a failing statement.
 */
function splitStatements(sql: string): Array<{ offset: number; text: string }> {
  const statements: Array<{ offset: number; text: string }> = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (rest.startsWith("--")) i = sql.indexOf("\n", i) === -1 ? sql.length : sql.indexOf("\n", i);
    else if (rest.startsWith("/*"))
      i = sql.indexOf("*/", i + 2) === -1 ? sql.length : sql.indexOf("*/", i + 2) + 2;
    else if (sql[i] === "'" || sql[i] === '"') {
      const quote = sql[i];
      i++;
      while (i < sql.length && sql[i] !== quote) i++;
      i++;
    } else if (dollar) {
      const end = sql.indexOf(dollar[0], i + dollar[0].length);
      i = end === -1 ? sql.length : end + dollar[0].length;
    } else if (sql[i] === ";") {
      statements.push({ offset: start, text: sql.slice(start, i + 1) });
      start = i + 1;
      i++;
    } else i++;
  }
  if (sql.slice(start).trim()) statements.push({ offset: start, text: sql.slice(start) });
  return statements;
}

/** Re-runs a failed migration statement by statement, rolled back, to find the one that fails. */
async function locateFailure(
  client: pg.ClientBase,
  sql: string,
): Promise<{ line: number; statement: string } | undefined> {
  await client.query("begin");
  try {
    for (const { offset, text } of splitStatements(sql)) {
      try {
        await client.query(text);
      } catch {
        // The statement starts after the blank lines and comments before it.
        const lead = text.length - text.replace(/^(\s|--[^\n]*(\n|$))*/, "").length;
        return statementAt(sql, offset + lead + 1);
      }
    }
    return undefined;
  } finally {
    await client.query("rollback");
  }
}

/**
 * The MigrationError for `error`, thrown by `sql` of `file` (already rolled
 * back): at the position Postgres reported, else found by re-running it.
 */
export async function migrationError(
  client: pg.ClientBase,
  file: string,
  sql: string,
  error: unknown,
): Promise<MigrationError> {
  const reason = error instanceof Error ? error.message : String(error);
  const position = Number((error as { position?: string }).position);
  const at =
    Number.isFinite(position) && position > 0
      ? statementAt(sql, position)
      : await locateFailure(client, sql);
  return new MigrationError(file, at?.line, at?.statement, reason);
}
