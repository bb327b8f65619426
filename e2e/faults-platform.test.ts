import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { selfSignedCertificate } from "../platform/test/support/certificate.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { runSuite, type SuiteRun } from "./support/run-suite.ts";

// Each platform fault of the reference stack against the real suite: the
// right check fails, and its tier and cause come first in the run summary,
// in the alert (a real webhook receiver on loopback), and in the Allure
// result. A cold start within the team's budget raises nothing. No platform
// token or webhook secret appears in anything the runs produced.

interface Row {
  fault: string;
  /** Only the checks about the fault run (one project, a grep), so each row costs a few seconds. */
  args: string[];
  env?: Record<string, string>;
  diagnosis: RegExp;
}

const ROWS: Row[] = [
  {
    fault: "render-cold-start=2500",
    args: ["--project=api", "--grep=cold-start budget"],
    env: { RENDER_COLD_START_BUDGET_MS: "1000" },
    diagnosis: /^backend on Render · cold start: the run's first request took \d\.\d s/,
  },
  {
    fault: "render-deploying=30",
    args: ["--project=api", "--grep=GET /health is up"],
    diagnosis:
      /^backend on Render · deploy in progress: deploy dep-\S+ of commit \w{7} \(\w+_in_progress\)/,
  },
  {
    fault: "render-suspended",
    args: ["--project=api", "--grep=GET /health is up"],
    diagnosis: /^backend on Render · service suspended: Render API: service \S+ is suspended/,
  },
  {
    fault: "vercel-function-timeout",
    args: ["--project=browser", "--grep=home renders"],
    diagnosis:
      /^frontend on Vercel · function timeout: GET \/\S* answered 504 with x-vercel-error FUNCTION_INVOCATION_TIMEOUT/,
  },
  {
    fault: "vercel-protection",
    args: ["--project=browser", "--grep=home renders"],
    diagnosis:
      /^frontend on Vercel · protection refused: GET \/\S* answered 401 from Deployment Protection; the VERCEL_PROTECTION_BYPASS the suite sends was refused/,
  },
  {
    fault: "supabase-paused",
    args: ["--project=supabase", "--grep=wrong password"],
    diagnosis:
      /^Supabase auth · project paused: Management API status INACTIVE; (GET|POST) \/auth\/v1\/\S+ answered 540/,
  },
  {
    // Sign-up's over_email_send_rate_limit skips the email journeys instead (the suite's own
    // email budget, fixtures/email.ts): a sign-in meets over_request_rate_limit and fails.
    fault: "supabase-rate-limited",
    args: ["--project=supabase", "--grep=wrong password"],
    diagnosis:
      /^Supabase auth · rate-limited by the target: 429 over_request_rate_limit on POST \/auth\/v1\/token/,
  },
];

interface Hook {
  server: Server;
  url: string;
  bodies: string[];
}

