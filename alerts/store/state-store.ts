import type { AlertState } from "../types.ts";

export interface Snapshot {
  state: AlertState;
  /** Bumped by every save; a save names the revision it started from. */
  revision: number;
  /** Something the caller should hear about (a damaged file set aside, …). */
  warning?: string;
}

/** Thrown when another run saved since our load: the caller rebases and tries again. */
export class ConcurrentWriteError extends Error {
  override name = "ConcurrentWriteError";
}

export interface StateStore {
  readonly description: string;
  load(): Promise<Snapshot>;
  /** Writes `state` if the stored revision is still `expected`; returns the new revision. */
  save(state: AlertState, expected: number): Promise<number>;
  close(): Promise<void>;
}

export function isAlertState(value: unknown): value is AlertState {
  const v = value as AlertState | undefined;
  return (
    typeof v === "object" &&
    v !== null &&
    v.version === 1 &&
    typeof v.checks === "object" &&
    typeof v.notifications === "object" &&
    typeof v.digests === "object"
  );
}
