import { SignJWT } from "jose";
import { app } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";

test.describe("backend refuses bad tokens", () => {
  test("no token", { tag: ["@critical", "@readonly"] }, async ({ backend }) => {
    const response = await backend.get(app.api.me);
    expect(response.status(), "/api/me without a token").toBe(app.api.errors.unauthorized.status);
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
    const response = await backend.get(app.api.me, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.status(), "/api/me with a token signed by someone else").toBe(
      app.api.errors.unauthorized.status,
    );
  });
});
