import pg from "pg";
import type { FaultName, FaultSwitches } from "../faults.ts";
import { type RunningPostgres, startPostgres } from "../postgres.ts";
import type { RunningServer } from "../running.ts";
import type { CustomTemplates } from "./auth/templates.ts";
import { applyMigrations, applySupabaseShape, MIGRATIONS_DIR } from "./database.ts";
import { startSupabase } from "./index.ts";
import { makeProjectKeys, newJwtSecret, type ProjectKeys } from "./keys.ts";
import { DEFAULT_JWT_ALG, type JwtAlg, makeSigningKey, type SigningKey } from "./signing-key.ts";

export interface SupabaseProjectOptions {
  host?: string;
  /** API port (Supabase CLI default 54321); 0 picks a free one. */
  apiPort?: number;
  /** Database port (Supabase CLI default 54322); 0 picks a free one. */
  dbPort?: number;
  jwtSecret?: string;
  /** How session access tokens are signed (signing-key.ts); default HS256. */
  jwtAlg?: JwtAlg;
  faults: FaultSwitches;
  siteUrl: string;
  smtpUrl: string;
  migrationsDir?: string;
  signupFault?: FaultName;
  /** Sign-ups wait for an emailed confirmation; default off (autoconfirm). */
  confirmEmail?: boolean;
  otpExpirySeconds?: number;
  /** The project's own email templates (loadAuthTemplates). */
  templates?: CustomTemplates;
  onLog?: (line: string) => void;
}

export interface SupabaseProject {
  readonly api: RunningServer;
  readonly postgres: RunningPostgres;
  readonly keys: ProjectKeys;
  readonly signingKey: SigningKey;
  readonly bootMs: { postgres: number; schema: number; api: number };
  close(): Promise<void>;
}

/** A whole stand-in project: Postgres with Supabase's shape and the app's migrations, plus its APIs. */
export async function startSupabaseProject(
  options: SupabaseProjectOptions,
): Promise<SupabaseProject> {
  const host = options.host ?? "127.0.0.1";
  const t0 = performance.now();
  const jwtSecret = options.jwtSecret ?? newJwtSecret();
  const [postgres, keys, signingKey] = await Promise.all([
    startPostgres({ host, port: options.dbPort ?? 0, onLog: options.onLog }),
    makeProjectKeys(jwtSecret),
    makeSigningKey(options.jwtAlg ?? DEFAULT_JWT_ALG, jwtSecret),
  ]);
  const t1 = performance.now();
  try {
    const client = new pg.Client(postgres.url);
    await client.connect();
    try {
      await applySupabaseShape(client);
      await applyMigrations(client, options.migrationsDir ?? MIGRATIONS_DIR);
    } finally {
      await client.end();
    }
    const t2 = performance.now();
    const api = await startSupabase({
      host,
      port: options.apiPort ?? 0,
      dbUrl: postgres.url,
      keys,
      signingKey,
      faults: options.faults,
      siteUrl: options.siteUrl,
      smtpUrl: options.smtpUrl,
      signupFault: options.signupFault,
      confirmEmail: options.confirmEmail,
      otpExpirySeconds: options.otpExpirySeconds,
      templates: options.templates,
    });
    const t3 = performance.now();
    return {
      api,
      postgres,
      keys,
      signingKey,
      bootMs: { postgres: t1 - t0, schema: t2 - t1, api: t3 - t2 },
      async close() {
        await api.close().catch(() => {});
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
