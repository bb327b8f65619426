// One row of the doctor's table: what was checked, how it stands, what was
// found and what that means for the journeys. Every check decides its row
// from what it observed (pure code over data), so each is testable alone.

export type Status = "ok" | "warn" | "fail";

export interface Row {
  check: string;
  status: Status;
  found: string;
  means: string;
}

/** The rows of one check: `const row = rowsOf("backend"); return row("ok", found, means);` */
export function rowsOf(check: string): (status: Status, found: string, means: string) => Row {
  return (status, found, means) => ({ check, status, found, means });
}

/** Each check waits at most this long for one answer. */
export const TIMEOUT_MS = 10_000;

/** 0 when every row is ok, 1 with any finding (warn or fail). */
export function exitCode(rows: readonly Row[]): 0 | 1 {
  return rows.every((row) => row.status === "ok") ? 0 : 1;
}
