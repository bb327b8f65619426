import pg from "pg";
import {
  DEFAULT_LATENCY_MS,
  FAULT_NAMES,
  type FaultName,
  type FaultState,
  parseFaultSpec,
} from "./faults.ts";
import { applyMigrations, resetPublicSchema } from "./supabase/database.ts";

/** SQL that puts each database fault in place. */
const DATABASE_FAULTS: Partial<Record<FaultName, string>> = {
  "schema-erased": `
    drop table if exists public.profiles cascade;
    drop function if exists public.handle_new_user() cascade;`,
  "column-missing": "alter table public.profiles drop column if exists full_name",
  "trigger-missing": "drop trigger if exists on_auth_user_created on auth.users",
  "rls-disabled": "alter table public.profiles disable row level security",
};

export interface FaultHooks {
  /** Stops the backend (fault backend-down). */
  stopBackend(): Promise<void>;
  /** Starts the backend again on its port. */
  startBackend(): Promise<void>;
}

/**
 * Switches faults on and off. HTTP faults are flags the parts read per
 * request; database faults change the schema for real, and clearing one
 * restores the app schema from supabase/migrations, then re-applies any
 * database fault that is still on.
 */
export class FaultController {
  readonly #state: FaultState;
  readonly #dbUrl: string;
  readonly #hooks: FaultHooks;
  readonly #migrationsDir: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(state: FaultState, dbUrl: string, migrationsDir: string, hooks: FaultHooks) {
    this.#state = state;
    this.#dbUrl = dbUrl;
    this.#migrationsDir = migrationsDir;
    this.#hooks = hooks;
  }

  list() {
    return this.#state.list();
  }

  available() {
    return FAULT_NAMES;
  }

  /** `spec` is `name` or `name=value`. Changes are serialised. */
  set(spec: string): Promise<void> {
    const { name, value } = parseFaultSpec(spec);
    return this.#serial(async () => {
      const wasOn = this.#state.on(name);
      this.#state.set(name, name === "backend-latency" ? (value ?? DEFAULT_LATENCY_MS) : value);
      if (wasOn) return;
      const sql = DATABASE_FAULTS[name];
      if (sql) await this.#sql(sql);
      if (name === "backend-down") await this.#hooks.stopBackend();
    });
  }

  clear(name: FaultName): Promise<void> {
    return this.#serial(async () => {
      if (!this.#state.on(name)) return;
      this.#state.clear(name);
      if (DATABASE_FAULTS[name]) await this.#restoreSchema();
      if (name === "backend-down") await this.#hooks.startBackend();
    });
  }

  async clearAll(): Promise<void> {
    for (const { name } of this.#state.list()) await this.clear(name);
  }

  async #restoreSchema(): Promise<void> {
    const client = new pg.Client(this.#dbUrl);
    await client.connect();
    try {
      await resetPublicSchema(client);
      await applyMigrations(client, this.#migrationsDir);
      for (const { name } of this.#state.list()) {
        const sql = DATABASE_FAULTS[name];
        if (sql) await client.query(sql);
      }
    } finally {
      await client.end();
    }
  }

  async #sql(sql: string): Promise<void> {
    const client = new pg.Client(this.#dbUrl);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => {});
    return next;
  }
}
