import { app } from "../../contract/index.ts";
import { expect, test } from "../../fixtures/index.ts";

const preflight = (origin: string) => ({
  headers: {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type,authorization",
  },
});

// A path the frontend calls across origins: the protected endpoint, else sign-in, else health.
const apiPath =
  app.backend?.protected?.path ?? app.backend?.login?.path ?? app.backend?.health ?? "/";

test.describe("backend CORS", () => {
  test("allows the frontend's origin", { tag: ["@critical", "@readonly"] }, async ({
    backend,
    target,
  }) => {
    const origin = new URL(target.frontendUrl).origin;
    const response = await backend.fetch(apiPath, {
      method: "OPTIONS",
      ...preflight(origin),
    });
    expect(response.status(), "preflight from the frontend origin failed").toBeLessThan(300);
    expect(
      response.headers()["access-control-allow-origin"],
      `the backend does not allow the frontend origin ${origin}: the browser will block every API call`,
    ).toBe(origin);
  });

  test("refuses a foreign origin", { tag: ["@readonly"] }, async ({ backend }) => {
    const response = await backend.fetch(apiPath, {
      method: "OPTIONS",
      ...preflight("https://evil.example"),
    });
    const allowed = response.headers()["access-control-allow-origin"];
    expect(
      allowed === "*" || allowed === "https://evil.example",
      `a foreign origin is allowed (${allowed})`,
    ).toBe(false);
  });
});
