import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { SupabaseContext } from "../../context.ts";
import { confirmEmail } from "../accounts.ts";
import { readBody } from "../body.ts";
import { AUTH } from "../config.ts";
import { inTransaction } from "../db.ts";
import { AuthError, badRequest, internalError, unprocessable } from "../errors.ts";
import { isUuid, requestAud, requireAdmin } from "../guard.ts";
import { claimsData, identitiesOf, insertIdentity } from "../identities.ts";
import { hashPassword, isBcryptHash } from "../passwords.ts";
import { userJson } from "../user-json.ts";
import {
  emailTaken,
  insertUser,
  listUsers,
  mergeMetadata,
  phoneTaken,
  updateUser,
} from "../users.ts";
import { validateEmail, validatePhone } from "../validate.ts";
import { AdminUserBody, type AdminUserParams, banUntil } from "./admin-params.ts";

const DEFAULT_PER_PAGE = 50;

/** GET /admin/users (paged, newest first) and POST /admin/users. */
export function adminUsersRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.get("/admin/users", async (request, reply) => {
    const claims = await requireAdmin(request, context);
    const query = request.query as Record<string, string | undefined>;
    const ascending = sortAscending(query.sort);
    const page = pageNumber(query.page, 1);
    const perPage = pageNumber(query.per_page, DEFAULT_PER_PAGE);
    if (perPage === 0) {
      throw badRequest("validation_failed", "Bad Pagination Parameters: per_page must be positive");
    }
    const aud = requestAud(request, claims);
    const result = await listUsers(context.pool, {
      aud,
      filter: query.filter ?? "",
      ascending,
      limit: perPage,
      offset: (page - 1) * perPage,
    });
    reply.header("Link", paginationLink(request, page, perPage, result.total));
    reply.header("X-Total-Count", String(result.total));
    // GoTrue does not load identities for the list.
    return reply.send({ users: result.users.map((user) => userJson(user, null)), aud });
  });

  app.post("/admin/users", async (request, reply) => {
    await requireAdmin(request, context);
    const params = readBody(request, AdminUserBody);
    const user = await createUser(request, context, params);
    return reply.send(user);
  });
}

function pageNumber(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) {
    throw badRequest(
      "validation_failed",
      `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`,
    );
  }
  const value = Number(raw);
  // Page 0 is read as page 1, as GoTrue's ORM does.
  return fallback === 1 ? Math.max(value, 1) : value;
}

function sortAscending(sort: string | undefined): boolean {
  if (!sort) return false;
  const [field, direction = "desc"] = sort.split(" ", 2);
  if (field !== "created_at") {
    throw badRequest("validation_failed", `Bad Sort Parameters: bad field for sort '${field}'`);
  }
  if (!["asc", "desc"].includes(direction.toLowerCase())) {
    throw badRequest(
      "validation_failed",
      `Bad Sort Parameters: bad direction for sort '${direction}', only 'asc' and 'desc' allowed`,
    );
  }
  return direction.toLowerCase() === "asc";
}

/**
 * GoTrue's pagination Link header: the request path as GoTrue sees it (behind
 * the gateway, without /auth/v1), with `page` replaced, query keys sorted.
 */
function paginationLink(
  request: FastifyRequest,
  page: number,
  perPage: number,
  total: number,
): string {
  const totalPages = Math.ceil(total / perPage);
  const [path = "", search = ""] = request.url.replace(/^\/auth\/v1/, "").split("?", 2);
  const query = new URLSearchParams(search);
  const link = (target: number) => {
    query.set("page", String(target));
    query.sort();
    return `<${path}?${query.toString()}>`;
  };
  let header = "";
  if (totalPages > page) header += `${link(page + 1)}; rel="next", `;
  header += `${link(totalPages)}; rel="last"`;
  return header;
}

async function createUser(
  request: FastifyRequest,
  context: SupabaseContext,
  params: AdminUserParams,
) {
  const aud = params.aud || requestAud(request);
  if (!params.email && !params.phone) {
    throw badRequest("validation_failed", "Cannot create a user without either an email or phone");
  }
  const providers: string[] = [];
  let email: string | null = null;
  let phone: string | null = null;
  if (params.email) {
    email = validateEmail(params.email);
    if (await emailTaken(context.pool, email, aud)) {
      throw unprocessable(
        "email_exists",
        "A user with this email address has already been registered",
      );
    }
    providers.push("email");
  }
  if (params.phone) {
    phone = validatePhone(params.phone);
    if (await phoneTaken(context.pool, phone, aud)) {
      throw unprocessable("phone_exists", "Phone number already registered by another user");
    }
    providers.push("phone");
  }
  if (params.password && params.password_hash) {
    throw badRequest("validation_failed", "Only a password or a password hash should be provided");
  }
  if (params.password && params.password.length > AUTH.passwordMaxLength) {
    throw badRequest("validation_failed", "bcrypt: password length exceeds 72 bytes");
  }
  if (params.password_hash && !isBcryptHash(params.password_hash)) {
    throw internalError("Error creating user");
  }
  if (params.id && !isUuid(params.id)) {
    throw badRequest("validation_failed", "ID must conform to the uuid v4 format");
  }
  if (params.id === AUTH.nilUuid) throw badRequest("validation_failed", "ID cannot be a nil uuid");
  const bannedUntil = banUntil(params.ban_duration);
  // Without a password the account gets a random one nobody knows.
  const hash =
    params.password_hash ||
    (await hashPassword(params.password || randomBytes(48).toString("base64url")));

  try {
    return await inTransaction(context.pool, async (client) => {
      let user = await insertUser(client, {
        id: params.id || undefined,
        aud,
        role: params.role || AUTH.role,
        email,
        phone,
        encryptedPassword: hash,
        appMetadata: { provider: providers[0], providers },
        userMetadata: params.user_metadata ?? {},
      });
      for (const provider of providers) {
        await insertIdentity(client, {
          userId: user.id,
          provider,
          providerId: user.id,
          data: claimsData(
            provider === "email"
              ? { sub: user.id, email: email ?? "" }
              : { sub: user.id, phone: phone ?? "" },
          ),
        });
      }
      if (params.app_metadata) {
        user = await updateUser(client, user.id, {
          raw_app_meta_data: mergeMetadata(user.raw_app_meta_data, params.app_metadata),
        });
      }
      if (params.email_confirm) user = await confirmEmail(client, user);
      if (params.phone_confirm) {
        user = await updateUser(client, user.id, { phone_confirmed_at: new Date() });
      }
      if (bannedUntil !== undefined) {
        user = await updateUser(client, user.id, { banned_until: bannedUntil });
      }
      return userJson(user, await identitiesOf(client, user.id));
    });
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw internalError("Database error creating new user", error);
  }
}
