import { readFile } from "node:fs/promises";
import { app } from "../../contract/index.ts";
import { schemaTarget } from "../../contract/profile.ts";
import { NOT_APPLICABLE } from "../../contract/vocabulary.ts";
import { expect, test } from "../../fixtures/index.ts";
import { connectCatalog, inspectCatalog } from "../../schema/catalog.ts";
import { inspectViaDataApi } from "../../schema/data-api.ts";
import { type Drift, diffSchema, formatDrift, mergeDrift } from "../../schema/diff.ts";
import { type InspectedSchema, parseSnapshot } from "../../schema/snapshot.ts";

const { snapshot: snapshotFile } = schemaTarget(app);

test("the database schema matches the snapshot of the migrations", {
  tag: ["@critical", "@smoke", "@readonly"],
}, async ({ target }) => {
  const text = await readFile(snapshotFile, "utf8").catch(() => undefined);
  test.skip(text === undefined, NOT_APPLICABLE.noSnapshot(snapshotFile));
  const expected = parseSnapshot(text ?? "", snapshotFile);
  const declared =
    Object.keys(expected.tables).length +
    Object.keys(expected.views).length +
    Object.keys(expected.functions).length +
    Object.keys(expected.triggers).length;
  // A snapshot that names nothing checks nothing: skipped, never passed.
  test.skip(declared === 0, NOT_APPLICABLE.noSchema);
  const overrides = app.schema;
  const drift: Drift[] = [];
  let seen: Pick<InspectedSchema, "source" | "unchecked"> | undefined;
  await test.step("tables and columns through the Data API", async () => {
    const found = await inspectViaDataApi(expected, target);
    drift.push(...diffSchema(expected, found, overrides));
    seen = found;
  });
  if (target.dbUrl) {
    const dbUrl = target.dbUrl;
    await test.step("constraints, RLS, policies, grants, functions and triggers from the catalogs", async () => {
      const client = await connectCatalog(dbUrl);
      try {
        const found = await inspectCatalog(client, { schemas: expected.schemas });
        const all = mergeDrift(diffSchema(expected, found, overrides), drift);
        drift.splice(0, drift.length, ...all);
        seen = { source: "Postgres catalogs", unchecked: found.unchecked };
      } finally {
        await client.end();
      }
    });
  } else {
    test.info().annotations.push({
      type: "partial check",
      description:
        "SUPABASE_DB_URL is not set: constraints, RLS, policies, grants, functions and triggers were not inspected",
    });
  }
  const report = formatDrift(drift, seen ?? { source: "Data API", unchecked: {} });
  await test.info().attach("schema-drift-report", { body: report, contentType: "text/plain" });
  if (drift.length > 0) {
    await test.info().attach("schema-drift.json", {
      body: JSON.stringify(drift, null, 2),
      contentType: "application/json",
    });
  }
  expect(drift.length, report).toBe(0);
});
