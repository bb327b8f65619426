import { SignJWT } from "jose";
import { app } from "../../contract/index.ts";
import { NOT_APPLICABLE } from "../../contract/vocabulary.ts";
import { expect, test } from "../../fixtures/index.ts";

// The backend's protected endpoint refuses a request without a valid
// Supabase access token. With no backend configured the `backend` fixture
// skips these, saying so.

const guarded = app.backend?.protected;

test.describe("backend refuses bad tokens", () => {
  test.skip(guarded === undefined, NOT_APPLICABLE.undeclared("protected"));
  const path = guarded?.path ?? "";
  const refusal = guarded?.unauthorized.status;

  test("no token", { tag: ["@critical", "@readonly"] }, async ({ backend }) => {
    const response = await backend.get(path);
    expect(response.status(), `${path} without a token must answer ${refusal}`).toBe(refusal);
  });

  test("a forged token", { tag: ["@critical", "@readonly"] }, async ({ backend, target }) => {
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      role: "authenticated",
      aud: "authenticated",
      email: "forged@example.com",
    })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(crypto.randomUUID())
      .setIssuer(`${target.supabaseUrl}/auth/v1`)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(`forged-${crypto.randomUUID()}`));
    const response = await backend.get(path, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(
      response.status(),
      `${path} with a token signed by someone else must answer ${refusal}`,
    ).toBe(refusal);
  });
});
