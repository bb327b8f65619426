import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { app } from "../../contract/index.ts";
import { expect, test } from "../../fixtures/index.ts";
import { jsonOf } from "../../fixtures/journeys.ts";
import { type SessionJson, storageStateFor } from "../../fixtures/session.ts";
import { createSyntheticUser } from "../../target/synthetic-users.ts";
import { SETUP_USER_FILE, STORAGE_STATE_FILE } from "./files.ts";

test("create a synthetic user and save its signed-in state", async ({
  admin,
  target,
  playwright,
  newAnonClient,
}) => {
  const user = await test.step("create the user through the admin API", () =>
    createSyntheticUser(admin, {
      prefix: target.emailPrefix,
      runId: target.runId,
      workerIndex: test.info().workerIndex,
      domain: target.emailDomain,
      ...(target.emailInbox ? { inbox: target.emailInbox } : {}),
    }));
  await mkdir(path.dirname(SETUP_USER_FILE), { recursive: true });
  // Written first, so the cleanup project deletes the user even if login fails below.
  await writeFile(
    SETUP_USER_FILE,
    JSON.stringify({ id: user.id, email: user.email, fullName: user.fullName }),
    { mode: 0o600 },
  );

  const login = app.backend?.login;
  // With auth "backend" but no BACKEND_URL there is no backend to sign in through: Supabase Auth.
  const throughBackend =
    app.auth === "backend" && login !== undefined && Boolean(target.backendUrl);
  const session =
    await test.step(`sign in through ${throughBackend ? "the backend API" : "Supabase Auth"}`, async () => {
      if (throughBackend && login) {
        const backend = await playwright.request.newContext({ baseURL: target.backendUrl });
        try {
          const response = await backend.post(login.path, {
            data: { email: user.email, password: user.password },
          });
          const body = (await jsonOf(response)) as SessionJson;
          expect(response.status(), `login answered ${response.status()}`).toBe(200);
          expect(body.access_token, "login returned no access token").toBeTruthy();
          return body;
        } finally {
          await backend.dispose();
        }
      }
      const { data, error } = await newAnonClient().auth.signInWithPassword({
        email: user.email,
        password: user.password,
      });
      expect(
        error,
        `Supabase sign-in failed: ${error?.status} ${error?.code} ${error?.message}`,
      ).toBeNull();
      expect(data.session, "Supabase sign-in returned no session").toBeTruthy();
      return data.session as SessionJson;
    });

  await writeFile(STORAGE_STATE_FILE, JSON.stringify(storageStateFor(app, target, session)), {
    mode: 0o600,
  });
});
