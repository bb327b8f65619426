// The platform room's front door: access to Vercel's, Render's and Supabase's
// own APIs (optional, each behind its token), their clients, and the snapshot
// a run takes of them, the probes of the target itself, and what a failed
// request shows. Code outside platform/ imports from here only.

export { type CollectOptions, collectPlatform, type PlatformCollection } from "./collect.ts";
export * from "./correlation.ts";
export {
  accessTokens,
  DEFAULT_API_URLS,
  DEFAULT_PLATFORM_TIMEOUT_MS,
  PLATFORM_TOKEN_VARIABLES,
  PLATFORM_VARIABLES,
  type PlatformAccess,
  PlatformConfigError,
  parsePlatformEnv,
  type RenderAccess,
  type SupabaseAccess,
  type VercelAccess,
} from "./env.ts";
export { type ApiFailure, PlatformApiError } from "./http.ts";
export * from "./observation.ts";
export {
  type CertificateCheck,
  type CertificateFailure,
  type CertificateOptions,
  type FirstRequestOptions,
  probeCertificates,
  probeFirstRequest,
  readCertificates,
} from "./probe.ts";
export { RenderClient } from "./render.ts";
export * from "./signatures.ts";
export * from "./snapshot.ts";
export {
  SUPABASE_HEALTH_SERVICES,
  type SupabaseHealthService,
  SupabaseManagementClient,
  type SupabaseProject,
} from "./supabase.ts";
export * from "./types.ts";
export {
  type CheckUpdate,
  deploymentKey,
  markSuperseded,
  type NewCheck,
  type VercelCheck,
  VercelClient,
} from "./vercel.ts";
