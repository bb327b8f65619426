import { app } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";
import { send } from "../../fixtures/journeys.ts";
import {
  loginProblem,
  loginRequest,
  registerProblem,
  registerRequest,
} from "../../journeys/backend.ts";

const { errors } = app.api;

test.describe("backend auth API", () => {
  test("register creates the user and the profile row", {
    tag: ["@critical", "@registration"],
  }, async ({ backend, users, admin }) => {
    const fresh = users.fresh();
    const { status, body } = await test.step("POST register", () =>
      send(backend, registerRequest(fresh)));
    const problem = registerProblem(status, body);
    expect(problem, problem).toBeUndefined();
    const { user } = body as { user: { id: string; email: string } };
    expect(user.email).toBe(fresh.email);
    await test.step("profile row exists", async () => {
      const { data, error } = await admin
        .from(app.profiles.table)
        .select("*")
        .eq("id", user.id)
        .maybeSingle();
      expect(error, `reading ${app.profiles.table}: ${error?.code} ${error?.message}`).toBeNull();
      expect(
        data,
        `no ${app.profiles.table} row was created for the new user (signup trigger?)`,
      ).not.toBeNull();
      expect(data?.[app.profiles.nameColumn]).toBe(fresh.fullName);
    });
  });

  test("duplicate registration is refused clearly", async ({ backend, users }) => {
    const existing = await users.create();
    const response = await backend.post(app.api.register, {
      data: registerRequest(existing).json,
    });
    expect(response.status()).toBe(errors.duplicateEmail.status);
    expect((await response.json()).error?.code).toBe(errors.duplicateEmail.code);
  });

  test("invalid input is refused naming the field", { tag: ["@readonly"] }, async ({ backend }) => {
    const response = await backend.post(app.api.register, {
      data: { email: "not-an-email", password: "long-enough-password", full_name: "X" },
    });
    expect(response.status()).toBe(errors.invalidInput.status);
    const body = await response.json();
    expect(body.error?.code).toBe(errors.invalidInput.code);
    expect(body.error?.field).toBe("email");
  });

  test("wrong password is refused", { tag: ["@readonly"] }, async ({ backend, users }) => {
    const user = await users.create();
    const response = await backend.post(app.api.login, {
      data: loginRequest({ email: user.email, password: `${user.password}x` }).json,
    });
    expect(response.status()).toBe(errors.wrongCredentials.status);
    expect((await response.json()).error?.code).toBe(errors.wrongCredentials.code);
  });

  test("login returns a token that /api/me accepts", { tag: ["@smoke", "@critical"] }, async ({
    backend,
    users,
  }) => {
    const user = await users.create();
    const login = await test.step("POST login", () => send(backend, loginRequest(user)));
    const problem = loginProblem(login.status, login.body);
    expect(problem, problem).toBeUndefined();
    const session = login.body as { access_token: string };
    const me = await test.step("GET /api/me", () =>
      backend.get(app.api.me, { headers: { authorization: `Bearer ${session.access_token}` } }));
    const body = await me.json().catch(() => ({}));
    expect(
      me.status(),
      `/api/me answered ${me.status()}: ${JSON.stringify(body.error ?? body)}`,
    ).toBe(200);
    expect(body.user?.id).toBe(user.id);
    expect(body.profile, "/api/me returned no profile for the user").toBeTruthy();
    expect(body.profile?.email).toBe(user.email);
    expect(body.profile?.full_name).toBe(user.fullName);
  });
});
