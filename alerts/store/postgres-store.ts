import pg from "pg";
import type { AlertState } from "../types.ts";
import { emptyState } from "../types.ts";
import {
  ConcurrentWriteError,
  isAlertState,
  type Snapshot,
  type StateStore,
} from "./state-store.ts";

const TIMEOUT_MS = 5_000;

/**
 * Kept out of `public` so Supabase's REST API does not expose it; row level
 * security is on with no policy as a second fence. The suite connects as the
 * database owner, which bypasses RLS.
 */
const SCHEMA_SQL = `
create schema if not exists synthetic_monitor;
create table if not exists synthetic_monitor.alert_state (
  key text primary key,
  revision bigint not null,
  state jsonb not null,
  writer text not null,
  updated_at timestamptz not null default now()
);
alter table synthetic_monitor.alert_state enable row level security;
`;

/** State in one Postgres row per key, for CI runners that keep no disk between runs. */
export class PostgresStateStore implements StateStore {
  readonly #client: pg.Client;
  readonly #key: string;
  readonly #writer: string;
  #ready: Promise<void> | undefined;

  constructor(connectionString: string, key: string, writer: string) {
    this.#client = new pg.Client({
      connectionString,
      connectionTimeoutMillis: TIMEOUT_MS,
      query_timeout: TIMEOUT_MS,
      application_name: "synthetic-monitor-alerts",
    });
    // An idle connection dropped by the server must not crash the run.
    this.#client.on("error", () => {});
    this.#key = key;
    this.#writer = writer;
  }

  get description() {
    return `postgres synthetic_monitor.alert_state key "${this.#key}"`;
  }

  #connect(): Promise<void> {
    this.#ready ??= this.#client.connect().then(async () => {
      await this.#client.query(SCHEMA_SQL);
    });
    return this.#ready;
  }

  async load(): Promise<Snapshot> {
    await this.#connect();
    const { rows } = await this.#client.query<{ revision: string; state: unknown }>(
      "select revision, state from synthetic_monitor.alert_state where key = $1",
      [this.#key],
    );
    const row = rows[0];
    if (!row) return { state: emptyState(), revision: 0 };
    if (!isAlertState(row.state)) {
      return {
        state: emptyState(),
        revision: Number(row.revision),
        warning: "stored state was unreadable; starting afresh",
      };
    }
    return { state: row.state, revision: Number(row.revision) };
  }

  async save(state: AlertState, expected: number): Promise<number> {
    await this.#connect();
    const json = JSON.stringify(state);
    const result =
      expected === 0
        ? await this.#client.query(
            `insert into synthetic_monitor.alert_state (key, revision, state, writer)
             values ($1, 1, $2, $3) on conflict (key) do nothing`,
            [this.#key, json, this.#writer],
          )
        : await this.#client.query(
            `update synthetic_monitor.alert_state
             set revision = revision + 1, state = $2, writer = $3, updated_at = now()
             where key = $1 and revision = $4`,
            [this.#key, json, this.#writer, expected],
          );
    if (result.rowCount !== 1) {
      throw new ConcurrentWriteError(`alert state "${this.#key}" changed while this run worked`);
    }
    return expected + 1;
  }

  async close(): Promise<void> {
    if (this.#ready) await this.#client.end().catch(() => {});
  }
}
