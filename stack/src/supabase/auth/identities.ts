import { randomUUID } from "node:crypto";
import type { Db } from "./db.ts";
import { type Metadata, mergeMetadata } from "./users.ts";

/** A row of auth.identities. */
export interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Metadata;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
  email: string | null;
}

/**
 * The identity_data GoTrue stores for email and phone identities: its
 * provider Claims struct, where the two *_verified flags are always present.
 */
export function claimsData(claims: {
  sub: string;
  email?: string;
  phone?: string;
  emailVerified?: boolean;
  phoneVerified?: boolean;
}): Metadata {
  const data: Metadata = { sub: claims.sub };
  if (claims.email) data.email = claims.email.toLowerCase();
  data.email_verified = claims.emailVerified ?? false;
  if (claims.phone) data.phone = claims.phone;
  data.phone_verified = claims.phoneVerified ?? false;
  return data;
}

export async function insertIdentity(
  db: Db,
  identity: { userId: string; provider: string; providerId: string; data: Metadata },
): Promise<IdentityRow> {
  const { rows } = await db.query<IdentityRow>(
    `insert into auth.identities
       (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, now(), now(), now())
     returning *`,
    [randomUUID(), identity.providerId, identity.userId, identity.data, identity.provider],
  );
  const row = rows[0];
  if (!row) throw new Error("insert into auth.identities returned no row");
  return row;
}

export async function findIdentity(
  db: Db,
  userId: string,
  provider: string,
): Promise<IdentityRow | undefined> {
  const { rows } = await db.query<IdentityRow>(
    "select * from auth.identities where provider_id = $1 and provider = $2",
    [userId, provider],
  );
  return rows[0];
}

export async function updateIdentityData(
  db: Db,
  identity: IdentityRow,
  updates: Metadata,
): Promise<void> {
  await db.query(
    "update auth.identities set identity_data = $2, updated_at = now() where id = $1",
    [identity.id, mergeMetadata(identity.identity_data, updates)],
  );
}

export async function identitiesOf(db: Db, userId: string): Promise<IdentityRow[]> {
  const { rows } = await db.query<IdentityRow>(
    "select * from auth.identities where user_id = $1 order by created_at, id",
    [userId],
  );
  return rows;
}

/** GoTrue's FindProvidersByUser: distinct providers, oldest identity first. */
export async function providersOf(db: Db, userId: string): Promise<string[]> {
  const identities = await identitiesOf(db, userId);
  return [...new Set(identities.map((identity) => identity.provider))];
}
