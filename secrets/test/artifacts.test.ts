import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import type { TestCase, TestResult, TestStep } from "@playwright/test/reporter";
import AdmZip from "adm-zip";
import RedactionReporter from "../../reporters/redaction.ts";
import { Redactor } from "../redactor.ts";
import { scanForSecrets } from "../scan.ts";
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
