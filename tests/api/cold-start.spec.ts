import { app } from "../../contract/index.ts";
import { NOT_APPLICABLE } from "../../contract/vocabulary.ts";
import { expect, test } from "../../fixtures/index.ts";
import { COLD_START_BUDGET_VARIABLE, readPlatformSnapshot } from "../../platform/index.ts";

// A backend on a Render free instance spins down after idle time; the next
// request waits for it to boot. The run's first request to the backend (taken
// before any test, with an immediate re-check) tells how long that was; over
// the team's budget (RENDER_COLD_START_BUDGET_MS, default 0: none accepted)
// this check fails, and its diagnosis names the cold start.

test.describe("backend cold start", () => {
  test("the backend answers its first request of the run within the cold-start budget", {
    tag: ["@readonly"],
    annotation: { type: "signature", description: "cold-start" },
  }, async ({ target }) => {
    test.skip(!target.backendUrl, NOT_APPLICABLE.noBackend);
    test.skip(!app.backend, NOT_APPLICABLE.noBackendInProfile);
    const probe = readPlatformSnapshot()?.probes.backend;
    test.skip(!probe, "the run took no first-request probe (no platform snapshot)");
    if (!probe) return;
    const first = probe.firstError
      ? `failed after ${probe.firstMs} ms (${probe.firstError})`
      : `answered ${probe.firstStatus} in ${probe.firstMs} ms`;
    const second =
      probe.secondMs === undefined
        ? ""
        : probe.secondStatus === undefined
          ? `, the re-check got no answer after ${probe.secondMs} ms`
          : `, the re-check answered ${probe.secondStatus} in ${probe.secondMs} ms`;
    test.info().annotations.push({ type: "first request", description: `${first}${second}` });
    const answered = probe.firstStatus !== undefined || probe.secondStatus !== undefined;
    expect(
      answered,
      `the backend answered neither its first request nor the re-check: ${first}${second}`,
    ).toBe(true);
    const coldStartMs = probe.coldStartMs ?? 0;
    expect(
      coldStartMs,
      `the backend's first request ${first}${second}: a cold start of ${coldStartMs} ms, over the budget of ${probe.budgetMs} ms (${COLD_START_BUDGET_VARIABLE})`,
    ).toBeLessThanOrEqual(probe.budgetMs);
  });
});
