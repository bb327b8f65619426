import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { confirmEmail, storePassword } from "../accounts.ts";
import { flag, readBody } from "../body.ts";
import { type Db, inTransaction } from "../db.ts";
import { AuthError, internalError, notFound } from "../errors.ts";
import { isUuid, requireAdmin } from "../guard.ts";
import {
  claimsData,
  findIdentity,
  identitiesOf,
  insertIdentity,
  updateIdentityData,
} from "../identities.ts";
import { hashPassword } from "../passwords.ts";
import { endAllSessions } from "../sessions.ts";
import { userJson } from "../user-json.ts";
import { deleteUser, findUserById, mergeMetadata, type UserRow, updateUser } from "../users.ts";
import { checkPasswordStrength, validateEmail, validatePhone } from "../validate.ts";
import { AdminUserBody, type AdminUserParams, banUntil } from "./admin-params.ts";

const DeleteBody = z.object({ should_soft_delete: flag() });

/** GoTrue's loadUser: 404 validation_failed for a non-UUID, 404 user_not_found when absent. */
async function loadUser(request: FastifyRequest, context: SupabaseContext): Promise<UserRow> {
  await requireAdmin(request, context);
  const { id } = request.params as { id: string };
  if (!isUuid(id)) throw notFound("validation_failed", "user_id must be an UUID");
  const user = await findUserById(context.pool, id);
  if (!user) throw notFound("user_not_found", "User not found");
  return user;
}

/** GET, PUT and DELETE /admin/users/{id}. */
export function adminUserRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.get("/admin/users/:id", async (request, reply) => {
    const user = await loadUser(request, context);
    return reply.send(userJson(user, await identitiesOf(context.pool, user.id)));
  });

  app.put("/admin/users/:id", async (request, reply) => {
    const user = await loadUser(request, context);
    const params = readBody(request, AdminUserBody);
    return reply.send(await adminUpdate(context, user, params));
  });

  app.delete("/admin/users/:id", async (request, reply) => {
    const user = await loadUser(request, context);
    const { should_soft_delete } = readBody(request, DeleteBody, { optional: true });
    try {
      await inTransaction(context.pool, async (client) => {
        if (!should_soft_delete) await deleteUser(client, user.id);
        else if (!user.deleted_at) await softDelete(client, user);
      });
    } catch (error) {
      throw internalError("Database error deleting user", error);
    }
    return reply.send({});
  });
}

async function adminUpdate(context: SupabaseContext, user: UserRow, params: AdminUserParams) {
  const email = params.email ? validateEmail(params.email) : "";
  const phone = params.phone ? validatePhone(params.phone) : "";
  const bannedUntil = banUntil(params.ban_duration);
  let hash: string | undefined;
  if (typeof params.password === "string") {
    checkPasswordStrength(params.password);
    hash = await hashPassword(params.password);
  }

  try {
    return await inTransaction(context.pool, async (client) => {
      let current = user;
      if (params.role) current = await updateUser(client, current.id, { role: params.role });
      if (params.email_confirm) current = await confirmEmail(client, current);
      if (params.phone_confirm) {
        current = await updateUser(client, current.id, { phone_confirmed_at: new Date() });
      }
      if (hash !== undefined) current = await storePassword(client, current, hash, undefined);
      if (email) {
        await upsertIdentity(client, current.id, "email", {
          email,
          email_verified: params.email_confirm ?? false,
        });
        current = await updateUser(client, current.id, { email });
      }
      if (phone) {
        await upsertIdentity(client, current.id, "phone", {
          phone,
          phone_verified: params.phone_confirm ?? false,
        });
        current = await updateUser(client, current.id, { phone });
      }
      if (params.app_metadata) {
        current = await updateUser(client, current.id, {
          raw_app_meta_data: mergeMetadata(current.raw_app_meta_data, params.app_metadata),
        });
      }
      if (params.user_metadata) {
        current = await updateUser(client, current.id, {
          raw_user_meta_data: mergeMetadata(current.raw_user_meta_data, params.user_metadata),
        });
      }
      if (bannedUntil !== undefined) {
        current = await updateUser(client, current.id, { banned_until: bannedUntil });
      }
      return userJson(current, await identitiesOf(client, current.id));
    });
  } catch (error) {
    if (error instanceof AuthError) throw error;
    // Includes an address another user holds: GoTrue has no check here, the unique index refuses.
    throw internalError("Error updating user", error);
  }
}

async function upsertIdentity(
  db: Db,
  userId: string,
  provider: "email" | "phone",
  data: Record<string, unknown>,
): Promise<void> {
  const identity = await findIdentity(db, userId, provider);
  if (identity) {
    await updateIdentityData(db, identity, data);
    return;
  }
  await insertIdentity(db, {
    userId,
    provider,
    providerId: userId,
    data: claimsData({
      sub: userId,
      email: typeof data.email === "string" ? data.email : undefined,
      phone: typeof data.phone === "string" ? data.phone : undefined,
      emailVerified: data.email_verified === true,
      phoneVerified: data.phone_verified === true,
    }),
  });
}

const obfuscate = (userId: string, value: string) =>
  createHash("sha256")
    .update(userId + value)
    .digest("base64url");

/** GoTrue's soft delete: identifying data hashed away, metadata emptied, sessions ended. */
async function softDelete(db: Db, user: UserRow): Promise<void> {
  await updateUser(db, user.id, {
    email: obfuscate(user.id, user.email ?? ""),
    phone: obfuscate(user.id, user.phone ?? "").slice(0, 15),
    email_change: obfuscate(user.id, user.email_change ?? ""),
    phone_change: obfuscate(user.id, user.phone_change ?? "").slice(0, 15),
    encrypted_password: null,
    confirmation_token: "",
    recovery_token: "",
    email_change_token_current: "",
    email_change_token_new: "",
    phone_change_token: "",
    deleted_at: new Date(),
    raw_user_meta_data: {},
    raw_app_meta_data: {},
  });
  for (const identity of await identitiesOf(db, user.id)) {
    await db.query(
      "update auth.identities set identity_data = '{}'::jsonb, provider_id = $2, updated_at = now() where id = $1",
      [identity.id, obfuscate(identity.user_id, `${identity.provider}:${identity.provider_id}`)],
    );
  }
  await endAllSessions(db, user.id);
}
