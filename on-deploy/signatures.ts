// Whether a delivery comes from the platform it names: each platform's own
// signature scheme over the raw body, compared in constant time. Signing is
// here too, for the tests and for anyone sending a delivery by hand.
import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureVerdict =
  | { ok: true }
  | { ok: false; reason: "missing signature" | "bad signature" | "expired timestamp" };

// Vercel: `x-vercel-signature` is the hex HMAC-SHA1 of the raw body, keyed with
// the webhook's secret (https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks).
export function signVercel(body: Buffer | string, secret: string): string {
  return createHmac("sha1", secret).update(body).digest("hex");
}

export function verifyVercel(
  body: Buffer,
  header: string | undefined,
  secret: string,
): SignatureVerdict {
  const given = header?.trim();
  if (!given) return { ok: false, reason: "missing signature" };
  if (!/^[0-9a-f]{40}$/i.test(given)) return { ok: false, reason: "bad signature" };
  const expected = createHmac("sha1", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, "hex"))
    ? { ok: true }
    : { ok: false, reason: "bad signature" };
}

// Render signs as the Standard Webhooks spec says (https://render.com/docs/webhooks,
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
// `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries over
// `${webhook-id}.${webhook-timestamp}.${body}`, keyed with the base64 after `whsec_`;
// the timestamp (Unix seconds) within a tolerance (the reference library's 5 minutes) stops replays.
export const RENDER_TOLERANCE_SECONDS = 5 * 60;

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** The HMAC key of a Standard Webhooks secret (`whsec_<base64>`); undefined when it is not one. */
export function renderSecretKey(secret: string): Buffer | undefined {
  const encoded = secret.trim().replace(/^whsec_/, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, "base64");
  return key.length > 0 ? key : undefined;
}

export function signRender(
  body: Buffer | string,
  secret: string,
  id: string,
  timestampSeconds: number,
): string {
  const key = renderSecretKey(secret);
  if (!key) throw new Error("not a whsec_ secret");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSeconds}.`).update(body);
  return `v1,${mac.digest("base64")}`;
}

export function verifyRender(
  body: Buffer,
  headers: StandardWebhookHeaders,
  secret: string,
  nowMs: number = Date.now(),
  toleranceSeconds: number = RENDER_TOLERANCE_SECONDS,
): SignatureVerdict {
  const id = headers.id?.trim();
  const timestamp = headers.timestamp?.trim();
  const signature = headers.signature?.trim();
  if (!id || !timestamp || !signature) return { ok: false, reason: "missing signature" };
  const key = renderSecretKey(secret);
  if (!key || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad signature" };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds)
    return { ok: false, reason: "expired timestamp" };
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
  const matches = signature.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, reason: "bad signature" };
}
