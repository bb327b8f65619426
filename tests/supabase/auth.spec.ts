import { app } from "../../contract/index.ts";

// The display name as the app's sign-up stores it, or a key of our own when the app stores none.
const nameKey = app.nameMetadataKey ?? "full_name";

import { RATE_LIMITED } from "../../fixtures/email.ts";
import { expect, test } from "../../fixtures/index.ts";

test.describe("Supabase Auth", () => {
  test("sign-up, sign-in, getUser, refresh, update, sign-out", {
    tag: ["@critical", "@smoke"],
  }, async ({ users, newAnonClient, authSettings, admin }) => {
    const fresh = users.fresh();
    const client = newAnonClient();

    const signUp = await test.step("signUp", () =>
      client.auth.signUp({
        email: fresh.email,
        password: fresh.password,
        options: { data: { [nameKey]: fresh.fullName, synthetic: true } },
      }));
    test.skip(signUp.error?.code === "over_email_send_rate_limit", RATE_LIMITED);
    expect(
      signUp.error,
      `signUp failed: ${signUp.error?.code} ${signUp.error?.message}`,
    ).toBeNull();
    expect(signUp.data.user?.email).toBe(fresh.email);

    if (authSettings.confirmEmail) {
      // "Confirm email" on: no session, and no sign-in, until the address is
      // confirmed. The @email journey follows the real link; here the admin API confirms.
      await test.step("Confirm email on: no session, sign-in refused until confirmed", async () => {
        expect(signUp.data.session, "sign-up returned a session with Confirm email on").toBeNull();
        const early = await newAnonClient().auth.signInWithPassword({
          email: fresh.email,
          password: fresh.password,
        });
        expect(
          early.error?.code,
          `sign-in before confirmation: expected email_not_confirmed, got ${early.error?.code ?? "a session"}`,
        ).toBe("email_not_confirmed");
        const id = signUp.data.user?.id ?? "";
        const { error } = await admin.auth.admin.updateUserById(id, { email_confirm: true });
        expect(error, `confirming through the admin API: ${error?.message}`).toBeNull();
      });
    }

    const signIn = await test.step("signInWithPassword", () =>
      client.auth.signInWithPassword({ email: fresh.email, password: fresh.password }));
    expect(
      signIn.error,
      `signInWithPassword failed: ${signIn.error?.code} ${signIn.error?.message}`,
    ).toBeNull();
    const firstRefresh = signIn.data.session?.refresh_token;
    expect(firstRefresh, "sign-in returned no session").toBeTruthy();

    await test.step("getUser", async () => {
      const { data, error } = await client.auth.getUser();
      expect(error, `getUser failed: ${error?.message}`).toBeNull();
      expect(data.user?.email).toBe(fresh.email);
    });

    await test.step("refreshSession", async () => {
      const { data, error } = await client.auth.refreshSession();
      expect(error, `refreshSession failed: ${error?.message}`).toBeNull();
      expect(data.session?.refresh_token, "refresh must rotate the refresh token").not.toBe(
        firstRefresh,
      );
    });

    await test.step("updateUser", async () => {
      const { data, error } = await client.auth.updateUser({ data: { nickname: "synthetic" } });
      expect(error, `updateUser failed: ${error?.message}`).toBeNull();
      expect(data.user?.user_metadata).toMatchObject({
        nickname: "synthetic",
        [nameKey]: fresh.fullName,
      });
    });

    await test.step("signOut, then refresh fails", async () => {
      const { data } = await client.auth.getSession();
      const refreshToken = data.session?.refresh_token ?? "";
      const signOut = await client.auth.signOut();
      expect(signOut.error, `signOut failed: ${signOut.error?.message}`).toBeNull();
      const again = await newAnonClient().auth.refreshSession({ refresh_token: refreshToken });
      expect(again.error, "a refresh token still works after sign-out").not.toBeNull();
    });
  });

  test("wrong password is invalid_credentials", { tag: ["@readonly"] }, async ({
    users,
    newAnonClient,
  }) => {
    const user = await users.create();
    const { error } = await newAnonClient().auth.signInWithPassword({
      email: user.email,
      password: `${user.password}x`,
    });
    expect(
      error?.code,
      `expected invalid_credentials, got ${error?.status} ${error?.code} ${error?.message}`,
    ).toBe("invalid_credentials");
  });

  test("admin listUsers finds the synthetic user", async ({ users, admin }) => {
    const user = await users.create();
    const { data, error } = await admin.auth.admin.listUsers({ page: 1, perPage: 50 });
    expect(error, `listUsers failed: ${error?.message}`).toBeNull();
    expect(
      data.users.map((item) => item.id),
      "the newest users do not include the one just created",
    ).toContain(user.id);
  });
});
