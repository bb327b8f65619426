import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "@playwright/test";
import AdmZip from "adm-zip";
import { generateReport } from "../allure/generate.ts";
import { historyNames } from "../allure/history.ts";
import { serveDirectory } from "../allure/serve.ts";
import { CHROMIUM_ARGS, chromiumExecutable } from "../playwright/chromium.ts";
import { scanForSecrets } from "../secrets/scan.ts";
import { configuredSecrets } from "../secrets/variables.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { runSuite, type SuiteRun } from "./support/run-suite.ts";

/**
 * The Allure report end to end: two real runs of the suite against the
 * reference stack, each with one fault on, each followed by `npm run report`'s
 * generation into one history; then the artifacts of both runs are scanned
 * for every configured secret, and the report is opened in headless Chromium.
 */

const HOME = "home renders with no console errors and no failed requests";
const FAILED_STEP = "no console errors, uncaught exceptions or failed requests";
const LEAK = "HTML and JavaScript contain no service-role key, JWT secret or service_role JWT";
/** The root checks (a page, an endpoint) and the frontend secret checks: every tier the faults hit, in seconds. */
const SELECTION = ["--grep", "@root|frontend ships no secrets", "--workers=2"];

interface AllureItem {
  name?: string;
  status?: string;
  labels?: Array<{ name: string; value?: string }>;
  steps?: AllureItem[];
  attachments?: Array<{ name: string; type?: string; source: string }>;
}

let stack: RunningStack;
let work: string;
let env: Record<string, string>;
const runs: Array<{ fault: string; dir: string; run: SuiteRun; report: string }> = [];

async function runWithFault(fault: string): Promise<(typeof runs)[number]> {
  const dir = path.join(work, `run-${runs.length + 1}`);
  await stack.faults.set(fault);
  try {
    const run = await runSuite(env, SELECTION, { artifactsDir: dir });
    const report = path.join(work, `report-${runs.length + 1}`);
    const generated = await generateReport({
      ALLURE_RESULTS_DIR: path.join(dir, "allure-results"),
      ALLURE_REPORT_DIR: report,
      ALLURE_HISTORY_FILE: path.join(work, "history.jsonl"),
    });
    assert.equal(generated.exitCode, 0, generated.output);
    const entry = { fault, dir, run, report };
    runs.push(entry);
    return entry;
  } finally {
    await stack.faults.clear(fault as Parameters<typeof stack.faults.clear>[0]);
  }
}

async function allureResult(dir: string, name: string): Promise<AllureItem> {
  const results = path.join(dir, "allure-results");
  for (const file of await readdir(results)) {
    if (!file.endsWith("-result.json")) continue;
    const result = JSON.parse(await readFile(path.join(results, file), "utf8")) as AllureItem;
    if (result.name === name) return result;
  }
  assert.fail(`no Allure result named "${name}" in ${results}`);
}

function* walk(item: AllureItem): Generator<AllureItem> {
  yield item;
  for (const step of item.steps ?? []) yield* walk(step);
}

const label = (result: AllureItem, name: string) =>
  result.labels?.filter((item) => item.name === name).map((item) => item.value);

/** Names of the tests Allure filed under the category whose name starts with `prefix`. */
async function testsInCategory(report: string, prefix: string): Promise<string[]> {
  const { roots, nodes } = JSON.parse(
    await readFile(path.join(report, "widgets", "categories.json"), "utf8"),
  ) as {
    roots: string[];
    nodes: Record<string, { name: string; type: string; childrenIds?: string[] }>;
  };
  const names: string[] = [];
  const collect = (id: string) => {
    const node = nodes[id];
    if (node?.type === "tr") names.push(node.name);
    for (const child of node?.childrenIds ?? []) collect(child);
  };
  for (const root of roots) if (nodes[root]?.name.startsWith(prefix)) collect(root);
  return names;
}

const describeRun = (run: SuiteRun) =>
  `exit ${run.exitCode}\n--- output tail ---\n${run.output.slice(-2500)}`;

