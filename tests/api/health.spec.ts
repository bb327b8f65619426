import { app } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";

test.describe("backend health", () => {
  test("GET /health is up and reaches the database", {
    tag: ["@smoke", "@critical", "@readonly", "@root"],
  }, async ({ backend }) => {
    const started = performance.now();
    const response = await backend.get(app.api.health);
    const elapsed = Math.round(performance.now() - started);
    const body = await response.json().catch(() => ({}));
    expect(
      response.status(),
      `backend /health answered ${response.status()}: ${JSON.stringify(body)}`,
    ).toBe(200);
    expect(body.checks?.database?.ok, "backend /health says the database is unreachable").toBe(
      true,
    );
    expect(
      elapsed,
      `backend /health took ${elapsed} ms (budget ${app.api.healthBudgetMs} ms)`,
    ).toBeLessThanOrEqual(app.api.healthBudgetMs);
    test.info().annotations.push({
      type: "backend version",
      description: `${body.version} (${body.commit})`,
    });
  });

  test("echoes x-request-id", { tag: ["@readonly"] }, async ({ backend }) => {
    const id = `synthetic-${Date.now()}`;
    const response = await backend.get(app.api.health, { headers: { "x-request-id": id } });
    expect(
      response.headers()["x-request-id"],
      "the backend must return the request id it was given",
    ).toBe(id);
  });
});
