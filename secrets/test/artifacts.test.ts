import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import type { TestCase, TestResult, TestStep } from "@playwright/test/reporter";
import AdmZip from "adm-zip";
import RedactionReporter from "../../reporters/redaction.ts";
import { Redactor } from "../redactor.ts";
import { scanForSecrets, URL_CREDENTIAL } from "../scan.ts";
import { addTestSecrets, linkSecrets, readTestSecrets, TEST_SECRETS_DIR } from "../test-secrets.ts";
import { configuredSecrets, type NamedSecret } from "../variables.ts";

const SERVICE =
  "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ";
const TARGET = {
  FRONTEND_URL: "https://app.example.com",
  BACKEND_URL: "https://api.example.com",
  SUPABASE_URL: "https://abc.supabase.co",
  SUPABASE_ANON_KEY: "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
  SUPABASE_SERVICE_ROLE_KEY: SERVICE,
  SUPABASE_DB_URL: "postgresql://postgres:s3cr%3Dt-pass-word@db.example.com:5432/postgres",
  VERCEL_PROTECTION_BYPASS: "bypass-0123456789abcdef",
};
const SECRETS: NamedSecret[] = [
  { name: "SUPABASE_SERVICE_ROLE_KEY", value: SERVICE },
  { name: "VERCEL_PROTECTION_BYPASS", value: "bypass-0123456789abcdef" },
];

function zipOf(entries: Record<string, string | Buffer>): Buffer {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(entries)) zip.addFile(name, Buffer.from(content));
  return zip.toBuffer();
}

describe("configured secrets", () => {
  test("the target's (named by variable), a database URL's password alone, and alert channels'", () => {
    const secrets = configuredSecrets({
      ...TARGET,
      ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.example/services/T000/B000/xyzxyzxyzxyz",
      ALERT_TWILIO_AUTH_TOKEN: "twilio-token-123456",
      ALERT_WEBHOOK_URL: "",
    });
    const byName = new Map(secrets.map((secret) => [secret.value, secret.name]));
    assert.equal(byName.get(SERVICE), "SUPABASE_SERVICE_ROLE_KEY");
    assert.equal(byName.get(TARGET.SUPABASE_DB_URL), "SUPABASE_DB_URL");
    assert.equal(byName.get("s3cr=t-pass-word"), "SUPABASE_DB_URL (part)");
    assert.equal(byName.get("bypass-0123456789abcdef"), "VERCEL_PROTECTION_BYPASS");
    assert.equal(byName.get("twilio-token-123456"), "ALERT_TWILIO_AUTH_TOKEN");
    assert.equal(byName.get("/services/T000/B000/xyzxyzxyzxyz"), "ALERT_SLACK_WEBHOOK_URL (part)");
    assert.ok(!byName.has(TARGET.SUPABASE_ANON_KEY), "the anon key is public, not a secret");
  });

  test("with no target only the alert channels' count, and short values never", () => {
    assert.deepEqual(configuredSecrets({ ALERT_PAGERDUTY_ROUTING_KEY: "short" }), []);
    assert.deepEqual(
      configuredSecrets({ ALERT_PAGERDUTY_ROUTING_KEY: "routing-key-0123456789" }).map(
        (s) => s.name,
      ),
      ["ALERT_PAGERDUTY_ROUTING_KEY"],
    );
  });
});

