import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bootStack, FREE_PORTS, type RunningStack } from "../../stack/index.ts";
import { newSupabaseClient } from "../../target/supabase-client.ts";
import { failingProjects, runSuite, type SuiteRun } from "./run-suite.ts";

/**
 * The suite against the reference stack: green when healthy, and for every
 * fault switch exactly the projects that should fail, with a message that
 * names the fault. Projects that did not run because `setup` failed are
 * listed apart.
 */
export interface MatrixRow {
  fault: string;
  failing: string[];
  notRun?: string[];
  message: [string, RegExp];
  /**
   * Only these projects run; default the whole suite. Rows that leave the
   * browser projects out are faults the browser journeys do not see (or, for
   * a slow backend, see only as every page taking 1.5 s longer: 40 s a run).
   */
  projects?: string[];
}

export const DATABASE_AND_AUTH_FAULTS: MatrixRow[] = [
  {
    fault: "schema-erased",
    failing: ["api", "browser", "schema", "security"],
    message: ["schema", /table missing: table public\.profiles/],
  },
  {
    fault: "column-missing",
    failing: ["api", "browser", "schema", "security", "setup", "supabase"],
    notRun: ["browser"],
    message: ["schema", /column missing: column public\.profiles\.full_name/],
  },
  {
    fault: "trigger-missing",
    failing: ["api", "browser", "schema"],
    message: ["schema", /trigger missing: trigger on_auth_user_created/],
  },
  {
    fault: "rls-disabled",
    failing: ["schema", "security"],
    projects: ["api", "schema", "security", "supabase"],
    message: ["security", /public\.profiles is declared "owner", but the anon key read \d+ rows?/],
  },
  {
    fault: "auth-503",
    failing: ["api", "security", "setup", "supabase"],
    notRun: ["browser"],
    message: ["supabase", /503|unavailable/i],
  },
];

/**
 * Partial drift made behind the suite's back: the schema project names each,
 * riskiest first. Only api, schema and security run: the browser journeys
 * break with the api ones here (the same sign-up and /api/me), and a browser
 * pass per row would add about 20 s each to npm test.
 */
export const DRIFT_FAULTS: MatrixRow[] = [
  {
    fault: "trigger-disabled",
    failing: ["api", "schema"],
    projects: ["api", "schema", "security"],
    message: [
      "schema",
      /riskiest: \[sign-up\] trigger disabled: trigger on_auth_user_created on auth\.users/,
    ],
  },
  {
    fault: "policy-widened",
    failing: ["schema", "security"],
    projects: ["api", "schema", "security"],
    message: [
      "schema",
      /riskiest: \[security\] policy changed: policy "Profiles are viewable by their owner" on public\.profiles\n[\s\S]*found: +FOR SELECT TO authenticated USING true/,
    ],
  },
  {
    fault: "grant-revoked",
    failing: ["api", "schema", "security"],
    projects: ["api", "schema", "security"],
    message: [
      "schema",
      /grant missing: grants on public\.profiles to authenticated\n[\s\S]*\(SELECT revoked\)/,
    ],
  },
  {
    fault: "constraints-dropped",
    failing: ["schema"],
    projects: ["api", "schema", "security"],
    message: [
      "schema",
      /constraint changed: constraint profiles_id_fkey on public\.profiles\n +expected: FOREIGN KEY \(id\) REFERENCES auth\.users\(id\) ON DELETE CASCADE\n +found: +FOREIGN KEY \(id\) REFERENCES auth\.users\(id\)\n/,
    ],
  },
];

