import { defineConfig } from "allure";
import { CATEGORIES } from "./categories.ts";
import { historyFile, reportDir } from "./paths.ts";

/** Allure 3's configuration for `npm run report` (allure/cli.ts passes it with --config). */
export default defineConfig({
  name: "Synthetic monitoring",
  output: reportDir(),
  historyPath: historyFile(),
  // allure/generate.ts says "0" when this run is in the history already (a report generated again).
  appendHistory: process.env.ALLURE_APPEND_HISTORY !== "0",
  // Enough for a week of hourly runs; older lines are dropped from the file.
  historyLimit: 200,
  categories: CATEGORIES,
  // Bookkeeping labels; what a reviewer needs (epic, feature, story, severity, owner, tags) stays.
  hideLabels: [
    "language",
    "framework",
    "package",
    "titlePath",
    "host",
    "thread",
    "_fallbackTestCaseId",
  ],
  plugins: {
    awesome: {
      options: {
        reportLanguage: "en",
        // The tree a reviewer walks: tier, then journey group, then the journeys.
        groupBy: ["epic", "feature"],
      },
    },
    // Allure's agent mode is for AI tooling; nothing here uses it.
    agent: { enabled: false },
  },
});
