import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { matchCategory, normalizeCategoriesConfig } from "@allurereport/core-api";
import { type Label, Status } from "allure-js-commons";
import { formatExchanges } from "../../fixtures/attachments/exchanges.ts";
import { slaCsv } from "../../fixtures/attachments/sla.ts";
import { Redactor } from "../../secrets/redactor.ts";
import { CATEGORIES } from "../categories.ts";
import { environmentProperties, runFacts } from "../environment.ts";
import { withoutAnalytics } from "../generate.ts";
import { historyNames, reportName, runOfResults } from "../history.ts";
import { labelsFor, PAGE_HEALTH_LABEL, passedOnRetry, severityFor } from "../labels.ts";
import { serveDirectory } from "../serve.ts";

describe("labels", () => {
  const result = (project: string, tags: string[], subSuite?: string) => ({
    name: "login through the form, then logout",
    parameters: [{ name: "Project", value: project }],
    labels: [
      ...tags.map((value) => ({ name: "tag", value })),
      ...(subSuite ? [{ name: "subSuite", value: subSuite }] : []),
    ] as Label[],
  });

  test("epic is the tier, feature the journey group, story the journey, owner the tier's", () => {
    assert.deepEqual(labelsFor(result("browser", ["critical", "smoke"], "frontend journeys")), [
      { name: "epic", value: "frontend" },
      { name: "feature", value: "frontend journeys" },
      { name: "story", value: "login through the form, then logout" },
      { name: "severity", value: "critical" },
      { name: "owner", value: "frontend team" },
    ]);
    const standalone = labelsFor(result("schema", []));
    assert.deepEqual(
      standalone.filter((l) => ["epic", "feature"].includes(l.name)),
      [
        { name: "epic", value: "database" },
        { name: "feature", value: "login through the form, then logout" },
      ],
    );
  });

  test("a label the test set itself is kept", () => {
    const own = result("api", []);
    own.labels.push({ name: "owner", value: "alice" });
    assert.ok(!labelsFor(own).some((label) => label.name === "owner"));
  });

  test("severity: @root blocker, @critical critical, @smoke normal, else minor", () => {
    assert.equal(severityFor(["smoke", "critical", "root"]), "blocker");
    assert.equal(severityFor(["@critical"]), "critical");
    assert.equal(severityFor(["smoke", "readonly"]), "normal");
    assert.equal(severityFor([]), "minor");
  });

  test("a pass on a retry is flaky; a first-attempt pass is not", () => {
    const retried = (status: Status, retry: string) => ({
      status,
      parameters: [{ name: "Retry", value: retry }],
    });
    assert.equal(passedOnRetry(retried(Status.PASSED, "1")), true);
    assert.equal(passedOnRetry(retried(Status.FAILED, "1")), false);
    assert.equal(passedOnRetry({ status: Status.PASSED, parameters: [] }), false);
  });
});

