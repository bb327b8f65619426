import type pg from "pg";
import {
  EXPOSED_SCHEMA,
  loadSchema,
  type Routine,
  type SchemaSnapshot,
  type Table,
} from "./catalog.ts";
import { isPgError, RestError, tableNotFound, undefinedColumn } from "./errors.ts";

/** A snapshot and when its catalog read began: it reflects all DDL committed before then. */
interface Load {
  readonly startedAt: number;
  readonly snapshot: Promise<SchemaSnapshot>;
}

/**
 * PostgREST's schema cache, kept honest without a DDL event trigger: a miss
 * (unknown table, column or function) reloads it before answering "not found",
 * and a query that fails because the catalog moved under it (a dropped table
 * or column) is retried once on a fresh snapshot. A full reload costs a few
 * milliseconds, so it is not done per request.
 */
export class SchemaCache {
  #latest: Load | undefined;

  constructor(private readonly pool: pg.Pool) {}

  current(): Promise<SchemaSnapshot> {
    return this.#latest?.snapshot ?? this.reload();
  }

  /**
   * A snapshot whose catalog read began at or after `since` (default: now).
   * Requests failing at the same moment share one load; a load that began
   * earlier is never trusted, as it may predate the DDL that caused the failure.
   */
  reload(since = performance.now()): Promise<SchemaSnapshot> {
    if (this.#latest && this.#latest.startedAt >= since) return this.#latest.snapshot;
    const startedAt = performance.now();
    const snapshot = loadSchema(this.pool).catch(() => {
      throw new RestError(
        503,
        "PGRST002",
        "Could not query the database for the schema cache. Retrying.",
      );
    });
    const load = { startedAt, snapshot };
    this.#latest = load;
    // A failed load must not stick: the next caller tries again.
    snapshot.catch(() => {
      if (this.#latest === load) this.#latest = undefined;
    });
    return snapshot;
  }

  /**
   * Runs `work` on the cached snapshot; if it fails in a way a stale cache
   * explains, reloads and runs it once more on the fresh one.
   */
  async withSnapshot<T>(work: (snapshot: SchemaSnapshot) => Promise<T>): Promise<T> {
    const first = await this.current();
    try {
      return await work(first);
    } catch (error) {
      if (!isStaleSchemaSymptom(error)) throw error;
      return work(await this.reload(performance.now()));
    }
  }
}

/**
 * Codes a stale cache explains: our own "not in the schema cache" answers, and
 * Postgres's undefined table/column/function/conflict target (which reach us
 * already translated into PostgREST errors).
 */
const STALE_SCHEMA_CODES = new Set([
  "PGRST202",
  "PGRST204",
  "PGRST205",
  "42P01",
  "42703",
  "42883",
  "42P10",
]);

function isStaleSchemaSymptom(error: unknown): boolean {
  if (error instanceof RestError) return STALE_SCHEMA_CODES.has(error.code);
  return isPgError(error) && STALE_SCHEMA_CODES.has(error.code ?? "");
}

export function findTable(snapshot: SchemaSnapshot, name: string): Table {
  const table = snapshot.tables.get(name);
  if (table) return table;
  throw tableNotFound(EXPOSED_SCHEMA, name, closestName(name, snapshot.tables.keys(), 0.75));
}

export function findRoutine(snapshot: SchemaSnapshot, name: string): Routine | undefined {
  return snapshot.routines.get(name);
}

/** The error Postgres gives for a missing column, with its "Perhaps you meant" hint. */
export function checkColumn(table: Table, column: string): void {
  if (table.columns.has(column)) return;
  throw undefinedColumn(table.name, column, closestColumn(column, table.columns.keys()));
}

/** Like FuzzySet's best match: similarity 1 - distance / longer length, lower-cased. */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  minScore: number,
): string | undefined {
  let best: string | undefined;
  let bestScore = minScore;
  for (const candidate of candidates) {
    const a = name.toLowerCase();
    const b = candidate.toLowerCase();
    const score = 1 - levenshtein(a, b) / Math.max(a.length, b.length, 1);
    if (score >= bestScore && (best === undefined || score > bestScore)) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Postgres hints a column within a small edit distance (at most 3, and under half its length). */
function closestColumn(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(name, candidate);
    if (distance <= 3 && distance <= candidate.length / 2 && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
