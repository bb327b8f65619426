import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { app, type LoginResponse } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";
import { createSyntheticUser } from "../../target/synthetic-users.ts";
import { SETUP_USER_FILE, STORAGE_STATE_FILE } from "./files.ts";

test("create a synthetic user and save its signed-in state", async ({ admin, target, backend }) => {
  const user = await test.step("create the user through the admin API", () =>
    createSyntheticUser(admin, {
      prefix: target.emailPrefix,
      runId: target.runId,
      workerIndex: test.info().workerIndex,
      domain: target.emailDomain,
    }));
  await mkdir(path.dirname(SETUP_USER_FILE), { recursive: true });
  // Written first, so the cleanup project deletes the user even if login fails below.
  await writeFile(
    SETUP_USER_FILE,
    JSON.stringify({ id: user.id, email: user.email, fullName: user.fullName }),
    { mode: 0o600 },
  );

  const response = await test.step("log in through the backend API", () =>
    backend.post(app.api.login, { data: { email: user.email, password: user.password } }));
  const login = (await response.json().catch(() => ({}))) as LoginResponse;
  expect(response.status(), `login answered ${response.status()}`).toBe(200);
  expect(login.access_token, "login returned no access token").toBeTruthy();

  const origin = new URL(target.frontendUrl).origin;
  await writeFile(
    STORAGE_STATE_FILE,
    JSON.stringify({
      cookies: [],
      origins: [
        {
          origin,
          localStorage: [{ name: app.session.storageKey, value: app.session.fromLogin(login) }],
        },
      ],
    }),
    { mode: 0o600 },
  );
});
