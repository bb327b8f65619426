import { randomBytes } from "node:crypto";

// The platform credentials a stack hands out, new on every boot, each shaped
// like the platform's own so a client's format checks pass.
export interface PlatformSecrets {
  /** A Vercel access token (24 alphanumerics). */
  vercelToken: string;
  /** Protection Bypass for Automation secret (32 alphanumerics). */
  vercelProtectionBypass: string;
  /** The secret that replaced it when fault vercel-protection is on. */
  vercelRotatedBypass: string;
  vercelWebhookSecret: string;
  /** A Render API key (`rnd_` + 32 alphanumerics). */
  renderApiKey: string;
  /** A Standard Webhooks secret: `whsec_` + base64. */
  renderWebhookSecret: string;
  /** A Supabase personal access token: `sbp_` + 40 hex. */
  supabaseAccessToken: string;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function alphanumeric(length: number): string {
  // 248 is the largest multiple of 62 below 256: no modulo bias.
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

export function makePlatformSecrets(): PlatformSecrets {
  return {
    vercelToken: alphanumeric(24),
    vercelProtectionBypass: alphanumeric(32),
    vercelRotatedBypass: alphanumeric(32),
    vercelWebhookSecret: alphanumeric(24),
    renderApiKey: `rnd_${alphanumeric(32)}`,
    renderWebhookSecret: `whsec_${randomBytes(24).toString("base64")}`,
    supabaseAccessToken: `sbp_${randomBytes(20).toString("hex")}`,
  };
}

/** Whether `authorization` is `Bearer <token>` (constant-time enough for loopback stand-ins). */
export function hasBearer(authorization: string | undefined, token: string): boolean {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] === token;
}