describe("redaction", () => {
  const redactor = new Redactor(SECRETS);

  test("text: every form of a secret is replaced by the variable's name", () => {
    const text = `key=${SERVICE} header=${encodeURIComponent("bypass-0123456789abcdef")}`;
    assert.equal(
      redactor.text(text),
      "key=[REDACTED:SUPABASE_SERVICE_ROLE_KEY] header=[REDACTED:VERCEL_PROTECTION_BYPASS]",
    );
    assert.equal(redactor.text("nothing to hide"), "nothing to hide");
  });

  test("bytes: unchanged input reports no change", () => {
    assert.equal(redactor.bytes(Buffer.from("clean")), undefined);
    assert.equal(
      redactor.bytes(Buffer.from(`a${SERVICE}b${SERVICE}c`))?.toString(),
      "a[REDACTED:SUPABASE_SERVICE_ROLE_KEY]b[REDACTED:SUPABASE_SERVICE_ROLE_KEY]c",
    );
  });

  test("a trace zip is rewritten entry by entry and stays a readable zip", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "redact-"));
    const trace = path.join(dir, "trace.zip");
    await writeFile(
      trace,
      zipOf({
        "0-trace.network": JSON.stringify({
          headers: [{ name: "x-vercel-protection-bypass", value: "bypass-0123456789abcdef" }],
        }),
        "resources/app.js": `const key = "${SERVICE}";`,
        "resources/page.png": Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      }),
    );
    assert.equal(redactor.file(trace), true);
    const zip = new AdmZip(await readFile(trace));
    assert.match(zip.readAsText("0-trace.network"), /\[REDACTED:VERCEL_PROTECTION_BYPASS\]/);
    assert.equal(
      zip.readAsText("resources/app.js"),
      'const key = "[REDACTED:SUPABASE_SERVICE_ROLE_KEY]";',
    );
    assert.deepEqual([...(zip.readFile("resources/page.png") ?? [])], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(redactor.file(trace), false, "a second pass finds nothing left");
    assert.equal(redactor.file(path.join(dir, "gone.zip")), false);
  });
});

describe("secret scan", () => {
  test("finds secrets in files, inside zips, nested zips and embedded base64 zips, naming only the variable", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "scan-"));
    await mkdir(path.join(root, "data"), { recursive: true });
    await writeFile(path.join(root, "clean.json"), '{"ok":true}');
    await writeFile(path.join(root, "result.json"), JSON.stringify({ message: `"${SERVICE}"` }));
    await writeFile(
      path.join(root, "data", "trace.zip"),
      zipOf({ "outer.txt": "nothing", "inner.zip": zipOf({ "h.txt": "bypass-0123456789abcdef" }) }),
    );
    const embedded = zipOf({ "report.json": `{"error":"${SERVICE}"}` }).toString("base64");
    await writeFile(
      path.join(root, "index.html"),
      `<script>window.data = "data:application/zip;base64,${embedded}";</script>`,
    );
    const result = scanForSecrets([root, path.join(root, "missing")], SECRETS);
    assert.equal(result.files, 4);
    const found = result.findings
      .map((f) => `${path.relative(root, f.file)}${f.entry ? ` › ${f.entry}` : ""}: ${f.secret}`)
      .sort();
    assert.deepEqual(found, [
      "data/trace.zip › inner.zip › h.txt: VERCEL_PROTECTION_BYPASS",
      "index.html › (embedded zip) › report.json: SUPABASE_SERVICE_ROLE_KEY",
      "result.json: SUPABASE_SERVICE_ROLE_KEY",
    ]);
    assert.ok(!JSON.stringify(result).includes(SERVICE), "a finding never carries the value");
  });

  test("redacted artifacts scan clean", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "scan-clean-"));
    const file = path.join(root, "trace.zip");
    await writeFile(file, zipOf({ "a.txt": `x ${SERVICE} y` }));
    new Redactor(SECRETS).file(file);
    assert.deepEqual(scanForSecrets([root], SECRETS).findings, []);
  });
});

