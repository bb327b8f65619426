// The @email journeys against the reference stack (ssr app, "Confirm email"
// on, the sink's Mailpit API as the mailbox): green when healthy, and each
// fails, naming its step, under the faults that break mail.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { describeFindings, scanForSecrets } from "../secrets/scan.ts";
import { CREDENTIAL_IN_URL } from "../secrets/test-secrets.ts";
import { AUTH_MAIL_SENDER, bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { runSuite, type SuiteRun } from "./support/run-suite.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const JOURNEYS = {
  confirm: "sign up, follow the confirmation link, land signed in",
  recovery: "recover a password through the emailed link, then sign in with the new one",
  magic: "sign in with a magic link",
};

/**
 * What the sink holds, read through its Mailpit API: the token of every link
 * Auth mailed, and the bodies of every other mail (the run's alerts).
 */
async function sinkMail(mailApi: string): Promise<{ tokens: string[]; alerts: string[] }> {
  const list = (await (await fetch(`${mailApi}/api/v1/messages?limit=200`)).json()) as {
    messages: Array<{ ID: string; From?: { Address?: string } }>;
  };
  const tokens = new Set<string>();
  const alerts: string[] = [];
  for (const { ID, From } of list.messages) {
    const message = (await (await fetch(`${mailApi}/api/v1/message/${ID}`)).json()) as {
      Subject?: string;
      HTML?: string;
      Text?: string;
    };
    const body = `${message.Subject ?? ""}\n${message.HTML ?? ""}\n${message.Text ?? ""}`;
    if (From?.Address !== AUTH_MAIL_SENDER) {
      alerts.push(body);
      continue;
    }
    for (const match of body.matchAll(/[?&](?:amp;)?(?:token|token_hash)=([\w-]{8,})/g))
      if (match[1]) tokens.add(match[1]);
  }
  return { tokens: [...tokens], alerts };
}

function outcomes(run: SuiteRun): Map<string, { outcome: string; error: string }> {
  return new Map(
    run.tests
      .filter(
        (item) => item.project === "browser" && item.title.split(" › ").includes("email journeys"),
      )
      .map((item) => [
        item.title.split(" › ").at(-1) ?? "",
        { outcome: item.outcome, error: item.errors[0] ?? "" },
      ]),
  );
}

describe("email journeys: healthy, then each mail fault", () => {
  let stack: RunningStack;
  let env: Record<string, string>;

  let scratch: string;

  before(async () => {
    stack = await bootStack({ app: "ssr", ports: FREE_PORTS, envFile: false, confirmEmail: true });
    // Shorter waits for a landing or a mail that never comes under a fault (15 s and 60 s by default).
    await mkdir(path.join(ROOT, ".scratch"), { recursive: true });
    scratch = await mkdtemp(path.join(ROOT, ".scratch", "faults-email-"));
    const profile = path.join(scratch, "ssr.ts");
    await writeFile(
      profile,
      `import app from ${JSON.stringify(path.join(ROOT, "contract/examples/ssr.ts"))};\nexport default { ...app, forms: { ...app.forms, submitTimeoutMs: 5_000 }, email: { ...app.email, deadlineMs: 8_000 } };\n`,
    );
    env = {
      ...stack.env,
      SYNTHETIC_ENV: "local",
      SYNTHETIC_APP: profile,
      SYNTHETIC_MAILBOX: "mailpit",
    };
  });
  after(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const emailRun = () => runSuite(env, ["--project=browser", "--grep=@email", "--no-deps"]);

  test("healthy: the three journeys pass (not skipped)", async () => {
    const found = outcomes(await emailRun());
    for (const title of Object.values(JOURNEYS))
      assert.equal(found.get(title)?.outcome, "expected", `${title}: ${found.get(title)?.error}`);
  });

  test("auth-links-expired: every journey fails where the link is followed; no link in its traces, reports or alert", async () => {
    await stack.faults.set("auth-links-expired");
    const artifacts = await mkdtemp(path.join(scratch, "artifacts-"));
    try {
      // With the config's reporters: the failing journeys keep their traces.
      const found = outcomes(
        await runSuite(env, ["--project=browser", "--grep=@email", "--no-deps"], {
          artifactsDir: artifacts,
        }),
      );
      for (const title of Object.values(JOURNEYS)) {
        const result = found.get(title);
        assert.equal(result?.outcome, "unexpected", `${title} should fail`);
        // The callback page shows Auth's words for an expired link.
        assert.match(
          result?.error ?? "",
          /did not land on \/protected|auth\/update-password|Email link is invalid or has expired|New password/,
        );
      }
      // Every token the stand-in mailed, looked for in every artifact (traces, the
      // HTML and Allure results), and the scan for credentials left in URLs.
      const { tokens, alerts } = await sinkMail(stack.urls.mailApi);
      assert.ok(tokens.length >= 3, `expected the three journeys' links, got ${tokens.length}`);
      // The run's alert (the stack's mail sink is the local default channel) names the failures, not the links.
      assert.ok(alerts.length >= 1, "the failing journeys were alerted");
      for (const body of alerts) {
        for (const token of tokens) assert.ok(!body.includes(token), "a mailed token in an alert");
        assert.doesNotMatch(body, CREDENTIAL_IN_URL);
      }
      const roots = ["test-results", "playwright-report", "allure-results"].map((dir) =>
        path.join(artifacts, dir),
      );
      const traces = (
        await readdir(path.join(artifacts, "test-results"), { recursive: true })
      ).filter((file) => file.endsWith("trace.zip"));
      assert.ok(traces.length >= 3, `the failing journeys keep traces: ${traces.join(", ")}`);
      const scan = scanForSecrets(
        roots,
        tokens.map((value) => ({ name: "mailed token", value })),
      );
      assert.deepEqual(scan.findings, [], describeFindings(scan, artifacts));
    } finally {
      await stack.faults.clear("auth-links-expired");
    }
  });

  test("mail-down: every journey fails at the request, and no link leaks into the errors", async () => {
    await stack.faults.set("mail-down");
    try {
      const found = outcomes(await emailRun());
      for (const title of Object.values(JOURNEYS)) {
        const result = found.get(title);
        assert.equal(result?.outcome, "unexpected", `${title} should fail`);
        assert.match(result?.error ?? "", /did not show "Check your email/);
        assert.doesNotMatch(result?.error ?? "", /token=|access_token=/);
      }
    } finally {
      await stack.faults.clear("mail-down");
    }
  });

  test("recovery-disabled: the recovery journey fails waiting for its mail, naming the mailbox, address and deadline", async () => {
    await stack.faults.set("recovery-disabled");
    try {
      const found = outcomes(
        await runSuite(env, ["--project=browser", "--grep=recover a password", "--no-deps"]),
      );
      const result = found.get(JOURNEYS.recovery);
      assert.equal(result?.outcome, "unexpected", "the recovery journey should fail");
      assert.match(
        result?.error ?? "",
        /No mail to synthetic-[^ ]+ arrived in the mailpit mailbox at http:\/\/127\.0\.0\.1:\d+ within \d+ ms \(deadline 8000 ms/,
      );
    } finally {
      await stack.faults.clear("recovery-disabled");
    }
  });
});
