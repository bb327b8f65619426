import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { LoadCheckData } from "../load/alert-data.ts";
import type { AllureResult } from "../load/allure.ts";
import { ARTILLERY_BIN, parseEnsure } from "../load/artillery.ts";
import type { Breach } from "../load/verdict.ts";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, parseFaultSpec, type RunningStack } from "../stack/index.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { parseSyntheticEmail } from "../target/synthetic-users.ts";

/**
 * `npm run load` and `npm run load:baseline` against the reference stack,
 * each run a few seconds per scenario: healthy passes, a slow backend is a
 * p95 breach on the backend's endpoint, failing registrations an error-rate
 * breach, a slowed run a regression against a recorded baseline, the
 * distributed recipe works with Artillery alone, and a remote target is
 * refused before any request.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Summary {
  endpoints: Array<{ endpoint: string; requests: number; breaches: Breach[] }>;
  checks: LoadCheckData[];
  ensure: Record<string, { passed: string[]; failed: string[] }>;
  problems: string[];
}

interface CliRun extends Ran {
  summary: Summary | undefined;
  allure: string;
}

let stack: RunningStack;
let work: string;
let runs = 0;

interface Ran {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

async function command(file: string, args: string[], env: Record<string, string>): Promise<Ran> {
  const ran = await runProcess(file, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  return { exitCode: ran.code, stdout: ran.stdout, stderr: ran.stderr };
}

/** The environment `npm run load` gets: the target, a fresh run id, and everything written to `work`. */
function loadEnv(runId: string, targetEnv: Record<string, string> = stack.env) {
  return {
    ...targetEnv,
    SYNTHETIC_ENV: "local",
    SYNTHETIC_RUN_ID: runId,
    LOAD_RESULTS_DIR: path.join(work, "results"),
    LOAD_BASELINE_DIR: path.join(work, "baselines"),
    LOAD_DURATION_SECONDS: "3",
    ALERT_STATE_PATH: path.join(work, "alerts", "state.json"),
    ALERT_JOURNAL_PATH: path.join(work, "alerts", "journal.jsonl"),
  };
}

interface Mail {
  subject: string;
  to: string[];
  text: string;
}

/** Alert emails in the stack's mail sink (the default local channel), newest first. */
async function alertMails(): Promise<Mail[]> {
  const response = await fetch(`${stack.urls.mailApi}/messages?to=oncall@synthetic.local`);
  return ((await response.json()) as { messages: Mail[] }).messages;
}

async function load(
  script: "load" | "load:baseline",
  env: Record<string, string>,
  options: { targetEnv?: Record<string, string> } = {},
): Promise<CliRun> {
  runs += 1;
  const runId = `loadt${Date.now().toString(36).slice(-5)}${runs}`;
  const allure = path.join(work, `allure-${runs}`);
  const ran = await command("npm", ["run", "-s", script], {
    ...loadEnv(runId, options.targetEnv),
    ALLURE_RESULTS_DIR: allure,
    ...env,
  });
  const summaryFile = path.join(work, "results", runId, "summary.json");
  const summary = existsSync(summaryFile)
    ? (JSON.parse(await readFile(summaryFile, "utf8")) as Summary)
    : undefined;
  return { ...ran, summary, allure };
}

/** One run with a fault of the stack switched on, and off again whatever happens. */
async function loadWithFault(fault: string, env: Record<string, string>): Promise<CliRun> {
  await stack.faults.set(fault);
  try {
    return await load("load", env);
  } finally {
    await stack.faults.clear(parseFaultSpec(fault).name);
  }
}

function show(run: CliRun): string {
  return `exit ${run.exitCode}\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`;
}

function breachesOf(run: CliRun): Breach[] {
  return run.summary?.endpoints.flatMap((e) => e.breaches) ?? [];
}

async function syntheticUsersLeft(): Promise<string[]> {
  const admin = newSupabaseClient(stack.urls.supabase, stack.keys.serviceRoleKey);
  const { data, error } = await admin.auth.admin.listUsers({ page: 1, perPage: 1000 });
  assert.equal(error, null, error?.message);
  return data.users
    .map((user) => user.email ?? "")
    .filter((email) => parseSyntheticEmail(email, "synthetic") !== undefined);
}

