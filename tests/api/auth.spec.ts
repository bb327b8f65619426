import { app } from "../../contract/index.ts";
import { NOT_APPLICABLE } from "../../contract/vocabulary.ts";
import { expectSignUpRow, NO_SIGN_UP_ROW } from "../../fixtures/email.ts";
import { expect, test } from "../../fixtures/index.ts";
import { jsonOf, send } from "../../fixtures/journeys.ts";
import {
  loginProblem,
  loginRequest,
  registerProblem,
  registerRequest,
} from "../../journeys/backend.ts";

const { register, login, protected: guarded } = app.backend ?? {};
const nameKey = app.nameMetadataKey;

/** The value at a dotted path of a JSON answer (`profile.email`). */
function at(body: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], body);
}

test.describe("backend auth API", () => {
  test.skip(!register, NOT_APPLICABLE.undeclared("register"));

  test("register creates the user", { tag: ["@critical", "@registration"] }, async ({
    backend,
    users,
    admin,
  }) => {
    if (!register) return;
    const fresh = users.fresh();
    const { status, body } = await test.step("POST register", () =>
      send(backend, registerRequest(register.path, fresh, nameKey)));
    const problem = registerProblem(status, body);
    expect(problem, problem).toBeUndefined();
    const { user } = body as { user: { id: string; email: string } };
    expect(user.email).toBe(fresh.email);
    await test.step("the row sign-up makes exists", async () => {
      if (!(await expectSignUpRow(admin, user.id, fresh.fullName)))
        test.info().annotations.push({ type: "not checked", description: NO_SIGN_UP_ROW });
    });
  });

  test("duplicate registration is refused clearly", async ({ backend, users }) => {
    if (!register) return;
    const existing = await users.create();
    const response = await backend.post(register.path, {
      data: registerRequest(register.path, existing, nameKey).json,
    });
    expect(response.status()).toBe(register.duplicateEmail.status);
    expect((await response.json()).error?.code).toBe(register.duplicateEmail.code);
  });

  test("invalid input is refused naming the field", { tag: ["@readonly"] }, async ({ backend }) => {
    if (!register) return;
    const response = await backend.post(register.path, {
      data: registerRequest(
        register.path,
        { email: "not-an-email", password: "long-enough-password", fullName: "X" },
        nameKey,
      ).json,
    });
    expect(response.status()).toBe(register.invalidInput.status);
    const body = await response.json();
    expect(body.error?.code).toBe(register.invalidInput.code);
    expect(body.error?.field).toBe("email");
  });
});

test.describe("backend login API", () => {
  test.skip(!login, NOT_APPLICABLE.undeclared("login"));

  test("wrong password is refused", { tag: ["@readonly"] }, async ({ backend, users }) => {
    if (!login) return;
    const user = await users.create();
    const response = await backend.post(login.path, {
      data: loginRequest(login.path, { email: user.email, password: `${user.password}x` }).json,
    });
    expect(response.status()).toBe(login.wrongCredentials.status);
    expect((await response.json()).error?.code).toBe(login.wrongCredentials.code);
  });
});

test.describe("backend with the user's access token", () => {
  test.skip(!guarded, NOT_APPLICABLE.undeclared("protected"));

  test("signing in gives a token the protected endpoint accepts", {
    tag: ["@smoke", "@critical"],
  }, async ({ backend, users, newAnonClient }) => {
    if (!guarded) return;
    const user = await users.create();
    const token = await test.step(
      login ? "POST login" : "sign in through Supabase Auth",
      async () => {
        if (login) {
          const answer = await send(backend, loginRequest(login.path, user));
          const problem = loginProblem(answer.status, answer.body);
          expect(problem, problem).toBeUndefined();
          return (answer.body as { access_token: string }).access_token;
        }
        const { data, error } = await newAnonClient().auth.signInWithPassword(user);
        expect(error, `Supabase sign-in failed: ${error?.code} ${error?.message}`).toBeNull();
        return data.session?.access_token ?? "";
      },
    );
    const me = await test.step(`GET ${guarded.path}`, () =>
      backend.get(guarded.path, { headers: { authorization: `Bearer ${token}` } }));
    const body = (await jsonOf(me)) as { error?: unknown };
    expect(
      me.status(),
      `${guarded.path} answered ${me.status()}: ${JSON.stringify(body.error ?? body)}`,
    ).toBe(200);
    const values = { id: user.id, email: user.email, fullName: user.fullName };
    if (Object.keys(guarded.shows).length === 0)
      test.info().annotations.push({
        type: "not checked",
        description: `the app profile declares no backend.protected.shows: only ${guarded.path}'s status is checked, not that it answers this user`,
      });
    for (const [path, shows] of Object.entries(guarded.shows)) {
      expect(at(body, path), `${guarded.path} answers the user's ${shows} at ${path}`).toBe(
        values[shows],
      );
    }
  });
});
