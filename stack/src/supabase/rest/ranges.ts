import { RestError, rangeError } from "./errors.ts";

/** Rows to return: skip `offset`, then at most `limit` (undefined: all). */
export interface PageRange {
  readonly offset: number;
  readonly limit?: number;
}

/**
 * Combines `limit`/`offset` with a `Range: a-b` header (read only on GET, as
 * RFC 9110 says) the way PostgREST intersects them.
 */
export function pageRange(
  params: { limit?: number; offset?: number },
  rangeHeader: string | undefined,
): PageRange {
  const offset = params.offset ?? 0;
  if (params.limit !== undefined && params.limit < 0) {
    throw rangeError("Limit should be greater than or equal to zero.");
  }
  if (params.limit === 0) return { offset, limit: 0 };
  let lower = offset;
  let upper = params.limit === undefined ? Number.POSITIVE_INFINITY : offset + params.limit - 1;
  const header = rangeHeader?.trim().match(/^(\d+)-(\d*)$/);
  if (header) {
    const headerLower = Number(header[1]);
    const headerUpper = header[2] ? Number(header[2]) : Number.POSITIVE_INFINITY;
    if (headerLower > headerUpper) {
      throw rangeError(
        "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
      );
    }
    lower = Math.max(lower, headerLower);
    upper = Math.min(upper, headerUpper);
  }
  if (lower > upper) throw rangeError("Limit should be greater than or equal to zero.");
  return Number.isFinite(upper) ? { offset: lower, limit: upper - lower + 1 } : { offset: lower };
}

/** `Content-Range` of a read, e.g. `0-9/100`; the range is `*` when empty, the total `*` when not counted. */
export function contentRange(offset: number, rows: number, total: number | undefined): string {
  const upper = offset + rows - 1;
  const range = total !== 0 && offset <= upper ? `${offset}-${upper}` : "*";
  return `${range}/${total ?? "*"}`;
}

/** 206 when the page is part of a counted whole; 416 when the offset is past its end. */
export function readStatus(offset: number, rows: number, total: number | undefined): number {
  if (total === undefined) return 200;
  if (offset > total) {
    throw new RestError(
      416,
      "PGRST103",
      "Requested range not satisfiable",
      `An offset of ${offset} was requested, but there are only ${total} rows.`,
      null,
      { "Content-Range": `*/${total}` },
    );
  }
  return rows < total ? 206 : 200;
}
