import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { DRIFT_FAULTS, describeFaultMatrix } from "./support/fault-matrix.ts";
import { failingProjects, runSuite } from "./support/run-suite.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describeFaultMatrix("the suite against partial schema drift", DRIFT_FAULTS, {
  healthyFirst: false,
  greenAfter: false,
});

// Every drift fault at once, then schema:restore: the plan names a step for
// each, --apply repairs them in place (no fault cleared, no reset), and the
// schema project passes again. Both app shapes: their migrations differ.
for (const [app, profile] of [
  ["spa", "contract/app.ts"],
  ["ssr", "contract/examples/ssr.ts"],
] as const) {
  describe(`schema:restore repairs partial drift (${app} app)`, () => {
    let stack: RunningStack;
    let env: Record<string, string>;
    before(async () => {
      stack = await bootStack({ ports: FREE_PORTS, envFile: false, app });
      env = { ...stack.env, SYNTHETIC_ENV: "local", SYNTHETIC_APP: profile };
    });
    after(async () => {
      await stack?.stop();
    });

    test("the plan, --apply, then the schema project passes", async () => {
      for (const row of DRIFT_FAULTS) await stack.faults.set(row.fault);
      const restore = (args: string[]) =>
        runProcess(process.execPath, ["--import", "tsx", "scripts/schema-restore.ts", ...args], {
          cwd: ROOT,
          env: { ...process.env, ...env, CI: "" },
        });
      const before = await runSuite(env, ["--project=schema"]);
      assert.deepEqual(failingProjects(before), ["schema"]);

      const plan = await restore([]);
      assert.equal(plan.code, 1, plan.stdout + plan.stderr);
      for (const step of [
        /alter table auth\.users enable trigger "on_auth_user_created"/,
        /drop policy "[^"]+" on "public"\."(profiles|notes)"/,
        /grant select on table "public"\."(profiles|notes)" to "authenticated"/,
        /FOREIGN KEY \((id|user_id)\) REFERENCES auth\.users\(id\) ON DELETE CASCADE/,
      ])
        assert.match(plan.stdout, step);
      assert.match(plan.stdout, /Dry run: nothing changed/);

      const applied = await restore(["--apply"]);
      assert.equal(applied.code, 0, applied.stdout + applied.stderr);
      assert.doesNotMatch(applied.stdout, /not applied|failed/);
      assert.match(applied.stdout, /Schema matches/);
      assert.ok(!applied.stdout.includes(stack.urls.db), "the database URL was printed");

      const afterRun = await runSuite(env, ["--project=schema", "--project=security"]);
      assert.deepEqual(failingProjects(afterRun), [], afterRun.output.slice(-1500));
    });
  });
}
