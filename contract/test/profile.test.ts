import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runProcess } from "../../scripts/process.ts";
import spa from "../app.ts";
import { loadAppProfile } from "../load.ts";
import { ProfileError, parseProfile } from "../profile.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function problemsOf(input: unknown): string[] {
  try {
    parseProfile(input, "probe.ts");
  } catch (error) {
    if (error instanceof ProfileError) return error.problems;
    throw error;
  }
  return [];
}

describe("app profiles", () => {
  test("the reference app's profile is valid, with defaults filled in", () => {
    const app = parseProfile(spa, "contract/app.ts");
    assert.equal(app.forms.submitTimeoutMs, 15_000);
    assert.equal(app.tables[0]?.schema, "public");
    assert.equal(app.migrations, "supabase/migrations");
  });

  test("a mistyped or missing field is named by its path", () => {
    const login = spa.forms.login;
    const problems = problemsOf({
      ...spa,
      session: { kind: "cookie" },
      forms: { ...spa.forms, login: { ...login, submit: { lable: "Log in" } } },
      signedIn: { ...spa.signedIn, proofs: [] },
    });
    assert.ok(
      problems.some((line) => line.startsWith("session.kind:")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((line) => line.startsWith("forms.login.submit:")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((line) => line.startsWith("signedIn.proofs:")),
      problems.join("\n"),
    );
  });

  test("proofs may match part of an element's text, and locators may be CSS", () => {
    const app = parseProfile(
      {
        ...spa,
        signedIn: {
          ...spa.signedIn,
          proofs: [{ locator: { css: "nav" }, shows: "email", match: "contains" }],
        },
      },
      "probe.ts",
    );
    assert.deepEqual(app.signedIn.proofs, [
      { locator: { css: "nav" }, shows: "email", match: "contains" },
    ]);
    assert.equal(parseProfile(spa, "contract/app.ts").signedIn.proofs[0]?.match, "exact");
  });

  test('auth "backend" needs the backend\'s sign-up and sign-in; signUpRow a declared table', () => {
    const problems = problemsOf({
      ...spa,
      backend: { health: "/health" },
      signUpRow: { table: "accounts" },
    });
    assert.deepEqual(problems.sort(), [
      'backend.login: is required with auth "backend" (sign-up and sign-in go through the backend)',
      'backend.register: is required with auth "backend" (sign-up and sign-in go through the backend)',
      "signUpRow.table: must be one of the declared tables (profiles)",
    ]);
  });

  test("a signed-out visit must be turned away somewhere else than the signed-in page", () => {
    const problems = problemsOf({
      ...spa,
      signedIn: { ...spa.signedIn, signedOutLands: { path: spa.signedIn.path } },
    });
    assert.deepEqual(problems, [
      "signedIn.signedOutLands.path: must differ from signedIn.path: a signed-out visit has to be turned away",
    ]);
  });

  test("SYNTHETIC_APP naming a missing file, or a module with no default export, is refused", async () => {
    await assert.rejects(loadAppProfile({ SYNTHETIC_APP: "contract/nope.ts" }), (error: Error) => {
      assert.ok(error instanceof ProfileError);
      assert.match(error.message, /SYNTHETIC_APP: no such file/);
      return true;
    });
    const dir = await mkdtemp(path.join(tmpdir(), "profile-"));
    const file = path.join(dir, "empty.ts");
    await writeFile(file, "export const nothing = 1;\n");
    await assert.rejects(loadAppProfile({ SYNTHETIC_APP: file }), /has no default export/);
  });

  test("playwright test with a bad profile stops before any test, exit 2, naming the field", async () => {
    // Inside the project, as a team's profile is (an ES module by package.json's "type").
    await mkdir(path.join(ROOT, ".scratch"), { recursive: true });
    const dir = await mkdtemp(path.join(ROOT, ".scratch", "profile-"));
    const file = path.join(dir, "bad.ts");
    await writeFile(
      file,
      `import app from ${JSON.stringify(path.join(ROOT, "contract/app.ts"))};\nexport default { ...app, home: { heading: "x" } };\n`,
    );
    const ran = await runProcess("npx", ["playwright", "test", "--list"], {
      cwd: ROOT,
      env: { ...process.env, SYNTHETIC_APP: file, CI: "" },
    });
    assert.equal(ran.code, 2, ran.output);
    assert.match(ran.stderr, /Invalid app profile .*bad\.ts/);
    assert.match(ran.stderr, /home\.path: /);
    assert.doesNotMatch(ran.output, /\n\s+at /, "no stack trace");
  });
});
