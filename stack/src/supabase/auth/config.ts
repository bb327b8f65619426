/**
 * The settings of a hosted Supabase project, as the stand-in's Auth API
 * applies them ("Confirm email" and the OTP lifetime are per project: context.ts). Values follow GoTrue's defaults or, where
 * hosted Supabase overrides them, the hosted defaults.
 */
export const AUTH = {
  /** Reported by /health; marks the server as the reference stack's stand-in. */
  version: "v2.180.0-reference-stack",
  aud: "authenticated",
  role: "authenticated",
  adminRoles: ["service_role", "supabase_admin"],
  jwtExpirySeconds: 3600,
  passwordMinLength: 6,
  /** bcrypt ignores bytes past 72, so GoTrue refuses longer passwords. */
  passwordMaxLength: 72,
  /** GoTrue's bcrypt.DefaultCost. */
  bcryptCost: 10,
  /** A revoked refresh token may still be exchanged this long after its rotation. */
  refreshTokenReuseIntervalSeconds: 10,
  /** Hosted default for email links and codes (GoTrue's own default is a day). */
  emailOtpExpirySeconds: 3600,
  emailOtpLength: 6,
  /** Minimum gap between two emails of one kind to one user (SMTP max frequency). */
  emailMaxFrequencySeconds: 60,
  nilUuid: "00000000-0000-0000-0000-000000000000",
} as const;