describe("npm run load against the reference stack", () => {
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "load-test-"));
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
    });
  });
  after(async () => {
    await stack?.stop();
    await rm(work, { recursive: true, force: true });
  });

  test("a healthy stack passes every scenario, with a table, Allure results and no users left", async () => {
    const run = await load("load", {});
    assert.equal(run.exitCode, 0, show(run));
    assert.match(run.stdout, /^endpoint\s+requests\s+ok\/s \(min\)\s+p50 ms/m);
    assert.match(run.stdout, /No baseline for local yet/);
    const summary = run.summary;
    assert.ok(summary, show(run));
    assert.deepEqual(summary.endpoints.map((e) => e.endpoint).sort(), [
      "backend.health",
      "backend.login",
      "backend.register",
      "frontend.asset",
      "frontend.page",
      "supabase.token",
    ]);
    for (const endpoint of summary.endpoints)
      assert.ok(endpoint.requests > 0, `${endpoint.endpoint} was never requested`);
    assert.deepEqual(breachesOf(run), [], show(run));
    assert.deepEqual(summary.problems, []);
    // Artillery's own ensure checked the same SLA: 4 conditions per endpoint, all met.
    const ensure = Object.values(summary.ensure);
    assert.equal(ensure.flatMap((e) => e.passed).length, 4 * 6, show(run));
    assert.deepEqual(
      ensure.flatMap((e) => e.failed),
      [],
    );
    assert.ok(summary.checks.every((c) => c.passed && c.breaches.length === 0));

    const files = await readdir(run.allure);
    const results = files.filter((f) => f.endsWith("-result.json"));
    assert.equal(results.length, 5, files.join(", "));
    for (const file of results) {
      const result = JSON.parse(
        await readFile(path.join(run.allure, file), "utf8"),
      ) as AllureResult;
      assert.equal(result.status, "passed");
      assert.equal(file, `${result.uuid}-result.json`);
      const labels = Object.fromEntries(result.labels.map((l) => [l.name, l.value]));
      assert.equal(labels.epic, "performance");
      assert.equal(labels.suite, "load");
      assert.equal(result.name, `load: ${labels.feature}`);
      const [attachment] = result.attachments;
      assert.equal(attachment?.type, "text/csv");
      const csv = await readFile(path.join(run.allure, attachment?.source ?? ""), "utf8");
      assert.match(csv, /^endpoint,requests,failed,error_rate,throughput_rps,p50_ms,p95_ms,p99_ms/);
    }
    assert.deepEqual(await syntheticUsersLeft(), [], "login and registered users must be deleted");
    assert.deepEqual(await alertMails(), [], "a passing load run alerts nobody");

    const xml = await readFile(path.join(work, "results", "junit.xml"), "utf8");
    assert.match(xml, /^<\?xml version="1\.0"/);
    assert.equal(xml.match(/<testsuite /g)?.length, 5, xml);
    assert.equal(xml.match(/<testcase /g)?.length, 6, xml);
    assert.match(xml, /<testcase classname="load\.health" name="backend\.health under load"/);
    assert.doesNotMatch(xml, /<failure|<error/);
  });

  test("without a backend, the backend's scenarios are skipped with the reason and the run passes", async () => {
    const { BACKEND_URL: _unset, ...withoutBackend } = stack.env;
    const run = await load("load", {}, { targetEnv: withoutBackend });
    assert.equal(run.exitCode, 0, show(run));
    for (const scenario of ["health", "login", "register"])
      assert.match(
        run.stdout,
        new RegExp(`Skipped ${scenario}: no backend configured \\(BACKEND_URL is unset\\)\\.`),
      );
    assert.match(run.stdout, /^backend\.login\s+-\s.*skipped: no backend configured/m);
    assert.match(
      run.stdout,
      /Load run passed the SLA \(skipped as not applicable: health, login, register\)\./,
    );
    assert.deepEqual(run.summary?.endpoints.map((e) => e.endpoint).sort(), [
      "frontend.asset",
      "frontend.page",
      "supabase.token",
    ]);
    const xml = await readFile(path.join(work, "results", "junit.xml"), "utf8");
    assert.equal(xml.match(/<skipped\/>/g)?.length, 3, xml);
    assert.doesNotMatch(xml, /<failure|<error/);
    assert.deepEqual(await syntheticUsersLeft(), [], "login users must be deleted");
  });

  test("a slow backend is a p95 breach on the backend's endpoint only", async () => {
    const run = await loadWithFault("backend-latency=1200", {
      LOAD_SCENARIOS: "health,supabase-token,frontend",
    });
    assert.equal(run.exitCode, 1, show(run));
    const breaches = breachesOf(run);
    assert.ok(
      breaches.some(
        (b) =>
          b.kind === "sla" &&
          b.endpoint === "backend.health" &&
          b.metric === "p95" &&
          b.measured >= 1200 &&
          b.limit === 1000,
      ),
      show(run),
    );
    assert.deepEqual(
      breaches.filter((b) => !b.endpoint.startsWith("backend.")),
      [],
      "Supabase and the frontend were not slowed",
    );
    assert.match(run.stdout, /SLA breach: backend\.health p95 = \d+ ms, limit ≤ 1000 ms/);
    assert.ok(
      run.summary?.ensure.health?.failed.includes(
        "plugins.metrics-by-endpoint.response_time.backend.health.p95 <= 1000",
      ),
      "Artillery's own ensure must fail the same p95",
    );
    const health = run.summary?.checks.find((c) => c.endpoint === "backend.health");
    assert.equal(health?.passed, false);
    assert.equal(health?.checkId, "load/health/backend.health");
  });

  test("failing registrations are an error-rate breach, alerted once and resolved by a good run", async () => {
    // Its own alert state: what earlier tests fired does not blur this one's messages.
    const alertState = { ALERT_STATE_PATH: path.join(work, "register-alerts", "state.json") };
    const before = (await alertMails()).length;
    const run = await loadWithFault("register-500", { LOAD_SCENARIOS: "register", ...alertState });
    assert.equal(run.exitCode, 1, show(run));
    const breach = breachesOf(run).find((b) => b.metric === "errorRate");
    assert.deepEqual(
      breach && [breach.kind, breach.endpoint, breach.measured, breach.limit],
      ["sla", "backend.register", 1, 0.02],
      show(run),
    );
    assert.match(run.stdout, /SLA breach: backend\.register error rate = 100\.0%, limit ≤ 2\.0%/);
    assert.ok(
      run.summary?.ensure.register?.failed.includes(
        "load.failed.backend.register / load.requests.backend.register <= 0.02",
      ),
    );

    const xml = await readFile(path.join(work, "results", "junit.xml"), "utf8");
    assert.match(
      xml,
      /<testcase classname="load\.register" name="backend\.register under load"[^>]*>[\s\S]*<failure message="SLA breach: backend\.register error rate = 100\.0%, limit ≤ 2\.0%/,
    );

    const firing = (await alertMails()).slice(0, -before || undefined);
    assert.equal(firing.length, 1, `one alert email, got ${firing.map((m) => m.subject)}`);
    const [alert] = firing;
    assert.match(alert?.subject ?? "", /^\[FIRING:1\] local · performance/);
    assert.match(alert?.text ?? "", /backend\.register under load/);
    assert.match(
      alert?.text ?? "",
      /SLA breach: backend\.register error rate = 100\.0%, limit ≤ 2\.0%/,
    );
    assert.ok(
      !alert?.text.includes(stack.keys.serviceRoleKey),
      "the alert carries the service-role key",
    );

    const good = await load("load", { LOAD_SCENARIOS: "register", ...alertState });
    assert.equal(good.exitCode, 0, show(good));
    const [resolved, ...rest] = (await alertMails()).slice(0, -before || undefined);
    assert.equal(rest.length, 1, "only the alert and its resolved notice");
    assert.match(resolved?.subject ?? "", /RESOLVED.*local · performance/);
    assert.match(resolved?.text ?? "", /backend\.register under load/);
  });

  test("a recorded baseline shows a slowed run as a regression the SLA alone lets pass", async () => {
    const recorded = await load("load:baseline", { LOAD_SCENARIOS: "health" });
    assert.equal(recorded.exitCode, 0, show(recorded));
    assert.match(recorded.stdout, /Baseline recorded: .*local\.json/);
    const baseline = JSON.parse(await readFile(path.join(work, "baselines", "local.json"), "utf8"));
    assert.ok(baseline.endpoints["backend.health"]?.p95Ms !== undefined, JSON.stringify(baseline));

    const run = await loadWithFault("backend-latency=250", { LOAD_SCENARIOS: "health" });
    assert.equal(run.exitCode, 1, show(run));
    assert.match(run.stdout, /Baseline: .*local\.json \(recorded /);
    const breaches = breachesOf(run);
    assert.ok(
      breaches.some(
        (b) => b.kind === "regression" && b.endpoint === "backend.health" && b.metric === "p50",
      ),
      show(run),
    );
    assert.deepEqual(
      breaches.filter((b) => b.kind === "sla"),
      [],
      "250 ms is within the SLA: only the baseline catches it",
    );
    assert.match(
      run.stdout,
      /Regression: backend\.health p50 = \d+ ms, limit ≤ \d+ ms \(baseline \d+ ms × 1\.5, at least \+\d+ ms\)/,
    );
  });

  test("the distributed recipe runs the same files with Artillery alone, its ensure holding the SLA", async () => {
    const runId = `distt${Date.now().toString(36).slice(-5)}`;
    const env = loadEnv(runId);
    const dotenv = path.join(work, "workers.env");
    const written = await command(
      "npm",
      ["run", "-s", "load", "--", "--write-dotenv", dotenv],
      env,
    );
    assert.equal(written.exitCode, 0, written.stdout + written.stderr);
    const overrides = await command(
      "npm",
      ["run", "-s", "load", "--", "--print-overrides", "login"],
      env,
    );
    assert.equal(overrides.exitCode, 0, overrides.stderr);
    // As README's run-fargate / run-lambda lines, run locally; the shim keeps telemetry off the network.
    const artillery = await command(
      process.execPath,
      [
        "--require",
        "./load/artillery-offline.cjs",
        ARTILLERY_BIN,
        "run",
        "--config",
        "load/config.yml",
        "--overrides",
        overrides.stdout.trim(),
        "--dotenv",
        dotenv,
        "--output",
        path.join(work, "distributed-login.json"),
        "load/scenarios/login.yml",
      ],
      { ARTILLERY_DISABLE_TELEMETRY: "true" },
    );
    const output = artillery.stdout + artillery.stderr;
    assert.equal(artillery.exitCode, 0, output);
    assert.match(output, /Bundled Typescript file into JS/);
    const ensure = parseEnsure(output);
    assert.equal(ensure.passed.length, 4, output);
    assert.deepEqual(ensure.failed, []);
    assert.deepEqual(await readdir(path.join(ROOT, "load", "dist")), ["package.json"]);

    const cleaned = await command("npm", ["run", "-s", "load", "--", "--cleanup-run", runId], env);
    assert.match(cleaned.stdout, new RegExp(`Deleted 3 synthetic users of run ${runId}`));
    assert.deepEqual(await syntheticUsersLeft(), []);
  });

  test("a bad flag or a bad ALERT_* setting stops the run before it starts, with exit 2", async () => {
    const flag = await command(process.execPath, ["--import", "tsx", "load/cli.ts", "--nope"], {});
    assert.equal(flag.exitCode, 2, flag.stderr);
    assert.match(flag.stderr, /Unknown option '--nope'[\s\S]*Usage: npm run load/);
    assert.doesNotMatch(flag.stderr, /\n\s+at /, "no stack trace");

    const run = await load("load", {
      ALERT_SMTP_URL: "mail.example.com",
      ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/secretsecret",
    });
    assert.equal(run.exitCode, 2, show(run));
    assert.match(run.stderr, /ALERT_SMTP_URL: must be a smtp:\/\/ or smtps:\/\/ URL/);
    assert.match(run.stderr, /ALERT_EMAIL_TO: is required with ALERT_SMTP_URL/);
    assert.ok(!run.stderr.includes("secretsecret"), "the webhook's token was echoed");
    assert.equal(run.summary, undefined, "no load was generated");
  });

  test("a remote target is refused before any request", async () => {
    let requests = 0;
    const recorder: Server = createServer((_req, res) => {
      requests += 1;
      res.end("{}");
    });
    await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
    const local = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    try {
      const remoteTarget = {
        FRONTEND_URL: local,
        // .invalid never resolves (RFC 2606): even a bug could not reach anyone.
        BACKEND_URL: "http://load-target.invalid:8080",
        SUPABASE_URL: local,
        SUPABASE_ANON_KEY: stack.keys.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: stack.keys.serviceRoleKey,
      };
      const run = await load("load", {}, { targetEnv: remoteTarget });
      assert.equal(run.exitCode, 2, show(run));
      assert.match(
        run.stderr,
        /Refusing to generate load against BACKEND_URL \(load-target\.invalid\)/,
      );
      assert.match(run.stderr, /LOAD_ALLOW_REMOTE=1/);
      assert.equal(run.summary, undefined);

      // npm start's smoke pass skips such a target instead of failing the whole run.
      const smoke = await command(process.execPath, ["--import", "tsx", "load/cli.ts", "--smoke"], {
        ...loadEnv("smoke", remoteTarget),
      });
      assert.equal(smoke.exitCode, 0, smoke.stdout + smoke.stderr);
      assert.match(
        smoke.stdout,
        /Load pass skipped: Refusing to generate load against BACKEND_URL/,
      );
      assert.equal(requests, 0, "no request may reach the targets, not even user creation");
    } finally {
      recorder.close();
    }
  });
});
