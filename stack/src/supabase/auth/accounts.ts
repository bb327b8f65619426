import type { Db } from "./db.ts";
import { providersOf } from "./identities.ts";
import { endAllSessions, endOtherSessions } from "./sessions.ts";
import { mergeMetadata, type UserRow, updateUser } from "./users.ts";

/** GoTrue's User.Confirm: confirms the email and notes it in user_metadata. */
export function confirmEmail(db: Db, user: UserRow): Promise<UserRow> {
  return updateUser(db, user.id, {
    confirmation_token: "",
    email_confirmed_at: new Date(),
    raw_user_meta_data: mergeMetadata(user.raw_user_meta_data, { email_verified: true }),
  });
}

/**
 * GoTrue's UpdatePassword: stores the hash, voids every outstanding emailed
 * token and signs the user out everywhere except `keepSessionId`.
 */
export async function storePassword(
  db: Db,
  user: UserRow,
  hash: string | null,
  keepSessionId: string | undefined,
): Promise<UserRow> {
  const updated = await updateUser(db, user.id, {
    encrypted_password: hash,
    confirmation_token: "",
    confirmation_sent_at: null,
    recovery_token: "",
    recovery_sent_at: null,
    email_change_token_current: "",
    email_change_token_new: "",
    email_change_sent_at: null,
    phone_change_token: "",
    phone_change_sent_at: null,
    reauthentication_token: "",
    reauthentication_sent_at: null,
  });
  if (keepSessionId) await endOtherSessions(db, user.id, keepSessionId);
  else await endAllSessions(db, user.id);
  return updated;
}

/** GoTrue's UpdateAppMetaDataProviders: app_metadata.provider(s) from the identities. */
export async function syncProviders(db: Db, user: UserRow): Promise<UserRow> {
  const providers = await providersOf(db, user.id);
  const updates: Record<string, unknown> = { providers };
  if (providers[0]) updates.provider = providers[0];
  return updateUser(db, user.id, {
    raw_app_meta_data: mergeMetadata(user.raw_app_meta_data, updates),
  });
}