describe("categories (matched by Allure's own matcher)", () => {
  const rules = normalizeCategoriesConfig(CATEGORIES);
  const categoryOf = (
    message: string,
    options: { status?: string; flaky?: boolean; labels?: Label[] } = {},
  ) =>
    matchCategory(rules, {
      status: (options.status ?? "failed") as "failed",
      labels: (options.labels ?? []).map((l) => ({ name: l.name, value: l.value ?? "" })),
      message,
      flaky: options.flaky ?? false,
    })?.id;

  // Messages as the suite reports them under the reference stack's faults.
  const cases: Array<[string, string]> = [
    ["Error: Schema drift: 3 differences (Data API + Postgres catalogs)", "schema-drift"],
    [
      "Error: reading profiles: PGRST205 Could not find the table 'public.profiles'",
      "schema-drift",
    ],
    ["Error: backend /health took 1606 ms (budget 1000 ms)", "sla-breach"],
    ["SLA breach: backend.health p95 = 1200 ms, limit ≤ 1000 ms (load/sla.json)", "sla-breach"],
    ["Regression: backend.login p95 = 90 ms, limit ≤ 40 ms (baseline 20 ms × 2)", "sla-breach"],
    ["Error: apiRequestContext.post: connect ECONNREFUSED 127.0.0.1:43209", "availability"],
    ['Error: register answered 500: {"code":"internal"}', "availability"],
    ["Error: expect(received).toBe(expected)\n\nExpected: 409\nReceived: 500", "availability"],
    [
      "Error: /api/me with a token signed by someone else\n\nExpected: 401\nReceived: 503",
      "availability",
    ],
    [
      "Error: preflight from the frontend origin failed\n\nExpected: < 300\nReceived:   404",
      "availability",
    ],
    [
      "Error: secrets shipped to browsers:\n/assets/app.js: contains the service-role key",
      "security",
    ],
    ["Error: the anon key read 3 profiles rows: row level security is off", "security"],
    ["Error: signUp failed: undefined {}", "auth-failure"],
    ["Error: admin createUser failed for synthetic-x-w0-1@example.com: 503  {}", "auth-failure"],
    [
      "Error: login did not reach the dashboard\n\nexpect(page).toHaveURL(expected) failed",
      "auth-failure",
    ],
    ["Error: uncaught exception: Uncaught failure in vendor bundle", "frontend-errors"],
    ['Error: expect(locator).toHaveText(expected) failed\n\nReceived: ""', "other-product"],
    [
      "TimeoutError: locator.fill: Timeout 10000ms exceeded.\nCall log:\n  - waiting for getByLabel('Full name')",
      "suite-defect",
    ],
    ["Error: expect(locator).toBeVisible() failed\n\nError: element(s) not found", "suite-defect"],
    [
      "Error: locator.click: Error: strict mode violation: getByRole('button') resolved to 2 elements",
      "suite-defect",
    ],
    ["TypeError: Cannot read properties of undefined (reading 'user')", "suite-defect"],
  ];
  for (const [message, category] of cases) {
    test(`${category} ← ${message.split("\n")[0]}`, () => {
      assert.equal(categoryOf(message), category);
    });
  }

  test("a locator miss on a page that was failing itself is the product's, not the suite's", () => {
    const message = "Error: expect(locator).toBeVisible() failed\n\nError: element(s) not found";
    assert.equal(categoryOf(message, { labels: [{ ...PAGE_HEALTH_LABEL }] }), "frontend-errors");
  });

  test("a diagnosis with a cause files the failure under the platform, a bare tier does not", () => {
    const cause = [{ name: "diagnosis", value: "backend on Render · cold start: 5.1 s" }];
    assert.equal(categoryOf("Expected: <= 0", { labels: cause }), "platform");
    assert.equal(categoryOf("Schema drift: table missing", { labels: cause }), "schema-drift");
    const tier = [{ name: "diagnosis", value: "backend on Render: GET /x answered 500" }];
    assert.equal(categoryOf("answered 500", { labels: tier }), "availability");
  });

  test("flaky wins over everything; a plain pass has no category; broken counts as failed", () => {
    assert.equal(categoryOf("", { status: "passed", flaky: true }), "flaky");
    assert.equal(categoryOf("", { status: "passed" }), undefined);
    assert.equal(
      categoryOf("Test timeout of 30000ms exceeded.", { status: "broken" }),
      "availability",
    );
  });
});

