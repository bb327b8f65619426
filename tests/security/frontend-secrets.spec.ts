import { decodeJwt } from "jose";
import { app } from "../../contract/index.ts";
import { expect, test } from "../../fixtures/index.ts";
import { pagePaths } from "../../journeys/frontend.ts";

const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/g;

test.describe("frontend ships no secrets", () => {
  test("HTML and JavaScript contain no service-role key, JWT secret or service_role JWT", {
    tag: ["@critical", "@readonly"],
  }, async ({ frontend, target }) => {
    const sources = new Map<string, string>();
    await test.step("fetch every page and its same-origin scripts", async () => {
      for (const pagePath of pagePaths(app)) {
        const response = await frontend.get(pagePath);
        const html = await response.text();
        sources.set(pagePath, html);
        for (const match of html.matchAll(/<script[^>]+src="([^"]+)"/g)) {
          const src = new URL(match[1] ?? "", target.frontendUrl);
          if (src.origin !== new URL(target.frontendUrl).origin || sources.has(src.pathname))
            continue;
          sources.set(src.pathname, await (await frontend.get(src.pathname)).text());
        }
      }
    });
    const leaks: string[] = [];
    const { jwtSecret } = target;
    for (const [where, text] of sources) {
      if (text.includes(target.serviceRoleKey))
        leaks.push(`${where}: contains the service-role key`);
      if (jwtSecret && text.includes(jwtSecret)) leaks.push(`${where}: contains the JWT secret`);
      if (/sb_secret_[\w-]{8,}/.test(text)) leaks.push(`${where}: contains an sb_secret_ key`);
      for (const [token] of text.matchAll(JWT)) {
        const role = safeRole(token);
        if (role === "service_role") leaks.push(`${where}: contains a JWT with role service_role`);
      }
    }
    test.info().annotations.push({ type: "scanned", description: [...sources.keys()].join(", ") });
    await test.step("no secret in what browsers download", () => {
      expect(leaks, `secrets shipped to browsers:\n${leaks.join("\n")}`).toEqual([]);
    });
  });

  test("security headers are set", { tag: ["@readonly"] }, async ({ frontend, target }) => {
    const headers = (await frontend.get(app.home.path)).headers();
    expect(headers["x-content-type-options"], "X-Content-Type-Options").toBe("nosniff");
    const csp = headers["content-security-policy"] ?? "";
    expect(
      csp.includes("frame-ancestors") || Boolean(headers["x-frame-options"]),
      "neither CSP frame-ancestors nor X-Frame-Options protects against framing",
    ).toBe(true);
    if (target.frontendUrl.startsWith("https://")) {
      expect(headers["strict-transport-security"], "HSTS on an https frontend").toMatch(
        /max-age=\d+/,
      );
    }
  });
});

function safeRole(token: string): unknown {
  try {
    return decodeJwt(token).role;
  } catch {
    return undefined;
  }
}