export const HTTP_FAULTS: MatrixRow[] = [
  { fault: "register-500", failing: ["api", "browser"], message: ["api", /register answered 500/] },
  {
    fault: "backend-latency=1500",
    failing: ["api"],
    projects: ["api", "schema", "security", "supabase"],
    message: ["api", /backend \/health took \d+ ms \(budget 1000 ms\)/],
  },
  {
    fault: "backend-down",
    failing: ["api", "security", "setup"],
    notRun: ["browser"],
    message: ["api", /ECONNREFUSED/],
  },
  { fault: "frontend-js-error", failing: ["browser"], message: ["browser", /uncaught exception/] },
  {
    fault: "cors-refused",
    failing: ["api", "browser"],
    message: ["api", /does not allow the frontend origin/],
  },
  {
    fault: "key-leaked",
    failing: ["security"],
    projects: ["api", "schema", "security", "supabase"],
    message: ["security", /contains the service-role key/],
  },
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The reference profile with a shorter wait after a form is submitted: under
 * a fault the browser journeys wait that long for a landing that never comes
 * (15 s each by default). Healthy runs keep the profile as it ships.
 */
async function quickFailingProfile(dir: string): Promise<string> {
  const file = path.join(dir, "app.ts");
  const app = path.join(ROOT, "contract/app.ts");
  await writeFile(
    file,
    `import app from ${JSON.stringify(app)};\nexport default { ...app, forms: { ...app.forms, submitTimeoutMs: 6_000 } };\n`,
  );
  return file;
}

/** Synthetic users still in the project: every test's fixture must have deleted its own, pass or fail. */
async function leftoverUsers(stack: RunningStack): Promise<string[]> {
  const admin = newSupabaseClient(stack.urls.supabase, stack.keys.serviceRoleKey);
  const { data, error } = await admin.auth.admin.listUsers({ page: 1, perPage: 1000 });
  assert.equal(error, null, `listUsers: ${error?.message}`);
  return data.users
    .map((user) => user.email ?? "")
    .filter((email) => email.startsWith("synthetic-"));
}

function describeRun(run: SuiteRun): string {
  const failed = run.tests
    .filter((t) => t.outcome === "unexpected")
    .map((t) => `  [${t.project}] ${t.title}: ${t.errors[0]?.split("\n")[0] ?? ""}`);
  return `exit ${run.exitCode}; failed:\n${failed.join("\n") || "  (none)"}\n--- output tail ---\n${run.output.slice(-1500)}`;
}

/**
 * Boots a stack for `rows` and runs the suite once per fault; optionally
 * healthy first, and healthy again after the last fault is cleared (each
 * matrix file runs one of the two, so neither run is paid twice).
 */
export function describeFaultMatrix(
  title: string,
  rows: MatrixRow[],
  checks: { healthyFirst: boolean; greenAfter: boolean },
): void {
  describe(title, () => {
    let stack: RunningStack;
    let env: Record<string, string>;
    let faultEnv: Record<string, string>;
    let scratch: string;
    before(async () => {
      stack = await bootStack({
        ports: FREE_PORTS,
        envFile: false,
      });
      env = { ...stack.env, SYNTHETIC_ENV: "local" };
      // Inside the project, so the profile loads as an ES module like the one it copies.
      await mkdir(path.join(ROOT, ".scratch"), { recursive: true });
      scratch = await mkdtemp(path.join(ROOT, ".scratch", "fault-matrix-"));
      faultEnv = { ...env, SYNTHETIC_APP: await quickFailingProfile(scratch) };
    });
    after(async () => {
      await stack?.stop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    if (checks.healthyFirst)
      test("healthy: every project passes", async () => {
        const run = await runSuite(env);
        assert.ok(
          run.tests.length >= 20,
          `expected the whole suite to run, got ${run.tests.length} tests\n${describeRun(run)}`,
        );
        assert.deepEqual(failingProjects(run), [], describeRun(run));
        assert.equal(run.exitCode, 0, describeRun(run));
        // The @email journeys skip here (no mailbox is configured for these
        // runs); e2e/faults-email.test.ts runs them, healthy and under faults.
        // The stack serves no https, so there is no certificate to check
        // (e2e/faults-platform.test.ts checks one).
        assert.deepEqual(
          run.tests
            .filter(
              (t) =>
                t.outcome === "skipped" &&
                !t.title.startsWith("email journeys › ") &&
                !t.title.startsWith("TLS certificates › "),
            )
            .map((t) => t.title),
          [],
        );
        assert.deepEqual(await leftoverUsers(stack), [], "synthetic users left behind");
      });

    for (const row of rows) {
      test(`fault ${row.fault} fails ${row.failing.join(", ")}`, async () => {
        await stack.faults.set(row.fault);
        try {
          const run = await runSuite(
            faultEnv,
            (row.projects ?? []).map((project) => `--project=${project}`),
          );
          assert.notEqual(run.exitCode, 0, "the run must fail");
          assert.deepEqual(
            failingProjects(run),
            row.failing.filter((p) => !row.notRun?.includes(p)).sort(),
            describeRun(run),
          );
          for (const project of row.notRun ?? []) {
            const tests = run.tests.filter((t) => t.project === project);
            assert.ok(
              tests.length > 0 && tests.every((t) => t.outcome === "skipped"),
              `${project} should not have run\n${describeRun(run)}`,
            );
          }
          const [project, pattern] = row.message;
          const messages = run.tests
            .filter((t) => t.project === project && t.outcome === "unexpected")
            .flatMap((t) => t.errors);
          assert.ok(
            messages.some((m) => pattern.test(m)),
            `no ${project} failure matches ${pattern}\n${describeRun(run)}`,
          );
        } finally {
          await stack.faults.clear(
            row.fault.split("=")[0] as Parameters<typeof stack.faults.clear>[0],
          );
        }
        assert.deepEqual(
          await leftoverUsers(stack),
          [],
          "synthetic users left behind by a failing run",
        );
      });
    }

    if (checks.greenAfter)
      test("after every fault is cleared the suite is green again", async () => {
        const run = await runSuite(env);
        assert.deepEqual(failingProjects(run), [], describeRun(run));
      });
  });
}
