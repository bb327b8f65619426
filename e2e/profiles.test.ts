import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { failingProjects, runSuite, type SuiteRun } from "./support/run-suite.ts";

// The suite fitted to a second app by its profile alone: the reference
// stack's ssr shape (Supabase Auth from the page, @supabase/ssr cookies, no
// backend auth endpoints, a public-read table beside an owner one) with
// contract/examples/ssr.ts. Each part of the profile is shown to matter: a
// wrong label or cookie name fails naming it, a declared public-read table is
// no finding while an owner table with RLS off is, no backend means skipped.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SSR_PROFILE = path.join(ROOT, "contract/examples/ssr.ts");

function describeRun(run: SuiteRun): string {
  const lines = run.tests
    .filter((t) => t.outcome !== "expected")
    .map((t) => `  ${t.outcome} [${t.project}] ${t.title}: ${t.errors[0]?.split("\n")[0] ?? ""}`);
  return `exit ${run.exitCode}\n${lines.join("\n") || "  (all passed)"}\n--- output tail ---\n${run.output.slice(-1200)}`;
}

const skipped = (run: SuiteRun) =>
  run.tests.filter((t) => t.outcome === "skipped").map((t) => `${t.project} › ${t.title}`);

describe("the ssr app shape with contract/examples/ssr.ts", () => {
  let stack: RunningStack;
  let env: Record<string, string>;
  let scratch: string;

  /** A copy of the ssr profile with `change` spread over it. */
  async function variant(name: string, change: string): Promise<string> {
    const file = path.join(scratch, `${name}.ts`);
    await writeFile(
      file,
      `import app from ${JSON.stringify(SSR_PROFILE)};\nexport default { ...app, ${change} };\n`,
    );
    return file;
  }

  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false, app: "ssr" });
    env = { ...stack.env, SYNTHETIC_ENV: "local", SYNTHETIC_APP: SSR_PROFILE };
    // Inside the project, so the variants load as ES modules like the profiles they copy.
    await mkdir(path.join(ROOT, ".scratch"), { recursive: true });
    scratch = await mkdtemp(path.join(ROOT, ".scratch", "profiles-"));
  });
  after(async () => {
    await stack?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  test("every project is green; only the backend endpoints the app does not have are skipped", async () => {
    const run = await runSuite(env);
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.deepEqual(failingProjects(run), [], describeRun(run));
    assert.ok(run.tests.length >= 25, describeRun(run));
    assert.deepEqual(
      skipped(run).sort(),
      [
        "api › backend auth API › duplicate registration is refused clearly",
        "api › backend auth API › invalid input is refused naming the field",
        "api › backend auth API › register creates the user",
        "api › backend login API › wrong password is refused",
        // No mailbox in this run: e2e/faults-email.test.ts runs them.
        "browser › email journeys › recover a password through the emailed link, then sign in with the new one",
        "browser › email journeys › sign in with a magic link",
        "browser › email journeys › sign up, follow the confirmation link, land signed in",
        // The stack serves no https: e2e/faults-platform.test.ts checks a certificate.
        "security › TLS certificates › every https origin's certificate is valid for 14 more days",
      ],
      describeRun(run),
    );
    const security = run.tests.filter((t) => t.project === "security").map((t) => t.title);
    assert.ok(
      security.some((title) => /public\.profiles, declared "public-read"/.test(title)) &&
        security.some((title) => /public\.notes, declared "owner"/.test(title)),
      `security checks each declared table:\n${security.join("\n")}`,
    );
  });

  test("with BACKEND_URL unset, backend checks are skipped with the reason and the run passes", async () => {
    const { BACKEND_URL: _unset, ...rest } = env;
    // With the configured reporters (artifacts in scratch), so the run's own summary shows.
    const run = await runSuite({ ...rest, BACKEND_URL: "" }, [], {
      artifactsDir: path.join(scratch, "no-backend"),
    });
    assert.equal(run.exitCode, 0, describeRun(run));
    const api = run.tests.filter((t) => t.project === "api");
    assert.ok(api.length > 0 && api.every((t) => t.outcome === "skipped"), describeRun(run));
    assert.match(run.output, /\d+ × no backend configured \(BACKEND_URL is unset\)/);
  });

  test("a label the page does not have fails its journey naming the profile field", async () => {
    const file = await variant(
      "wrong-label",
      `forms: { ...app.forms, login: { ...app.forms.login, fields: [{ locator: { label: "E-mail" }, value: "email" }, app.forms.login.fields[1]] } }`,
    );
    const run = await runSuite({ ...env, SYNTHETIC_APP: file }, ["--project=browser"]);
    const errors = run.tests.flatMap((t) => t.errors).join("\n");
    assert.deepEqual(failingProjects(run), ["browser"], describeRun(run));
    assert.match(
      errors,
      /forms\.login\.fields\[0\] \(label "E-mail"\) must match exactly one element on \/auth\/login/,
    );
  });

  test("the session really is the cookie: another cookie name does not open the signed-in page", async () => {
    const file = await variant(
      "wrong-cookie",
      `session: { kind: "cookies", name: "sb-elsewhere-auth-token" }`,
    );
    const run = await runSuite({ ...env, SYNTHETIC_APP: file }, [
      "--project=browser",
      "--grep=session from setup",
    ]);
    assert.deepEqual(failingProjects(run), ["browser"], describeRun(run));
    assert.match(
      run.tests.flatMap((t) => t.errors).join("\n"),
      /the saved session \(cookies\) did not open \/protected/,
    );
  });

  test("a landing text already on the form page proves nothing and fails naming the field", async () => {
    const file = await variant(
      "landing-on-form",
      `forms: { ...app.forms, signUp: { ...app.forms.signUp, lands: { text: "Repeat Password" } } }`,
    );
    const run = await runSuite({ ...env, SYNTHETIC_APP: file }, [
      "--project=browser",
      "--grep=sign up through",
    ]);
    assert.deepEqual(failingProjects(run), ["browser"], describeRun(run));
    assert.match(
      run.tests.flatMap((t) => t.errors).join("\n"),
      /forms\.signUp\.lands text "Repeat Password" is already on \/auth\/sign-up before submitting/,
    );
  });

  test("a sign-out that leaves the user signed in fails, even when the landing text is on every page", async () => {
    // Clicking the heading signs nobody out; "Acme Notes" is in every page's header.
    const file = await variant(
      "no-sign-out",
      `signedIn: { ...app.signedIn, signOut: { locator: { css: "h1" }, lands: { text: "Acme Notes" } }, signedOutLands: { text: "Acme Notes" } }`,
    );
    const run = await runSuite({ ...env, SYNTHETIC_APP: file }, [
      "--project=browser",
      "--grep=then sign out",
    ]);
    assert.deepEqual(failingProjects(run), ["browser"], describeRun(run));
    assert.match(
      run.tests.flatMap((t) => t.errors).join("\n"),
      /after sign-out signedIn\.proofs\[0\] still shows the user's email/,
    );
  });

  test("rls-disabled on the owner table fails security; the public-read table is no finding", async () => {
    await stack.faults.set("rls-disabled");
    try {
      const run = await runSuite(env, ["--project=security"]);
      const failed = run.tests.filter((t) => t.outcome === "unexpected");
      assert.ok(failed.length > 0, describeRun(run));
      assert.ok(
        failed.every((t) => t.title.includes("public.notes")),
        `only the owner table fails\n${describeRun(run)}`,
      );
      assert.match(
        failed.flatMap((t) => t.errors).join("\n"),
        /public\.notes is declared "owner"/,
        describeRun(run),
      );
    } finally {
      await stack.faults.clear("rls-disabled");
    }
  });
});
