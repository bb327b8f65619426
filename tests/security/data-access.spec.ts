import type { SupabaseClient } from "@supabase/supabase-js";
import { app } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";
import type { SyntheticUser } from "../../target/synthetic-users.ts";

const { table, nameColumn, emailColumn } = app.profiles;

/**
 * These checks are about row level security, not the signup trigger: a user
 * without a profile row gets one written by the service role first, so the
 * check never passes for want of data.
 */
async function ensureProfile(admin: SupabaseClient, user: SyntheticUser): Promise<void> {
  const { error } = await admin
    .from(table)
    .upsert(
      { id: user.id, [emailColumn]: user.email, [nameColumn]: user.fullName },
      { onConflict: "id" },
    );
  expect(
    error,
    `cannot check RLS: writing ${table} as service role failed: ${error?.code} ${error?.message}`,
  ).toBeNull();
}

test.describe("row level security on profiles", () => {
  test("the anon key reads no profiles", { tag: ["@critical"] }, async ({
    users,
    newAnonClient,
    admin,
  }) => {
    await test.step("a profile row exists", async () => ensureProfile(admin, await users.create()));
    await test.step("the anon key reads it", async () => {
      const { data } = await newAnonClient().from(table).select("id").limit(5);
      const rows = data?.length ?? 0;
      expect(
        rows,
        `the anon key read ${rows} ${table} rows: row level security is off or a policy is too wide`,
      ).toBe(0);
    });
  });

  test("a user can neither read nor update another user's profile", { tag: ["@critical"] }, async ({
    users,
    newAnonClient,
    admin,
  }) => {
    const [alice, bob] = await test.step("users A and B, B with a profile", async () => {
      const pair = await Promise.all([users.create(), users.create()]);
      await ensureProfile(admin, pair[1]);
      return pair;
    });
    const client = newAnonClient();
    await test.step("sign in as user A", async () => {
      const signIn = await client.auth.signInWithPassword({
        email: alice.email,
        password: alice.password,
      });
      expect(signIn.error, `sign-in as user A failed: ${signIn.error?.message}`).toBeNull();
    });

    await test.step("read", async () => {
      const { data } = await client.from(table).select("id").eq("id", bob.id);
      expect(data?.length ?? 0, "user A can read user B's profile").toBe(0);
    });
    await test.step("update", async () => {
      await client
        .from(table)
        .update({ [nameColumn]: "changed by A" })
        .eq("id", bob.id);
      const { data, error } = await admin.from(table).select(nameColumn).eq("id", bob.id).single();
      expect(error, `reading B's profile as service role failed: ${error?.message}`).toBeNull();
      expect(
        (data as Record<string, unknown> | null)?.[nameColumn],
        "user A changed user B's profile",
      ).toBe(bob.fullName);
    });
  });
});