describe("the redaction reporter", () => {
  test("replaces secrets in what later reporters receive: steps, errors, output, annotations, attachments", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "redaction-reporter-"));
    const trace = path.join(dir, "trace.zip");
    await writeFile(
      trace,
      zipOf({
        "0-trace.network": `x-vercel-protection-bypass: ${TARGET.VERCEL_PROTECTION_BYPASS}`,
      }),
    );
    const saved = { ...process.env };
    Object.assign(process.env, TARGET);
    const reporter = new RedactionReporter();
    try {
      reporter.onBegin();
    } finally {
      for (const key of Object.keys(TARGET)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    const step = {
      title: `GET /?apikey=${SERVICE}`,
      error: { message: `boom ${SERVICE}` },
    } as unknown as TestStep;
    const error = {
      message: `Call log: x-vercel-protection-bypass: ${TARGET.VERCEL_PROTECTION_BYPASS}`,
      cause: { stack: SERVICE },
    };
    const result = {
      errors: [error],
      error,
      stdout: [`printed ${SERVICE}`, Buffer.from(`bytes ${SERVICE}`)],
      stderr: [],
      annotations: [{ type: "note", description: `db ${TARGET.SUPABASE_DB_URL}` }],
      attachments: [
        { name: "body", contentType: "text/plain", body: Buffer.from(SERVICE) },
        { name: "trace", contentType: "application/zip", path: trace },
      ],
    } as unknown as TestResult;
    const testCase = {} as TestCase;
    reporter.onStepBegin(testCase, result, step);
    reporter.onTestEnd(testCase, result);

    const everything =
      JSON.stringify({ step, result }) +
      new AdmZip(await readFile(trace)).readAsText("0-trace.network");
    for (const secret of [SERVICE, TARGET.VERCEL_PROTECTION_BYPASS, TARGET.SUPABASE_DB_URL])
      assert.ok(!everything.includes(secret), `left in place: ${secret.slice(0, 12)}…`);
    assert.equal(step.title, "GET /?apikey=[REDACTED:SUPABASE_SERVICE_ROLE_KEY]");
    assert.equal(result.attachments[0]?.body?.toString(), "[REDACTED:SUPABASE_SERVICE_ROLE_KEY]");
    assert.equal(String(result.stdout[1]), "bytes [REDACTED:SUPABASE_SERVICE_ROLE_KEY]");
  });
});

