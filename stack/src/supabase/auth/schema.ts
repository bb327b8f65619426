import type pg from "pg";

/**
 * GoTrue owns and migrates the auth schema. The project's shape lacks one
 * table this API needs to know how each session was authenticated (the `amr`
 * claim), so it is added here exactly as GoTrue's migrations lay it out.
 */
export async function ensureAuthTables(pool: pg.Pool): Promise<void> {
  await pool.query(`
    create table if not exists auth.mfa_amr_claims (
      session_id uuid not null references auth.sessions (id) on delete cascade,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      authentication_method text not null,
      id uuid not null primary key,
      constraint mfa_amr_claims_session_id_authentication_method_pkey
        unique (session_id, authentication_method)
    )`);
}
