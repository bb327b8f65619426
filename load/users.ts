import type { SupabaseClient } from "@supabase/supabase-js";
import {
  createSyntheticUser,
  deleteUser,
  parseSyntheticEmail,
  type SyntheticIdentity,
} from "../target/synthetic-users.ts";

/**
 * The users a load run needs and leaves: login users made beforehand through
 * the admin API, and the ones the registration scenario signs up. All carry
 * the run id in their address, which is how they are found and deleted
 * afterwards (`npm run sweep` finds what a killed run left).
 */

export async function createLoginUsers(
  admin: SupabaseClient,
  identity: SyntheticIdentity,
  count: number,
): Promise<Array<{ email: string; password: string }>> {
  const users: Array<{ email: string; password: string }> = [];
  for (let i = 0; i < count; i++) {
    const user = await createSyntheticUser(admin, identity);
    users.push({ email: user.email, password: user.password });
  }
  return users;
}

const PAGE = 200;
/** Server clocks drift; a user of this run is never older than its start minus this. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * Deletes every user whose synthetic address carries this run id. Pages
 * through the admin list newest first and stops at users older than the run,
 * so a project with many users is not read whole.
 */
export async function deleteRunUsers(
  admin: SupabaseClient,
  options: { prefix: string; runId: string; since: Date },
): Promise<number> {
  const oldest = options.since.getTime() - CLOCK_SKEW_MS;
  const doomed: string[] = [];
  for (let page = 1; ; page++) {
    const { data, error } = await admin.auth.admin.listUsers({ page, perPage: PAGE });
    if (error) throw new Error(`admin listUsers failed: ${error.status ?? ""} ${error.message}`);
    for (const user of data.users) {
      if (parseSyntheticEmail(user.email ?? "", options.prefix)?.runId === options.runId)
        doomed.push(user.id);
    }
    const last = data.users.at(-1);
    if (data.users.length < PAGE || (last && Date.parse(last.created_at) < oldest)) break;
  }
  for (const id of doomed) await deleteUser(admin, id);
  return doomed.length;
}
