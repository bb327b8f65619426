import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { AuthError, badRequest } from "../errors.ts";
import { tokenHash } from "../mail.ts";
import { flowMethodOf, issueAuthCode, PKCE_PREFIX } from "../pkce.ts";
import { referrer } from "../redirect.ts";
import { validateEmail } from "../validate.ts";
import {
  applyVerification,
  completeVerification,
  userForEmailCode,
  userForTokenHash,
} from "../verification.ts";

const VerifyBody = z.object({
  type: text(),
  token: text(),
  token_hash: text(),
  email: text(),
  phone: text(),
  redirect_to: text(),
});

/** The OAuth error names GoTrue puts in error redirects, by status. */
const OAUTH_ERRORS: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized_client",
  403: "access_denied",
  500: "server_error",
  503: "temporarily_unavailable",
};

/** Go's url.QueryEscape, so fragments read exactly as GoTrue writes them. */
const goEscape = (value: string) =>
  encodeURIComponent(value)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");

/** Go's url.Values.Encode: keys sorted. */
const goEncode = (values: Record<string, string>) =>
  Object.keys(values)
    .sort()
    .map((key) => `${goEscape(key)}=${goEscape(values[key] ?? "")}`)
    .join("&");

const withFragment = (url: string, fragment: Record<string, string>) =>
  `${url.split("#")[0]}#${goEncode(fragment)}`;

/** The URL with these query parameters set (Go's u.Query(), Set, Encode: keys sorted, fragment kept). */
function withQuery(url: string, values: Record<string, string>): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  const query = new Map<string, string[]>();
  for (const [key, value] of parsed.searchParams)
    query.set(key, [...(query.get(key) ?? []), value]);
  for (const [key, value] of Object.entries(values)) query.set(key, [value]);
  parsed.search = [...query.keys()]
    .sort()
    .flatMap((key) => (query.get(key) ?? []).map((value) => `${goEscape(key)}=${goEscape(value)}`))
    .join("&");
  return parsed.href;
}

/** GET /verify (links in emails, answered with redirects) and POST /verify (codes, JSON). */
export function verifyRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.get("/verify", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const type = query.type ?? "";
    const token = query.token ?? "";
    if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
    if (!token) throw badRequest("validation_failed", "Verify requires a token or a token hash");
    const redirectTo = referrer(request, context);
    // A link from a PKCE request: the redirect carries an auth code for the app to exchange.
    const pkce = token.startsWith(PKCE_PREFIX);
    try {
      if (pkce) {
        const code = await inTransaction(context.pool, async (client) => {
          const user = await userForTokenHash(client, context, type, token);
          const applied = await applyVerification(client, type, user, token);
          return issueAuthCode(client, applied.user.id, flowMethodOf(applied.type));
        });
        return reply.redirect(withQuery(redirectTo, { code }), 303);
      }
      const verified = await inTransaction(context.pool, async (client) => {
        const user = await userForTokenHash(client, context, type, token);
        return completeVerification(client, context, request, type, user, token);
      });
      const { session } = verified;
      return reply.redirect(
        withFragment(redirectTo, {
          access_token: session.access_token,
          token_type: session.token_type,
          expires_in: String(session.expires_in),
          expires_at: String(session.expires_at),
          refresh_token: session.refresh_token,
          type: verified.type,
          sb: "",
        }),
        303,
      );
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const fragment: Record<string, string> = {
        error_code: error.code,
        error_description: error.message,
        sb: "",
      };
      const oauthError = OAUTH_ERRORS[error.status];
      if (oauthError) fragment.error = oauthError;
      // GoTrue's prepErrorRedirectURL: a PKCE flow gets the error in the query too (no "sb" there).
      const { sb: _, ...query } = fragment;
      const target = pkce ? withQuery(redirectTo, query) : redirectTo;
      return reply.redirect(withFragment(target, fragment), 303);
    }
  });

  app.post("/verify", async (request, reply) => {
    const body = readBody(request, VerifyBody);
    const type = body.type ?? "";
    const token = body.token ?? "";
    const hash = body.token_hash ?? "";
    if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
    if ((token === "" && hash === "") || (token !== "" && hash !== "")) {
      throw badRequest("validation_failed", "Verify requires either a token or a token hash");
    }
    if (hash !== "" && (body.email || body.phone || body.redirect_to)) {
      throw badRequest("validation_failed", "Only the token_hash and type should be provided");
    }
    if (token !== "" && (body.phone || !body.email)) {
      throw badRequest(
        "validation_failed",
        "Only an email address or phone number should be provided on verify",
      );
    }
    const email = token !== "" ? emailOf(body.email ?? "") : "";
    const { session } = await inTransaction(context.pool, async (client) => {
      const effectiveHash = hash || tokenHash(email, token);
      const user = hash
        ? await userForTokenHash(client, context, type, hash)
        : await userForEmailCode(client, context, type, email, effectiveHash);
      return completeVerification(client, context, request, type, user, effectiveHash);
    });
    return reply.send(session);
  });
}

function emailOf(raw: string): string {
  try {
    return validateEmail(raw);
  } catch {
    throw new AuthError(422, "validation_failed", "Invalid email format");
  }
}
