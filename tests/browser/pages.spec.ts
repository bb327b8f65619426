import { app } from "../../contract/index.ts";
import { expectLanding, theOne } from "../../fixtures/app-ui.ts";
import { expect, test } from "../../fixtures/index.ts";
import type { SlaRecorder } from "../../fixtures/sla.ts";
import { journeyBudget } from "../../load/sla.ts";

test.describe("frontend pages", () => {
  test("home renders with no console errors and no failed requests", {
    tag: ["@smoke", "@critical", "@readonly", "@root"],
  }, async ({ page, pageProblems, sla }) => {
    await test.step("open home", async () => {
      const response = await page.goto(app.home.path);
      expect(response?.status(), "home page status").toBeLessThan(400);
      if (app.home.heading !== undefined)
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(app.home.heading);
    });
    await test.step("record navigation timings", () => recordNavigationTimings(page, sla));
    await test.step("no console errors, uncaught exceptions or failed requests", () => {
      expect(pageProblems, pageProblems.join("\n")).toEqual([]);
    });
  });

  test("a signed-out visit to the signed-in page is turned away", {
    tag: ["@critical", "@readonly"],
  }, async ({ page }) => {
    await test.step(`open ${app.signedIn.path} signed out`, () => page.goto(app.signedIn.path));
    await test.step("lands where the app sends signed-out visitors", async () => {
      const lands = app.signedIn.signedOutLands;
      await expectLanding(page, lands, "a signed-out visit", app.forms.submitTimeoutMs);
      // Landing on the login page: its form is there to sign in with.
      const [first] = app.forms.login.fields;
      if ("path" in lands && lands.path === app.forms.login.path && first)
        await theOne(page, first.locator, "forms.login.fields[0]");
    });
  });
});

async function recordNavigationTimings(
  page: import("@playwright/test").Page,
  sla: SlaRecorder,
): Promise<void> {
  const timings = await page.evaluate(
    () =>
      new Promise<{ ttfb: number; lcp: number | null }>((resolve) => {
        const [nav] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
        const ttfb = nav ? nav.responseStart - nav.requestStart : -1;
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve({ ttfb, lcp: entries.at(-1)?.startTime ?? null });
        }).observe({ type: "largest-contentful-paint", buffered: true });
        // Buffered LCP entries arrive in a task after observe(); two frames later there is none to come.
        requestAnimationFrame(() => requestAnimationFrame(() => resolve({ ttfb, lcp: null })));
      }),
  );
  sla.record("home TTFB", timings.ttfb, journeyBudget("home.ttfb"));
  if (timings.lcp !== null) sla.record("home LCP", timings.lcp, journeyBudget("home.lcp"));
  test.info().annotations.push({
    type: "navigation timings",
    description: `TTFB ${timings.ttfb.toFixed(0)} ms, LCP ${timings.lcp === null ? "n/a" : `${timings.lcp.toFixed(0)} ms`}`,
  });
}
