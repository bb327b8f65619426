import pg from "pg";
import type { AppName } from "./apps.ts";
import {
  FAULT_DEFAULT_VALUES,
  FAULT_NAMES,
  type FaultName,
  type FaultState,
  parseFaultSpec,
} from "./faults.ts";
import { applyMigrations, resetMigratedSchemas } from "./supabase/database.ts";

const DROP_FULL_NAME = "alter table public.profiles drop column if exists full_name";
const DROP_TRIGGER = "drop trigger if exists on_auth_user_created on auth.users";
const DISABLE_TRIGGER = "alter table auth.users disable trigger on_auth_user_created";
const widen = (table: string, policy: string) => `
    drop policy "${policy}" on public.${table};
    create policy "${policy}" on public.${table} for select to authenticated using (true);`;
const withoutCascade = (table: string, column: string) => `
    alter table public.${table} drop constraint ${table}_${column}_fkey,
      add constraint ${table}_${column}_fkey foreign key (${column}) references auth.users (id);`;
const DROP_PROFILES = `
    drop table if exists public.profiles cascade;
    drop function if exists public.handle_new_user() cascade;`;

/** SQL that puts each database fault in place, per app shape. */
const DATABASE_FAULTS: Record<AppName, Partial<Record<FaultName, string>>> = {
  spa: {
    "schema-erased": DROP_PROFILES,
    "column-missing": DROP_FULL_NAME,
    "trigger-missing": DROP_TRIGGER,
    "rls-disabled": "alter table public.profiles disable row level security",
    "trigger-disabled": DISABLE_TRIGGER,
    "policy-widened": widen("profiles", "Profiles are viewable by their owner"),
    "grant-revoked": "revoke select on public.profiles from authenticated",
    "constraints-dropped": `
    alter table public.profiles drop constraint profiles_email_key,
      drop constraint profiles_full_name_length;${withoutCascade("profiles", "id")}`,
  },
  // ssr's profiles are public to read by design, so rls-disabled targets the
  // table whose privacy RLS alone keeps: public.notes (owner-only). Its schema
  // is both tables, so schema-erased drops notes too.
  ssr: {
    "schema-erased": `${DROP_PROFILES}
    drop table if exists public.notes cascade;`,
    "column-missing": DROP_FULL_NAME,
    "trigger-missing": DROP_TRIGGER,
    "rls-disabled": "alter table public.notes disable row level security",
    "trigger-disabled": DISABLE_TRIGGER,
    "policy-widened": widen("notes", "Users can view their own notes."),
    "grant-revoked": "revoke select on public.notes from authenticated",
    "constraints-dropped": `
    alter table public.profiles drop constraint profiles_username_key;${withoutCascade("notes", "user_id")}`,
  },
};

/** Faults that need the reference frontend or backend (register-500: or the reference app's sign-up). */
const APP_FAULTS: readonly FaultName[] = [
  "register-500",
  "backend-latency",
  "backend-down",
  "frontend-js-error",
  "cors-refused",
  "key-leaked",
  "render-cold-start",
  "render-deploying",
  "render-suspended",
  "vercel-function-timeout",
  "vercel-protection",
];

/** A fault this stack cannot put in place; the control API answers 409. */
export class FaultRefused extends Error {
  readonly statusCode = 409;
}

export interface FaultDatabase {
  url: string;
  /** What a schema restore runs again. */
  migrationsDir: string;
  /** The reference app whose schema the migrations build; unset for a team's own (STACK_MIGRATIONS). */
  referenceApp?: AppName;
}

export interface FaultHooks {
  /** Stops the backend (fault backend-down). */
  stopBackend(): Promise<void>;
  /** Starts the backend again on its port. */
  startBackend(): Promise<void>;
  /**
   * Fault render-deploying: a new Render deploy that goes live after
   * `seconds`; resolves true when it did, false when it was canceled.
   */
  startRenderDeploy(seconds: number): Promise<boolean>;
  /** The fault cleared before the deploy went live: the deploy is canceled. */
  cancelRenderDeploy(): void;
  /** Fault render-cold-start: the Render instance spins down until the next request. */
  spinDownRender(): void;
}

/**
 * Switches faults on and off. HTTP faults are flags the parts read per
 * request; database faults change the schema for real, and clearing one
 * restores the app schema from the app's migrations, then re-applies any
 * database fault that is still on. Faults that assume what this stack does
 * not run (the reference schema, frontend or backend) are refused.
 */
export class FaultController {
  readonly #state: FaultState;
  readonly #dbUrl: string;
  readonly #hooks: FaultHooks | undefined;
  readonly #migrationsDir: string;
  readonly #databaseFaults: Partial<Record<FaultName, string>>;
  readonly #refused: Partial<Record<FaultName, string>> = {};
  #queue: Promise<unknown> = Promise.resolve();

  /** `hooks` undefined: the reference frontend and backend are off. */
  constructor(state: FaultState, database: FaultDatabase, hooks?: FaultHooks) {
    this.#state = state;
    this.#dbUrl = database.url;
    this.#migrationsDir = database.migrationsDir;
    this.#databaseFaults = database.referenceApp ? DATABASE_FAULTS[database.referenceApp] : {};
    this.#hooks = hooks;
    if (!database.referenceApp) {
      for (const name of Object.keys(DATABASE_FAULTS.spa) as FaultName[])
        this.#refused[name] =
          `fault ${name} refused: it changes the reference app's schema, but this stack runs the migrations in ${database.migrationsDir}`;
    }
    if (!hooks) {
      for (const name of APP_FAULTS)
        this.#refused[name] =
          `fault ${name} refused: it acts on the reference frontend or backend, which this stack does not run`;
    }
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
    const refused = this.#refused[name];
    if (refused) return Promise.reject(new FaultRefused(refused));
    return this.#serial(async () => {
      const wasOn = this.#state.on(name);
      this.#state.set(name, value ?? FAULT_DEFAULT_VALUES[name]);
      if (wasOn) return;
      const sql = this.#databaseFaults[name];
      if (sql) await this.#sql(sql);
      if (name === "backend-down") await this.#hooks?.stopBackend();
      if (name === "render-cold-start") this.#hooks?.spinDownRender();
      if (name === "render-deploying") this.#deploy(this.#state.value(name) ?? 0);
    });
  }

  clear(name: FaultName): Promise<void> {
    return this.#serial(async () => {
      if (!this.#state.on(name)) return;
      this.#state.clear(name);
      if (this.#databaseFaults[name]) await this.#restoreSchema();
      if (name === "backend-down") await this.#hooks?.startBackend();
      if (name === "render-deploying") this.#hooks?.cancelRenderDeploy();
    });
  }

  async clearAll(): Promise<void> {
    for (const { name } of this.#state.list()) await this.clear(name);
  }

  /** The deploy that went live switches its fault off, as a finished deploy ends. */
  #deploy(seconds: number): void {
    void this.#hooks?.startRenderDeploy(seconds).then((live) => {
      if (live) void this.#serial(async () => this.#state.clear("render-deploying"));
    });
  }

  async #restoreSchema(): Promise<void> {
    const client = new pg.Client(this.#dbUrl);
    await client.connect();
    try {
      await resetMigratedSchemas(client);
      await applyMigrations(client, this.#migrationsDir);
      for (const { name } of this.#state.list()) {
        const sql = this.#databaseFaults[name];
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
