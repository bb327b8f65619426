import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defineMonitor } from "../config-schema.ts";
import {
  CHECK_PROJECTS,
  jobSelection,
  playwrightArgs,
  type Selection,
  withoutPaused,
} from "../selection.ts";

const config = defineMonitor({
  schedules: [
    { name: "nightly-auth", cron: "0 3 * * *", only: { projects: ["supabase"] } },
    { name: "smoke", cron: "*/1 * * * *", only: { tags: ["@smoke"] } },
    // Tags within a project claim nothing whole: the default schedule keeps both.
    { name: "slow-api", cron: "0 * * * *", only: { projects: ["api"], tags: ["@slow"] } },
  ],
});

const selection = (overrides: Partial<Selection> = {}): Selection => ({
  projects: ["browser", "api", "schema"],
  tags: [],
  withoutTags: [],
  locations: [],
  ...overrides,
});

test("the check projects leave out setup and cleanup", () => {
  assert.ok(CHECK_PROJECTS.length > 0);
  assert.ok(!CHECK_PROJECTS.includes("setup"));
  assert.ok(!CHECK_PROJECTS.includes("cleanup"));
  assert.ok(CHECK_PROJECTS.includes("supabase"), "the config above names a real project");
  assert.ok(CHECK_PROJECTS.includes("api"));
});

describe("jobSelection", () => {
  test("with no schedules the default job runs every check project", () => {
    assert.deepEqual(jobSelection(defineMonitor({}), "default"), {
      projects: CHECK_PROJECTS,
      tags: [],
      withoutTags: [],
      locations: [],
    });
  });

  test("default: less what named schedules claim whole, less tag-only schedules' tags", () => {
    assert.deepEqual(jobSelection(config, "default"), {
      projects: CHECK_PROJECTS.filter((p) => p !== "supabase"),
      tags: [],
      withoutTags: ["@smoke"],
      locations: [],
    });
  });

  test("a named schedule runs its own scope", () => {
    assert.deepEqual(jobSelection(config, "nightly-auth"), {
      projects: ["supabase"],
      tags: [],
      withoutTags: [],
      locations: [],
    });
    assert.deepEqual(jobSelection(config, "smoke"), {
      projects: CHECK_PROJECTS,
      tags: ["@smoke"],
      withoutTags: [],
      locations: [],
    });
    assert.deepEqual(jobSelection(config, "slow-api"), {
      projects: ["api"],
      tags: ["@slow"],
      withoutTags: [],
      locations: [],
    });
  });

  test("an unknown job is an error", () => {
    assert.throws(() => jobSelection(config, "hourly"), /no schedule named hourly/);
  });
});

describe("withoutPaused", () => {
  test("nothing paused leaves the selection as it is", () => {
    assert.deepEqual(withoutPaused(selection(), []), selection());
  });

  test("a whole pause leaves nothing to run", () => {
    assert.equal(withoutPaused(selection(), [{}]), undefined);
    assert.equal(withoutPaused(selection(), [{ projects: ["api"] }, {}]), undefined);
  });

  test("a project pause removes the project", () => {
    assert.deepEqual(
      withoutPaused(selection(), [{ projects: ["api", "security"] }]),
      selection({ projects: ["browser", "schema"] }),
    );
  });

  test("a tag pause adds to withoutTags, once", () => {
    assert.deepEqual(
      withoutPaused(selection({ withoutTags: ["@smoke"] }), [
        { tags: ["@email", "@smoke"] },
        { tags: ["@email"] },
      ]),
      selection({ withoutTags: ["@smoke", "@email"] }),
    );
  });

  test("tags within projects are paused everywhere the cycle runs them", () => {
    assert.deepEqual(
      withoutPaused(selection(), [{ projects: ["api"], tags: ["@slow"] }]),
      selection({ withoutTags: ["@slow"] }),
    );
  });

  test("with every project paused nothing is left to run", () => {
    assert.equal(
      withoutPaused(selection(), [{ projects: ["browser", "api"] }, { projects: ["schema"] }]),
      undefined,
    );
  });

  test("the selection given is not changed", () => {
    const given = selection({ withoutTags: ["@smoke"] });
    withoutPaused(given, [{ projects: ["api"] }, { tags: ["@email"] }]);
    assert.deepEqual(given, selection({ withoutTags: ["@smoke"] }));
  });
});

describe("playwrightArgs", () => {
  test("one --project per project, nothing else for a plain selection", () => {
    assert.deepEqual(playwrightArgs(selection()), [
      "--project=browser",
      "--project=api",
      "--project=schema",
    ]);
  });

  test("tags make one --grep and one --grep-invert, regex characters escaped", () => {
    const args = playwrightArgs(
      selection({
        projects: ["api"],
        tags: ["@smoke", "@v1.2", "@a+b"],
        withoutTags: ["@slow", "@x(y)|z"],
      }),
    );
    assert.deepEqual(args, [
      "--project=api",
      "--grep=(?:@smoke|@v1\\.2|@a\\+b)(?![\\w-])",
      "--grep-invert=(?:@slow|@x\\(y\\)\\|z)(?![\\w-])",
    ]);
    const grep = new RegExp(args[1]?.slice("--grep=".length) ?? "");
    assert.ok(grep.test("home page loads @v1.2"));
    assert.ok(!grep.test("home page loads @v1x2"), "the dot is literal");
  });

  test("locations come last", () => {
    assert.deepEqual(
      playwrightArgs(
        selection({
          projects: ["api"],
          tags: ["@smoke"],
          locations: ["tests/api/health.spec.ts:12", "tests/api/login.spec.ts"],
        }),
      ),
      [
        "--project=api",
        "--grep=(?:@smoke)(?![\\w-])",
        "tests/api/health.spec.ts:12",
        "tests/api/login.spec.ts",
      ],
    );
  });

  test("a tag selects that tag, not every tag it is the start of", {}, () => {
    const [, invert] = playwrightArgs(selection({ projects: ["api"], withoutTags: ["@db"] }));
    const pattern = new RegExp(invert?.slice("--grep-invert=".length) ?? "");
    assert.ok(pattern.test("migrations apply @db"));
    assert.ok(!pattern.test("report query is fast @db-slow"), "@db-slow is another tag");
  });
});
