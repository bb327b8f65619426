import { app } from "../../contract/index.ts";
import { expect, test } from "../../fixtures/index.ts";
import { send } from "../../fixtures/journeys.ts";
import { healthProblem, healthRequest } from "../../journeys/backend.ts";
import { endpointBudget } from "../../load/sla.ts";

const healthPath = app.backend?.health ?? "/health";

test.describe("backend health", () => {
  test("GET /health is up and reaches the database", {
    tag: ["@smoke", "@critical", "@readonly", "@root"],
  }, async ({ backend, sla }) => {
    const started = performance.now();
    const { status, body } = await send(backend, healthRequest(healthPath));
    const elapsed = Math.round(performance.now() - started);
    const problem = healthProblem(status, body);
    expect(problem, problem).toBeUndefined();
    // The same number Artillery's ensure holds /health's p95 to under load; over it fails.
    sla.record("backend /health", elapsed, endpointBudget("backend.health"));
    test.info().annotations.push({
      type: "backend version",
      description: `${(body as { version?: string }).version} (${(body as { commit?: string }).commit})`,
    });
  });

  test("echoes x-request-id", { tag: ["@readonly"] }, async ({ backend }) => {
    const id = `synthetic-${Date.now()}`;
    const response = await backend.get(healthPath, { headers: { "x-request-id": id } });
    expect(
      response.headers()["x-request-id"],
      "the backend must return the request id it was given",
    ).toBe(id);
  });
});