describe("environment, history, page, tables", () => {
  test("environment.properties names the target, the code and the run, without URL credentials", () => {
    const facts = runFacts(
      {
        SYNTHETIC_ENV: "staging",
        FRONTEND_URL: "https://user:pw@app.example.com/",
        BACKEND_URL: "https://api.example.com",
        SUPABASE_URL: "https://abc.supabase.co",
        SYNTHETIC_RUN_ID: "abcd1234",
        GITHUB_SHA: "0123abc",
      },
      { startedAt: new Date("2026-11-26T01:02:03Z"), backendVersion: "1.4.2 (9f8e7d6)" },
    );
    const text = environmentProperties(facts);
    for (const line of [
      "environment=staging",
      "frontend.url=https://app.example.com",
      "backend.version=1.4.2 (9f8e7d6)",
      "suite.git.sha=0123abc",
      "run.id=abcd1234",
      "run.started=2026-11-26T01:02:03.000Z",
    ])
      assert.ok(text.includes(`${line}\n`), `missing ${line} in\n${text}`);
    assert.match(text, /^suite\.version=\d+\.\d+\.\d+$/m);
    assert.ok(!text.includes("pw@"));
  });

  test("a report is named after its run, found in results and history", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "history-"));
    await writeFile(path.join(dir, "environment.properties"), "environment=local\nrun.id=xyz9\n");
    const name = reportName(runOfResults(dir));
    assert.equal(name, "Synthetic monitoring · local · run xyz9");
    const history = path.join(dir, "history.jsonl");
    assert.deepEqual(historyNames(history), []);
    await writeFile(
      history,
      `${JSON.stringify({ name: "a" })}\nnot json\n${JSON.stringify({ name })}\n`,
    );
    assert.deepEqual(historyNames(history), ["a", "", name]);
  });

  test("the report page loads no analytics", () => {
    const html = `<script src="app.js"></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('config', 'G-X', {});
    </script>
    <script async>window.allureReportDataReady = true;</script>`;
    const clean = withoutAnalytics(html);
    assert.ok(!/gtag|googletagmanager/.test(clean), clean);
    assert.match(clean, /app\.js/);
    assert.match(clean, /allureReportDataReady/);
  });

  test("request/response summaries mask credentials by name and secrets by value", () => {
    const text = formatExchanges(
      [
        {
          method: "POST",
          url: "/api/auth/login",
          requestHeaders: { authorization: "Bearer abc", "x-request-id": "r1" },
          requestBody: { email: "a@example.com", password: "hunter22" },
          status: 200,
          ms: 12,
          responseType: "application/json",
          responseBody: JSON.stringify({
            access_token: "tok",
            user: { id: "u1", note: "key-1234567890" },
          }),
        },
        {
          method: "GET",
          url: "/health",
          requestHeaders: {},
          error: "connect ECONNREFUSED\nCall log",
          ms: 3,
        },
      ],
      new Redactor([{ name: "SECRET", value: "key-1234567890" }]),
    );
    assert.equal(
      text,
      [
        "#1 POST /api/auth/login → 200 in 12 ms",
        "  request headers: authorization: [masked]; x-request-id: r1",
        '  request body: {"email":"a@example.com","password":"[masked]"}',
        '  response (application/json): {"access_token":"[masked]","user":{"id":"u1","note":"[REDACTED:SECRET]"}}',
        "",
        "#2 GET /health → no response in 3 ms",
        "  error: connect ECONNREFUSED",
        "",
      ].join("\n"),
    );
  });

  test("SLA rows become a CSV table with a verdict each", () => {
    assert.equal(
      slaCsv([
        { check: "backend /health", measuredMs: 1200, budgetMs: 1000 },
        { check: "home TTFB, first", measuredMs: 40 },
      ]),
      'check,measured ms,budget ms,verdict\nbackend /health,1200,1000,over budget\n"home TTFB, first",40,,no budget\n',
    );
  });

  test("report:open serves on loopback only, offline-only, and nothing outside the report", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "serve-"));
    await writeFile(path.join(dir, "index.html"), "<h1>report</h1>");
    const served = await serveDirectory(dir);
    try {
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(served.url);
      assert.equal(index.status, 200);
      assert.equal(await index.text(), "<h1>report</h1>");
      assert.match(index.headers.get("content-security-policy") ?? "", /default-src 'self'/);
      // An encoded slash survives URL normalisation and decodes to a path outside the report.
      assert.equal((await fetch(`${served.url}..%2f..%2fetc%2fpasswd`)).status, 403);
      assert.equal((await fetch(`${served.url}missing.json`)).status, 404);
      assert.equal((await fetch(`${served.url}%E0%A4%A`)).status, 400);
      assert.equal((await fetch(served.url, { method: "POST" })).status, 405);
    } finally {
      await served.close();
    }
  });
});