async function webhookReceiver(): Promise<Hook> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      bodies.push(body);
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/alerts`, bodies };
}

interface AllureResult {
  status: string;
  labels: Array<{ name: string; value: string }>;
  statusDetails?: { message?: string };
}

async function allureResults(dir: string): Promise<AllureResult[]> {
  const folder = path.join(dir, "allure-results");
  const files = (await readdir(folder)).filter((name) => name.endsWith("-result.json"));
  return Promise.all(
    files.map(async (name) => JSON.parse(await readFile(path.join(folder, name), "utf8"))),
  );
}

/** Every text file under `dir` (reports, results, JUnit); archives and media are the redaction reporter's. */
async function textFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter(
    (entry) => entry.isFile() && !/\.(zip|png|jpe?g|webm|woff2?)$/i.test(entry.name),
  );
  return Promise.all(
    files.map((entry) => readFile(path.join(entry.parentPath, entry.name), "utf8")),
  );
}

function describeRun(run: SuiteRun): string {
  return `exit ${run.exitCode}\n--- output tail ---\n${run.output.slice(-2500)}`;
}

describe("platform faults name their tier and cause", () => {
  let stack: RunningStack;
  let hook: Hook;
  let scratch: string;
  /** Everything the runs produced, for the secret scan. */
  const produced: string[] = [];

  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false });
    hook = await webhookReceiver();
    scratch = await mkdtemp(path.join(tmpdir(), "platform-faults-"));
  });
  after(async () => {
    await stack?.stop();
    hook?.server.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function run(name: string, args: string[], env: Record<string, string> = {}) {
    const artifactsDir = path.join(scratch, name);
    const before = hook.bodies.length;
    const result = await runSuite(
      { ...stack.env, SYNTHETIC_ENV: "local", ALERT_WEBHOOK_URL: hook.url, ...env },
      args,
      { artifactsDir },
    );
    const alerts = hook.bodies.slice(before).map((body) => JSON.parse(body));
    produced.push(result.output, ...hook.bodies.slice(before));
    return { result, alerts, artifactsDir };
  }

  for (const row of ROWS) {
    test(`${row.fault}: the failing check says so first in the summary, the alert and the report`, async () => {
      const name = row.fault.split("=")[0] as string;
      await stack.faults.set(row.fault);
      let outcome: Awaited<ReturnType<typeof run>>;
      try {
        outcome = await run(name, row.args, row.env);
      } finally {
        await stack.faults.clear(name as Parameters<typeof stack.faults.clear>[0]);
      }
      const { result, alerts, artifactsDir } = outcome;
      assert.notEqual(result.exitCode, 0, `the run must fail\n${describeRun(result)}`);

      // The summary: the diagnosis line first, the check's name under it.
      const summaryLine = result.output.split("\n").find((line) => line.trim().startsWith("- ⚑ "));
      assert.ok(summaryLine, `no diagnosis in the summary\n${describeRun(result)}`);
      assert.match(summaryLine.trim().slice("- ⚑ ".length), row.diagnosis, describeRun(result));

      // The alert: the webhook's firing alert carries it, and its text shows it under the title.
      const firing = alerts.flatMap(
        (alert: { firing: Array<{ diagnosis?: string }> }) => alert.firing,
      );
      assert.ok(
        firing.some((item) => row.diagnosis.test(item.diagnosis ?? "")),
        `no alert with the diagnosis: ${JSON.stringify(firing.map((item) => item.diagnosis))}\n${describeRun(result)}`,
      );
      assert.ok(
        alerts.some((alert: { text: string }) => /\n {2}⚑ /.test(alert.text)),
        "the alert text shows the diagnosis under the title",
      );

      // The Allure result: a diagnosis label, and the failure message starts with it.
      const failed = (await allureResults(artifactsDir)).filter((r) => r.status !== "passed");
      const labelled = failed.find((r) =>
        r.labels.some((l) => l.name === "diagnosis" && row.diagnosis.test(l.value)),
      );
      assert.ok(labelled, `no Allure result labelled with the diagnosis\n${describeRun(result)}`);
      assert.match(labelled.statusDetails?.message ?? "", /^⚑ /);
      produced.push(JSON.stringify(failed));
    });
  }

  test("a cold start within the team's budget passes and raises no alert", async () => {
    await stack.faults.set("render-cold-start=2500");
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run(
        "cold-start-within-budget",
        ["--project=api", "--grep=cold-start budget"],
        {
          RENDER_COLD_START_BUDGET_MS: "60000",
        },
      );
    } finally {
      await stack.faults.clear("render-cold-start");
    }
    const { result, alerts } = outcome;
    assert.equal(result.exitCode, 0, describeRun(result));
    assert.match(
      result.output,
      /Backend: cold start of \d+ ms on the run's first request \(budget 60000 ms\)/,
    );
    assert.deepEqual(
      alerts.filter((alert: { firing: unknown[] }) => alert.firing.length > 0),
      [],
      "no alert fires",
    );
  });

  test("deploy correlation: a failure after the stand-in's new Render deploy names it, and what is live", async () => {
    await stack.faults.set("render-deploying=2");
    const deploys = `${stack.env.RENDER_API_URL}/v1/services/${stack.env.RENDER_SERVICE_ID}/deploys?limit=5`;
    let live: { id: string; commit: { id: string } } | undefined;
    for (let tries = 0; tries < 50 && !live; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const list = (await (
        await fetch(deploys, { headers: { authorization: `Bearer ${stack.env.RENDER_API_KEY}` } })
      ).json()) as Array<{ deploy: { id: string; status: string; commit: { id: string } } }>;
      const newest = list[0]?.deploy;
      if (newest?.status === "live" && list.length > 1) live = newest;
    }
    assert.ok(live, "the stand-in's new deploy went live");
    await stack.faults.set("register-500");
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run("correlation", ["--project=api", "--grep=register creates the user"]);
    } finally {
      await stack.faults.clear("register-500");
    }
    const text = outcome.alerts.map((alert: { text: string }) => alert.text).join("\n");
    const sha = live.commit.id.slice(0, 7);
    assert.match(
      text,
      new RegExp(
        `failing since [^\\n]*, under a minute after Render deploy ${live.id} \\(commit ${sha}.*\\) went live at \\d\\d:\\d\\d UTC`,
      ),
      text,
    );
    assert.match(
      text,
      new RegExp(`\\nLive: Vercel deployment dpl_\\S+ [^\\n]* · Render deploy ${live.id} `),
      text,
    );
  });

  test("a certificate close to expiry fails the TLS check, with the days left in its diagnosis", async () => {
    const dir = path.join(scratch, "tls");
    await mkdir(dir, { recursive: true });
    const server = createHttpsServer(selfSignedCertificate(dir, 5), (_request, response) =>
      response.end("ok"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run("tls", ["--project=security", "--grep=TLS certificates"], {
        FRONTEND_URL: `https://127.0.0.1:${port}`,
      });
    } finally {
      server.close();
    }
    const { result, alerts } = outcome;
    assert.notEqual(result.exitCode, 0, describeRun(result));
    const expected =
      /network · TLS certificate expiring: 127\.0\.0\.1:\d+'s certificate expires \d{4}-\d\d-\d\d \([45] days left\)/;
    assert.match(result.output, new RegExp(`- ⚑ ${expected.source}`), describeRun(result));
    assert.ok(
      alerts.some((alert: { firing: Array<{ diagnosis?: string }> }) =>
        alert.firing.some((item) => expected.test(item.diagnosis ?? "")),
      ),
      "the alert carries it",
    );
  });

  test("a wrong platform token costs that platform's data, said once; a malformed value stops the run", async () => {
    const wrong = await run("wrong-token", ["--project=api", "--grep=cold-start budget"], {
      VERCEL_TOKEN: "WrongToken0000000000abcd",
    });
    assert.equal(wrong.result.exitCode, 0, describeRun(wrong.result));
    const said = wrong.result.output.match(/Platform data: no vercel data this run: [^\n]*/g) ?? [];
    assert.equal(said.length, 1, describeRun(wrong.result));
    assert.match(said[0] ?? "", /403|forbidden|refused/i);
    // Said once in any wording: the reason itself appears nowhere else in the run's output.
    const reason = (said[0] ?? "").replace(/^.*this run: /, "").slice(0, 40);
    assert.equal(wrong.result.output.split(reason).length - 1, 1, describeRun(wrong.result));
    assert.match(wrong.result.output, /platform render: /, "the other platforms are still read");

    const malformed = await run("malformed", ["--project=api", "--grep=cold-start budget"], {
      RENDER_SERVICE_ID: "",
    });
    assert.equal(malformed.result.exitCode, 2, describeRun(malformed.result));
    assert.match(malformed.result.output, /Invalid configuration:\n {2}- [^\n]*RENDER_SERVICE_ID/);
    assert.doesNotMatch(malformed.result.output, /\n\s+at /, "no stack trace");
  });

  test("no platform token or webhook secret in any output, alert or report", async () => {
    const secrets = [
      "VERCEL_TOKEN",
      "RENDER_API_KEY",
      "SUPABASE_ACCESS_TOKEN",
      "VERCEL_WEBHOOK_SECRET",
      "RENDER_WEBHOOK_SECRET",
      "VERCEL_PROTECTION_BYPASS",
    ]
      .map((name) => [name, stack.env[name]] as const)
      .filter((entry): entry is readonly [string, string] => Boolean(entry[1]));
    assert.ok(
      secrets.length >= 5,
      `the stack hands out its platform credentials: ${secrets.map(([n]) => n)}`,
    );
    const text = [...produced, ...(await textFiles(scratch))].join("\n");
    assert.ok(text.length > 0);
    for (const [name, value] of secrets) {
      assert.ok(!text.includes(value), `${name}'s value appears in what the runs produced`);
    }
  });
});
