import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { AUTH } from "./config.ts";
import { CommitThenThrow, inTransactionCommitting } from "./db.ts";
import { badRequest, OAuthError } from "./errors.ts";
import { isBanned, isUuid } from "./guard.ts";
import { type SessionResponse, sessionResponse } from "./issue.ts";
import {
  activeRefreshToken,
  findRefreshToken,
  grantRefreshToken,
  revokeRefreshToken,
  revokeSessionTokens,
} from "./refresh-tokens.ts";
import { findSession, touchSession } from "./sessions.ts";
import { findUserById } from "./users.ts";

const notFound = () =>
  badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");

/**
 * GoTrue's refresh_token grant for legacy tokens: the token is revoked and a
 * child issued. A revoked token is still honoured when it is the parent of the
 * session's current token (the client lost the last answer: the current
 * token is returned) or within the reuse interval; otherwise every token of
 * the session is revoked and the answer is refresh_token_already_used.
 */
export async function refreshSession(
  context: SupabaseContext,
  request: FastifyRequest,
  presented: string,
): Promise<SessionResponse> {
  if (presented === "") throw new OAuthError("invalid_request", "refresh_token required");
  if (presented.length !== 12) throw notFound();

  return inTransactionCommitting(context.pool, async (client) => {
    const token = await findRefreshToken(client, presented);
    if (!token) throw notFound();
    const user = isUuid(token.user_id) ? await findUserById(client, token.user_id) : undefined;
    if (!user) throw notFound();
    if (isBanned(user)) throw badRequest("user_banned", "Invalid Refresh Token: User Banned");
    const session = token.session_id ? await findSession(client, token.session_id) : undefined;
    if (!session) {
      throw badRequest("session_not_found", "Invalid Refresh Token: No Valid Session Found");
    }

    let issued: string | undefined;
    if (token.revoked) {
      const active = await activeRefreshToken(client, session.id);
      if (active && active.parent === token.token) {
        issued = active.token;
      } else {
        const reuseUntil =
          token.updated_at.getTime() + AUTH.refreshTokenReuseIntervalSeconds * 1000;
        if (Date.now() > reuseUntil) {
          await revokeSessionTokens(client, session.id);
          return new CommitThenThrow(
            badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used"),
          );
        }
      }
    }
    if (!issued) {
      await revokeRefreshToken(client, token.id);
      issued = (await grantRefreshToken(client, user.id, session.id, token.token)).token;
    }
    await touchSession(client, session.id, request);
    return sessionResponse(client, context, user, session, issued);
  });
}
