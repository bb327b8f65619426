import type { ReporterConfig } from "allure-js-commons/sdk/reporter";
import { labelsListener } from "./labels.ts";
import { resultsDir } from "./paths.ts";

/** allure-playwright's settings: where results go, and the labels every result gets. */
export function allureOptions(): ReporterConfig & { detail: boolean; suiteTitle: boolean } {
  return {
    resultsDir: resultsDir(),
    // Playwright's own steps (actions, expects, fixtures) under ours: the failing call is visible.
    detail: true,
    suiteTitle: true,
    listeners: [labelsListener],
  };
}
