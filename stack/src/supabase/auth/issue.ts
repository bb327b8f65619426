import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { signAccessToken } from "./access-token.ts";
import type { Db } from "./db.ts";
import { identitiesOf } from "./identities.ts";
import { grantRefreshToken } from "./refresh-tokens.ts";
import { type AuthMethod, createSession, type SessionRow, sessionAmr } from "./sessions.ts";
import { type UserJson, userJson } from "./user-json.ts";
import { type UserRow, updateUser } from "./users.ts";

/** GoTrue's AccessTokenResponse. */
export interface SessionResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: UserJson;
}

/** Signs the user in: a new session with its first refresh token (GoTrue's IssueRefreshToken). */
export async function issueSession(
  db: Db,
  context: SupabaseContext,
  request: FastifyRequest,
  user: UserRow,
  method: AuthMethod,
): Promise<SessionResponse> {
  const signedIn = await updateUser(db, user.id, { last_sign_in_at: new Date() });
  const session = await createSession(db, user.id, method, request);
  const refresh = await grantRefreshToken(db, user.id, session.id, null);
  return sessionResponse(db, context, signedIn, session, refresh.token);
}

export async function sessionResponse(
  db: Db,
  context: SupabaseContext,
  user: UserRow,
  session: SessionRow,
  refreshToken: string,
): Promise<SessionResponse> {
  const [amr, identities] = await Promise.all([
    sessionAmr(db, session.id),
    identitiesOf(db, user.id),
  ]);
  const { token, expiresAt } = await signAccessToken(context, user, {
    id: session.id,
    aal: session.aal,
    amr,
  });
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: expiresAt - Math.floor(Date.now() / 1000),
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user, identities),
  };
}
