// The PKCE flow of emailed links, as GoTrue runs it (internal/api/pkce.go,
// internal/models/flow_state.go, internal/security/pkce.go): a request that
// carries a code_challenge (what @supabase/ssr and supabase-js with
// flowType "pkce" send) stores a flow state and mails a token prefixed
// "pkce_"; following the link redirects with `?code=<auth code>` instead of a
// session in the fragment; POST /token?grant_type=pkce trades the code and
// the verifier for the session.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import type { Db } from "./db.ts";
import { inTransaction } from "./db.ts";
import { badRequest, notFound, unprocessable } from "./errors.ts";
import { issueSession, type SessionResponse } from "./issue.ts";
import type { AuthMethod } from "./sessions.ts";
import { findUserById } from "./users.ts";

export const PKCE_PREFIX = "pkce_";

export interface PkceChallenge {
  challenge: string;
  method: "s256" | "plain";
}

const CHALLENGE = /^[a-zA-Z._~0-9-]+$/;

/** GoTrue's validatePKCEParams and ParseCodeChallengeMethod; undefined for the implicit flow. */
export function pkceParams(body: {
  code_challenge?: string | null | undefined;
  code_challenge_method?: string | null | undefined;
}): PkceChallenge | undefined {
  const challenge = body.code_challenge ?? "";
  const method = body.code_challenge_method ?? "";
  if ((challenge === "") !== (method === "")) {
    throw badRequest(
      "validation_failed",
      "PKCE flow requires code_challenge_method and code_challenge",
    );
  }
  if (challenge === "") return undefined;
  if (challenge.length < 43 || challenge.length > 128) {
    throw badRequest("validation_failed", "code challenge has to be between 43 and 128 characters");
  }
  if (!CHALLENGE.test(challenge)) {
    throw badRequest(
      "validation_failed",
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
    );
  }
  const lower = method.toLowerCase();
  if (lower !== "s256" && lower !== "plain") {
    // GoTrue's NewFlowState error surfaces as an internal error; the client never sends another.
    throw badRequest("validation_failed", `unsupported code_challenge method "${method}"`);
  }
  return { challenge, method: lower };
}

/** The authentication method a flow state is kept under, by the kind of mail (models.AuthenticationMethod). */
export type FlowMethod = Extract<AuthMethod, "email/signup" | "recovery" | "magiclink">;

/** GoTrue's generateFlowState for an emailed link. */
export async function createFlowState(
  db: Db,
  userId: string,
  method: FlowMethod,
  pkce: PkceChallenge,
): Promise<void> {
  const provider = method === "email/signup" ? "email" : method;
  await db.query(
    `insert into auth.flow_state
       (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
        authentication_method, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, now(), now())`,
    [randomUUID(), userId, randomUUID(), pkce.method, pkce.challenge, provider, method],
  );
}

/** models.ParseAuthenticationMethod for the verification types a link carries. */
export function flowMethodOf(type: string): FlowMethod {
  if (type.endsWith("signup") || type === "email") return "email/signup";
  if (type === "recovery") return "recovery";
  if (type === "magiclink") return "magiclink";
  throw badRequest("validation_failed", `unsupported authentication method "${type}"`);
}

/** GoTrue's issueAuthCode: the newest flow state of the user for that method gets its code issued. */
export async function issueAuthCode(db: Db, userId: string, method: FlowMethod): Promise<string> {
  const { rows } = await db.query<{ id: string; auth_code: string | null }>(
    `select id, auth_code from auth.flow_state
     where user_id = $1 and authentication_method = $2
     order by created_at desc limit 1`,
    [userId, method],
  );
  const state = rows[0];
  if (!state) {
    throw badRequest(
      "flow_state_not_found",
      "No associated flow state found. No valid flow state found for user.",
    );
  }
  if (!state.auth_code) {
    throw badRequest(
      "flow_state_not_found",
      "No associated flow state found. Flow state does not have an auth code (not a PKCE flow).",
    );
  }
  await db.query("update auth.flow_state set auth_code_issued_at = now() where id = $1", [
    state.id,
  ]);
  return state.auth_code;
}

/** How long a flow state is good for (GoTrue's FlowStateExpiryDuration default). */
const FLOW_STATE_EXPIRY_MS = 300_000;

interface FlowStateRow {
  id: string;
  user_id: string | null;
  code_challenge: string;
  code_challenge_method: string;
  authentication_method: string;
  created_at: Date;
  auth_code_issued_at: Date | null;
}

/** POST /token?grant_type=pkce: GoTrue's PKCE grant. */
export async function pkceGrant(
  context: SupabaseContext,
  request: FastifyRequest,
  body: { auth_code?: string | null | undefined; code_verifier?: string | null | undefined },
): Promise<SessionResponse> {
  const authCode = body.auth_code ?? "";
  const verifier = body.code_verifier ?? "";
  if (authCode === "" || verifier === "") {
    throw badRequest(
      "validation_failed",
      "invalid request: both auth code and code verifier should be non-empty",
    );
  }
  return inTransaction(context.pool, async (client) => {
    const { rows } = await client.query<FlowStateRow>(
      `select id, user_id, code_challenge, code_challenge_method::text as code_challenge_method,
              authentication_method, created_at, auth_code_issued_at
       from auth.flow_state where auth_code = $1 for update`,
      [authCode],
    );
    const state = rows[0];
    if (!state?.user_id) {
      throw notFound("flow_state_not_found", "invalid flow state, no valid flow state found");
    }
    const from =
      state.auth_code_issued_at && state.authentication_method === "magiclink"
        ? state.auth_code_issued_at
        : state.created_at;
    if (Date.now() > from.getTime() + FLOW_STATE_EXPIRY_MS) {
      throw unprocessable("flow_state_expired", "invalid flow state, flow state has expired");
    }
    const user = await findUserById(client, state.user_id);
    if (!user) throw notFound("user_not_found", "User not found");
    if (!challengeMatches(state, verifier)) {
      throw badRequest(
        "bad_code_verifier",
        "code challenge does not match previously saved code verifier",
      );
    }
    const session = await issueSession(
      client,
      context,
      request,
      user,
      flowMethodOf(state.authentication_method),
    );
    await client.query("delete from auth.flow_state where id = $1", [state.id]);
    return session;
  });
}

function challengeMatches(state: FlowStateRow, verifier: string): boolean {
  const expected = Buffer.from(state.code_challenge);
  const actual = Buffer.from(
    state.code_challenge_method === "s256"
      ? createHash("sha256").update(verifier).digest("base64url")
      : verifier,
  );
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
