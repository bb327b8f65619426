import { defineConfig, devices } from "@playwright/test";
import { allureOptions } from "./allure/options.ts";
import { loadAppProfile } from "./contract/load.ts";
import { type AppProfile, ProfileError } from "./contract/profile.ts";
import { PRODUCTION_GREP } from "./contract/vocabulary.ts";
import {
  CHROMIUM_ARGS,
  chromiumExecutable,
  videoRecordingAvailable,
} from "./playwright/chromium.ts";
import { makeTestSecretsDir } from "./secrets/test-secrets.ts";
import {
  type AppName,
  appFromEnv,
  confirmEmailFromEnv,
  faultsFromEnv,
  type JwtAlg,
  jwtAlgFromEnv,
} from "./stack/index.ts";
import {
  ConfigError,
  hasNoTarget,
  isReadOnly,
  loadDotenv,
  newRunId,
  parseConfig,
} from "./target/config.ts";
import {
  budgetKey,
  decideEmailBudget,
  emailBudgetPath,
  encodeBudget,
} from "./target/email-budget.ts";

loadDotenv();
// One run id for the whole run: workers inherit the environment of this process.
process.env.SYNTHETIC_RUN_ID ||= newRunId();
// Checked once, here; global setup boots the stack with this list and app shape, handed
// over in config.metadata (the FullConfig Playwright passes it), so it does not parse again.
let stackFaults: string[] | undefined;
let stackApp: AppName | undefined;
let stackJwtAlg: JwtAlg | undefined;
let stackConfirmEmail: boolean | undefined;
// Against production only read-only journeys and registration-with-cleanup run, unless widened.
let readOnly = isReadOnly();
if (!hasNoTarget()) {
  try {
    readOnly = parseConfig().readOnly;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
} else {
  try {
    stackFaults = faultsFromEnv();
    stackApp = appFromEnv();
    stackJwtAlg = jwtAlgFromEnv();
    stackConfirmEmail = confirmEmailFromEnv();
  } catch (error) {
    process.stderr.write(`Invalid configuration:\n  - ${(error as Error).message}\n`);
    process.exit(2);
  }
}

// Hints for a likely mix-up, once (workers load this file too, with the target set).
if (!process.env.TEST_WORKER_INDEX) {
  const named = process.env.STACK_APP?.trim();
  if (named && !hasNoTarget())
    process.stderr.write(
      "Note: STACK_APP is ignored: a target is configured, no stack is booted.\n",
    );
  else if (stackApp && stackApp !== "spa" && !process.env.SYNTHETIC_APP?.trim())
    process.stderr.write(
      `Note: STACK_APP=${stackApp} with SYNTHETIC_APP unset: the checks follow contract/app.ts (the spa app); for the ${stackApp} shape set SYNTHETIC_APP=contract/examples/${stackApp}.ts.\n`,
    );
}

// The app profile (SYNTHETIC_APP) is validated once here: a bad field stops the run, exit 2.
let profile: AppProfile;
try {
  profile = await loadAppProfile();
} catch (error) {
  if (!(error instanceof ProfileError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

const scheduled = process.env.SYNTHETIC_RUN_KIND === "scheduled";

// The email budget is decided once per run, here in the main process; workers inherit it.
if (!process.env.TEST_WORKER_INDEX && !process.env.SYNTHETIC_EMAIL_BUDGET) {
  process.env.SYNTHETIC_EMAIL_BUDGET = encodeBudget(
    await decideEmailBudget({
      path: emailBudgetPath(),
      key: budgetKey(process.env.SUPABASE_URL),
      everyMinutes: profile.email?.scheduledEveryMinutes ?? 60,
      scheduled,
    }),
  );
}

// Where workers leave the links a test follows, for the redaction reporter to hide.
if (!process.env.TEST_WORKER_INDEX) makeTestSecretsDir();

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  globalSetup: "./playwright/global-setup.ts",
  metadata: { stackFaults, stackApp, stackJwtAlg, stackConfirmEmail },
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI || scheduled ? 1 : 0,
  workers: process.env.CI ? 2 : undefined,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  grep: readOnly ? PRODUCTION_GREP : undefined,
  reporter: [
    // First: every reporter after it sees results with the configured secrets replaced.
    ["./reporters/redaction.ts"],
    // The monitor's history of this cycle (SYNTHETIC_HISTORY_FILE), redacted like everything after it.
    ...(process.env.SYNTHETIC_HISTORY_FILE ? [["./reporters/history.ts"] as const] : []),
    // Early: Playwright awaits each reporter's onEnd in turn, and alerts should not wait for report writers.
    ["./reporters/alerts.ts"],
    [process.env.CI ? "dot" : "list"],
    ["junit", { outputFile: "test-results/junit.xml" }],
    ["html", { open: "never", outputFolder: "playwright-report" }],
    ["allure-playwright", allureOptions()],
    // After the writers: adds the Environment table and scans their output for secrets.
    ["./reporters/allure-run.ts"],
    ["./reporters/summary.ts"],
    // Machine-readable results on request (the project's own tests read them).
    ...(process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ? [["json"] as const] : []),
  ],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: videoRecordingAvailable() ? "retain-on-failure" : "off",
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  projects: [
    { name: "setup", testMatch: /setup\/.*\.setup\.ts/, teardown: "cleanup" },
    { name: "cleanup", testMatch: /setup\/.*\.teardown\.ts/ },
    { name: "api", testDir: "tests/api" },
    {
      name: "browser",
      testDir: "tests/browser",
      dependencies: ["setup"],
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
      },
    },
    { name: "supabase", testDir: "tests/supabase" },
    { name: "schema", testDir: "tests/schema" },
    { name: "security", testDir: "tests/security" },
  ],
});