describe("the Allure report of real runs against the reference stack", () => {
  before(async () => {
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
    });
    work = await mkdtemp(path.join(tmpdir(), "allure-report-test-"));
    // A bypass value, so the frontend client's header is in the traces for the scan to look for.
    env = {
      ...stack.env,
      SYNTHETIC_ENV: "local",
      VERCEL_PROTECTION_BYPASS: `bypass-${crypto.randomUUID()}`,
    };
  });
  after(async () => {
    await stack?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test("run 1, key-leaked: the leak is a Security failure, and its trace holds the bundle redacted", async () => {
    const { dir, run, report } = await runWithFault("key-leaked");
    assert.notEqual(run.exitCode, 0, describeRun(run));
    assert.match(run.output, /secret scan: clean/, describeRun(run));
    assert.deepEqual(await testsInCategory(report, "Security"), [LEAK]);

    const leak = await allureResult(dir, LEAK);
    assert.equal(leak.status, "failed");
    const trace = [...walk(leak)]
      .flatMap((item) => item.attachments ?? [])
      .find((a) => a.name === "trace");
    assert.ok(trace, "the failing security check keeps its trace");
    const zip = new AdmZip(await readFile(path.join(dir, "allure-results", trace.source)));
    const text = zip
      .getEntries()
      .map((entry) => entry.getData().toString("latin1"))
      .join("\n");
    assert.match(
      text,
      /\[REDACTED:SUPABASE_SERVICE_ROLE_KEY\]/,
      "the leaked bundle was recorded, redacted",
    );
    assert.match(
      text,
      /\[REDACTED:VERCEL_PROTECTION_BYPASS\]/,
      "the frontend client's bypass header, redacted",
    );
  });

  test("run 2, frontend-js-error: the failing journey with its category, step, screenshot, trace, labels; environment; history of two runs", async () => {
    const { dir, run, report } = await runWithFault("frontend-js-error");
    assert.notEqual(run.exitCode, 0, describeRun(run));
    assert.deepEqual(await testsInCategory(report, "Frontend errors"), [HOME]);

    const home = await allureResult(dir, HOME);
    assert.equal(home.status, "failed");
    assert.deepEqual(label(home, "epic"), ["frontend"]);
    assert.deepEqual(label(home, "feature"), ["frontend pages"]);
    assert.deepEqual(label(home, "story"), [HOME]);
    assert.deepEqual(label(home, "severity"), ["blocker"]);
    assert.deepEqual(label(home, "owner"), ["frontend team"]);
    const failedSteps = [...walk(home)]
      .slice(1)
      .filter((s) => s.status === "failed")
      .map((s) => s.name);
    assert.ok(failedSteps.includes(FAILED_STEP), `failed steps: ${failedSteps.join(" | ")}`);
    const attachments = [...walk(home)].flatMap((item) => item.attachments ?? []);
    const typeOf = (name: string) => attachments.find((a) => a.name === name)?.type;
    assert.equal(typeOf("screenshot"), "image/png");
    assert.equal(typeOf("trace"), "application/vnd.allure.playwright-trace");
    assert.equal(typeOf("page-problems"), "text/plain");
    assert.equal(typeOf("sla"), "text/csv");

    const environment = Object.fromEntries(
      (
        JSON.parse(
          await readFile(path.join(report, "widgets", "allure_environment.json"), "utf8"),
        ) as Array<{
          name: string;
          values: string[];
        }>
      ).map((item) => [item.name, item.values[0]]),
    );
    assert.equal(environment.environment, "local");
    assert.equal(environment["frontend.url"], stack.urls.frontend);
    assert.equal(environment["backend.url"], stack.urls.backend);
    assert.match(environment["backend.version"] ?? "", /^\d+\.\d+\.\d+/);
    assert.match(environment["suite.git.sha"] ?? "", /^[0-9a-f]{7,40}|^unknown/);
    assert.match(environment["run.id"] ?? "", /^[a-z0-9]{4,16}$/);
    assert.ok(!Number.isNaN(Date.parse(environment["run.started"] ?? "")));

    const globals = await readFile(path.join(report, "widgets", "globals.json"), "utf8");
    assert.match(globals, /SLA table \(this run\)/);
    assert.doesNotMatch(
      await readFile(path.join(report, "index.html"), "utf8"),
      /googletagmanager|gtag/,
    );

    const names = historyNames(path.join(work, "history.jsonl"));
    assert.equal(names.length, 2, `history: ${names.join(" | ")}`);
    assert.match(names[1] ?? "", new RegExp(`run ${environment["run.id"]}$`));
    const results = path.join(report, "data", "test-results");
    const withHistory = [];
    for (const file of await readdir(results)) {
      const result = JSON.parse(await readFile(path.join(results, file), "utf8")) as {
        name: string;
        history?: unknown[];
      };
      if ((result.history ?? []).length > 0) withHistory.push(result.name);
    }
    assert.ok(withHistory.includes(HOME), `tests with a previous run: ${withHistory.join(" | ")}`);
  });

  test("no configured secret in allure-results, the reports, the history, test-results or traces", () => {
    const secrets = configuredSecrets(env);
    assert.deepEqual(secrets.map((secret) => secret.name).sort(), [
      "RENDER_API_KEY",
      "RENDER_WEBHOOK_SECRET",
      "SUPABASE_ACCESS_TOKEN",
      "SUPABASE_DB_URL",
      "SUPABASE_DB_URL (part)",
      "SUPABASE_JWT_SECRET",
      "SUPABASE_SERVICE_ROLE_KEY",
      "VERCEL_PROTECTION_BYPASS",
      "VERCEL_TOKEN",
      "VERCEL_WEBHOOK_SECRET",
    ]);
    const roots = [
      ...runs.flatMap((run) => [run.dir, run.report]),
      path.join(work, "history.jsonl"),
    ];
    const scan = scanForSecrets(roots, secrets);
    assert.ok(scan.files > 50, `only ${scan.files} files scanned`);
    assert.deepEqual(scan.findings, []);
  });

  test("in headless Chromium the report shows the run, its categories and the failing journey, loading nothing from outside", async () => {
    const { report } = runs.at(-1) ?? assert.fail("no report");
    const served = await serveDirectory(report);
    const browser = await chromium.launch({
      executablePath: chromiumExecutable(),
      args: CHROMIUM_ARGS,
    });
    const shots = path.join(work, "screenshots");
    await mkdir(shots, { recursive: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const outside: string[] = [];
      page.on("request", (request) => {
        if (!/^(blob|data):/.test(request.url()) && !request.url().startsWith(served.url))
          outside.push(request.url());
      });
      await page.goto(served.url);
      await page
        .getByText(/Synthetic monitoring · local · run /)
        .first()
        .waitFor();
      await page.screenshot({ path: path.join(shots, "report-overview.png") });
      await page.getByRole("button", { name: /^Categories\s*\d+$/ }).click();
      // The category opens onto the error message and the test that failed with it.
      await page
        .getByText(/^Frontend errors/)
        .first()
        .click();
      await page.getByText(HOME).first().waitFor();
      await page.screenshot({ path: path.join(shots, "report-categories.png") });

      await page.getByText(HOME).first().click();
      await page.getByText("Category: Frontend errors", { exact: false }).first().waitFor();
      await page.getByText("trace", { exact: true }).first().waitFor();
      await page.screenshot({ path: path.join(shots, "report-failing-test.png") });
      const failedStep = page.getByText(FAILED_STEP).first();
      await failedStep.waitFor();
      // The report scrolls inside its own pane: wheel over it down to the steps.
      await page.mouse.move(700, 600);
      await page.mouse.wheel(0, 800);
      await page.screenshot({ path: path.join(shots, "report-failing-steps.png") });
      await page
        .getByRole("button", { name: /Attachments/ })
        .first()
        .click();
      await page.getByText("screenshot", { exact: true }).first().click();
      await page.locator("img").first().waitFor();
      await page.screenshot({ path: path.join(shots, "report-failing-screenshot.png") });
      assert.deepEqual(outside, [], "the report loaded something from outside its server");
    } finally {
      await browser.close();
      await served.close();
    }
    // Kept for a person to look at when asked (e.g. REPORT_SCREENSHOT_DIR=.scratch).
    const keep = process.env.REPORT_SCREENSHOT_DIR;
    if (keep) {
      await mkdir(keep, { recursive: true });
      for (const file of await readdir(shots))
        await copyFile(path.join(shots, file), path.join(keep, file));
    }
  });
});
