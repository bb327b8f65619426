import type pg from "pg";
import type { FaultSwitches } from "../faults.ts";
import type { CustomTemplates } from "./auth/templates.ts";
import type { ProjectKeys } from "./keys.ts";
import type { AuthMailer } from "./mailer.ts";
import type { SigningKey } from "./signing-key.ts";

/** What the Auth and Data API plugins share. */
export interface SupabaseContext {
  /** Superuser pool; the Data API switches role per request, Auth works as admin. */
  readonly pool: pg.Pool;
  readonly keys: ProjectKeys;
  /** What session access tokens are signed and verified with (HS256 secret or ES256 pair). */
  readonly signingKey: SigningKey;
  readonly faults: FaultSwitches;
  /** Base URL clients use, e.g. http://127.0.0.1:54321 (no trailing slash). */
  readonly publicUrl: string;
  /** Where auth emails point people (the frontend). */
  readonly siteUrl: string;
  readonly mailer: AuthMailer;
  readonly email: EmailSettings;
}

/** GoTrue's mailer settings for this project (GOTRUE_MAILER_AUTOCONFIRM, GOTRUE_MAILER_OTP_EXP). */
export interface EmailSettings {
  /** True: sign-ups are confirmed at once ("Confirm email" off, the stand-in's default). */
  readonly autoconfirm: boolean;
  /** How long emailed links and codes stay valid. */
  readonly otpExpirySeconds: number;
  /** The project's own email templates (STACK_AUTH_TEMPLATES), by Supabase's template name. */
  readonly templates?: CustomTemplates;
}

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The bearer token the API sees after the gateway's key mapping
     * (`sb_…` keys replaced by their JWTs); undefined when none was sent.
     */
    supabaseBearer: string | undefined;
  }
}