describe("a test's own secrets: the email links it follows", () => {
  const LINK =
    "https://abc.supabase.co/auth/v1/verify?token=4f1c9e0b7d2a44c1a9e3b6d8f0c2e4a6b1d3f5a7c9e0b2d4f6a8c0e2&type=signup&redirect_to=https%3A%2F%2Fapp.example.com%2Fauth%2Fcallback";
  const SESSION =
    "https://app.example.com/auth/callback#access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl&expires_in=3600&refresh_token=r3fr3shT0ken99&token_type=bearer&type=signup";

  test("a link's secrets: each credential in its query or fragment", () => {
    assert.deepEqual(
      linkSecrets(LINK).map((secret) => secret.value),
      ["4f1c9e0b7d2a44c1a9e3b6d8f0c2e4a6b1d3f5a7c9e0b2d4f6a8c0e2"],
    );
    assert.deepEqual(
      linkSecrets(SESSION).map((secret) => secret.value),
      ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl", "r3fr3shT0ken99"],
    );
    assert.deepEqual(linkSecrets("https://app.example.com/protected?tab=1"), []);
  });

  test("the reporter hides them in that test's steps, errors and trace, and forgets them after", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "test-secrets-"));
    const env = { [TEST_SECRETS_DIR]: path.join(dir, "secrets") };
    const saved = process.env[TEST_SECRETS_DIR];
    process.env[TEST_SECRETS_DIR] = env[TEST_SECRETS_DIR];
    try {
      addTestSecrets("test-1", linkSecrets(LINK), env);
      addTestSecrets("test-1", linkSecrets(SESSION), env);
      const trace = path.join(dir, "trace.zip");
      await writeFile(
        trace,
        zipOf({
          "trace.trace": JSON.stringify({ method: "goto", params: { url: LINK } }),
          "0-trace.network": `{"url":"${SESSION}"}`,
        }),
      );
      const reporter = new RedactionReporter();
      reporter.onBegin();
      const step = {
        title: `Navigate to "${LINK}"`,
        subtitle: LINK.replace("https://", ""),
      } as unknown as TestStep;
      const other = { title: `Navigate to "${LINK}"` } as unknown as TestStep;
      const result = {
        errors: [{ message: `expected /protected, was ${SESSION}` }],
        stdout: [],
        stderr: [],
        attachments: [{ name: "trace", contentType: "application/zip", path: trace }],
      } as unknown as TestResult;
      const test1 = { id: "test-1" } as TestCase;
      reporter.onStepBegin(test1, result, step);
      reporter.onStepBegin({ id: "test-2" } as TestCase, result, other);
      reporter.onTestEnd(test1, result);

      assert.equal(
        step.title,
        `Navigate to "${LINK.replace("4f1c9e0b7d2a44c1a9e3b6d8f0c2e4a6b1d3f5a7c9e0b2d4f6a8c0e2", "[REDACTED:email link]")}"`,
      );
      assert.equal(
        step.subtitle,
        "abc.supabase.co/auth/v1/verify?token=[REDACTED:email link]&type=signup&redirect_to=https%3A%2F%2Fapp.example.com%2Fauth%2Fcallback",
      );
      assert.equal(other.title, `Navigate to "${LINK}"`, "another test's steps are its own");
      const everything =
        JSON.stringify(result) +
        new AdmZip(await readFile(trace))
          .getEntries()
          .map((e) => e.getData().toString())
          .join("\n");
      for (const secret of [
        "4f1c9e0b7d2a44c1a9e3b6d8f0c2e4a6b1d3f5a7c9e0b2d4f6a8c0e2",
        "r3fr3shT0ken99",
        "eyJzdWIiOiJ1In0",
      ])
        assert.ok(!everything.includes(secret), `left in place: ${secret}`);
      assert.deepEqual(scanForSecrets([trace], []).findings, [], "the trace scans clean");
      assert.deepEqual(readTestSecrets("test-1", env).secrets, [], "forgotten at the test's end");
    } finally {
      if (saved === undefined) delete process.env[TEST_SECRETS_DIR];
      else process.env[TEST_SECRETS_DIR] = saved;
    }
  });

  test("without the run's directory a test cannot record one (and so must not follow links)", () => {
    assert.throws(
      () => addTestSecrets("test-1", linkSecrets(LINK), {}),
      /SYNTHETIC_TEST_SECRETS_DIR is not set/,
    );
  });

  test("the scan finds a credential left in a URL even when the run never knew it", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "scan-links-"));
    await writeFile(path.join(root, "step.json"), JSON.stringify({ title: `goto ${LINK}` }));
    await writeFile(path.join(root, "trace.zip"), zipOf({ "trace.trace": SESSION }));
    await writeFile(
      path.join(root, "callback.json"),
      JSON.stringify({
        url: "https://app.example.com/auth/callback?code=0b6a7c3e-9d2f-4e1a-8b5c-3f7e9a1d2c4b",
      }),
    );
    await writeFile(
      path.join(root, "map.json"),
      JSON.stringify({
        url: "https://api.mapbox.example/styles?access_token=pk.eyJ1IjoibWFwcyJ9.abcdefgh&token=public-cdn-token-1234",
      }),
    );
    await writeFile(
      path.join(root, "clean.json"),
      JSON.stringify({
        title:
          "goto https://abc.supabase.co/auth/v1/verify?token=[REDACTED:email link]&type=signup",
      }),
    );
    assert.deepEqual(
      scanForSecrets([root], [])
        .findings.map(
          (f) => `${path.basename(f.file)}${f.entry ? ` › ${f.entry}` : ""}: ${f.secret}`,
        )
        .sort(),
      [
        `callback.json: ${URL_CREDENTIAL}`,
        `step.json: ${URL_CREDENTIAL}`,
        `trace.zip › trace.trace: ${URL_CREDENTIAL}`,
      ],
    );
  });
});
