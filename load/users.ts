import type { SupabaseClient, User } from "@supabase/supabase-js";
import {
  createSyntheticUser,
  deleteUsers,
  describeFailures,
  parseSyntheticEmail,
  type SyntheticIdentity,
  userPages,
} from "../target/synthetic-users.ts";
import type { DeleteUserOptions } from "../target/user-cleanup.ts";

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

/** Server clocks drift; a user of this run is never older than its start minus this. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * Deletes every user whose synthetic address carries this run id, as the
 * sweep does (`cleanup`: see cleanupOptions). Stops paging at users older
 * than the run. Goes on past a user it cannot delete, then throws naming
 * each with its reason.
 */
export async function deleteRunUsers(
  admin: SupabaseClient,
  options: { prefix: string; runId: string; since: Date; cleanup?: DeleteUserOptions },
): Promise<number> {
  const oldest = options.since.getTime() - CLOCK_SKEW_MS;
  const doomed: User[] = [];
  for await (const users of userPages(admin)) {
    for (const user of users) {
      if (parseSyntheticEmail(user.email ?? "", options.prefix)?.runId === options.runId)
        doomed.push(user);
    }
    const last = users.at(-1);
    if (last && Date.parse(last.created_at) < oldest) break;
  }
  const { deleted, failures } = await deleteUsers(admin, doomed, options.cleanup);
  if (failures.length > 0) {
    throw new Error(
      `${failures.length} of ${doomed.length} users not deleted:\n${describeFailures(failures).join("\n")}`,
    );
  }
  return deleted;
}
