import { app } from "../../contract/index.ts";
import { NOT_APPLICABLE } from "../../contract/vocabulary.ts";
import { expect, test } from "../../fixtures/index.ts";
import { inspectViaCatalog } from "../../schema/catalog.ts";
import { inspectViaDataApi } from "../../schema/data-api.ts";
import { diffSchema, formatDrift } from "../../schema/diff.ts";
import type { Drift } from "../../schema/manifest.ts";

test("the database schema matches the manifest", {
  tag: ["@critical", "@smoke", "@readonly"],
}, async ({ target }) => {
  const declared =
    app.schema.tables.length +
    (app.schema.functions?.length ?? 0) +
    (app.schema.triggers?.length ?? 0);
  // A manifest that names nothing checks nothing: skipped, never passed.
  test.skip(declared === 0, NOT_APPLICABLE.noSchema);
  const drift: Drift[] = [];
  const sources: string[] = [];
  await test.step("tables and columns through the Data API", async () => {
    const found = await inspectViaDataApi(app.schema, target);
    drift.push(...diffSchema(app.schema, found));
    sources.push("Data API");
  });
  if (target.dbUrl) {
    const dbUrl = target.dbUrl;
    await test.step("RLS, policies, trigger and function from the catalogs", async () => {
      const found = await inspectViaCatalog(app.schema, dbUrl);
      const seen = new Set(drift.map((item) => `${item.kind}|${item.subject}`));
      for (const item of diffSchema(app.schema, found)) {
        if (!seen.has(`${item.kind}|${item.subject}`)) drift.push(item);
      }
      sources.push("Postgres catalogs");
    });
  } else {
    test.info().annotations.push({
      type: "partial check",
      description:
        "SUPABASE_DB_URL is not set: RLS, policies, triggers and functions were not inspected",
    });
  }
  const report = formatDrift(drift, sources.join(" + "));
  await test.info().attach("schema-drift-report", { body: report, contentType: "text/plain" });
  if (drift.length > 0) {
    await test.info().attach("schema-drift.json", {
      body: JSON.stringify(drift, null, 2),
      contentType: "application/json",
    });
  }
  expect(drift, report).toEqual([]);
});
